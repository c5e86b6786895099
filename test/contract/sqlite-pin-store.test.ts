import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';

import { AuditError } from '../../src/shared/errors.js';
import { defaultDbPath, ensureHome, openSqliteStore } from '../../src/store/index.js';
import { sampleEvent, sampleRecord } from '../support/records.js';
import {
  expectStoreError,
  makeSqliteStore,
  makeTempDir,
  useSqliteFile,
} from '../support/sqlite-file.js';
import { errorOf } from '../support/thrown.js';
import { describeAuditStoreContract } from './audit-store.contract.js';
import { describeHoldStoreContract } from './hold-store.contract.js';
import { describePinStoreContract } from './pin-store.contract.js';

const STORE_INDEX = pathToFileURL(resolve(import.meta.dirname, '../../src/store/index.ts')).href;

const makeStore = makeSqliteStore('holdfast-sqlite-');

describePinStoreContract('SQLite', makeStore);
describeAuditStoreContract('SQLite', makeStore);
describeHoldStoreContract('SQLite', makeStore);

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('SQLite pin store', () => {
  const db = useSqliteFile('holdfast-sqlite-', 'state', 'home');
  const { open, closeAll, tamper } = db;

  describe('when two connections share one file', () => {
    it('each sees the writes of the other', async () => {
      const gateway = open();
      const cli = open();
      await cli.update('files', () => ({ record: sampleRecord('files'), events: [] }));
      expect(await gateway.getStatus('files')).toEqual({ status: 'verified', revision: 1 });

      await gateway.update(
        'files',
        (current) =>
          current && { record: { ...current, status: 'changed' }, events: [sampleEvent('files')] },
      );
      expect(await cli.getServer('files')).toMatchObject({ status: 'changed', revision: 2 });
      expect(await cli.listEvents()).toEqual([sampleEvent('files')]);
    });

    it('loses no update when both write in turn', async () => {
      const [gateway, cli] = [open(), open()];
      const increments = Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? gateway : cli).update('files', (current) => ({
          record: sampleRecord('files', { reason: String(Number(current?.reason ?? '0') + 1) }),
          events: [],
        })),
      );
      await Promise.all(increments);
      expect(await open().getServer('files')).toMatchObject({ reason: '40', revision: 40 });
    });

    it('sees a write made by another process while it is open', async () => {
      const gateway = open();
      expect(await gateway.getStatus('files')).toBeUndefined();
      const script = join(db.dir, 'approve.mjs');
      writeFileSync(
        script,
        `import { openSqliteStore } from ${JSON.stringify(STORE_INDEX)};
         const store = openSqliteStore({ path: process.argv[2] });
         await store.update('files', () => ({ record: ${JSON.stringify(
           sampleRecord('files', { status: 'quarantined' }),
         )}, events: [] }));
         await store.close();`,
      );
      execFileSync(process.execPath, ['--import', 'tsx', script, db.path], { stdio: 'pipe' });

      expect(await gateway.getStatus('files')).toEqual({ status: 'quarantined', revision: 1 });
    });
  });

  it('moves the pin events of a 0.1 database into the audit log, in order', async () => {
    mkdirSync(db.home, { recursive: true, mode: 0o700 });
    const old = new Database(db.path);
    // The schema 0.1 shipped (migration 1), with two events in it.
    old.exec(`PRAGMA application_id = 1212434003;
      CREATE TABLE servers (name TEXT PRIMARY KEY NOT NULL, revision INTEGER NOT NULL,
        status TEXT NOT NULL, record TEXT NOT NULL) STRICT;
      CREATE TABLE pin_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
        server TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
      PRAGMA user_version = 1;`);
    const insert = old.prepare(
      'INSERT INTO pin_events (at, server, kind, data) VALUES (?, ?, ?, ?)',
    );
    const events = [
      sampleEvent('files', 'baseline', { by: 'tofu' }, 1),
      sampleEvent('files', 'call-denied', { code: 'SERVER_CHANGED' }, 2),
    ];
    for (const e of events) insert.run(e.at, e.server, e.kind, JSON.stringify(e.data));
    old.close();

    const store = open();
    expect(await store.listEvents()).toEqual(events);
    expect((await store.auditHead()).size).toBe(2);
    const raw = new Database(db.path, { readonly: true });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    raw.close();
    expect(tables).not.toContain('pin_events');
  });

  it('keeps its data when closed and reopened', async () => {
    const first = open();
    await first.update('files', () => ({
      record: sampleRecord('files'),
      events: [sampleEvent('files')],
    }));
    const written = await first.getServer('files');
    await first.close();

    const second = open();
    expect(await second.getServer('files')).toEqual(written);
    expect(await second.listEvents()).toEqual([sampleEvent('files')]);
  });

  it('rolls back the record when one of its events cannot be written', async () => {
    const store = open();
    const unwritable = sampleEvent('files', 'probe', {}, Number.NaN); // not an integer time
    const error = await errorOf(() =>
      store.update('files', () => ({
        record: sampleRecord('files'),
        events: [sampleEvent('files'), unwritable],
      })),
    );
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'AUDIT_MALFORMED' });
    expect(await store.getServer('files')).toBeUndefined();
    expect(await store.listEvents()).toEqual([]);
  });

  describe('file modes', () => {
    it('creates the directory 0700 and the database, -wal and -shm files 0600', async () => {
      const store = open();
      await store.update('files', () => ({ record: sampleRecord('files'), events: [] }));

      expect(modeOf(db.home)).toBe(0o700);
      for (const file of [db.path, `${db.path}-wal`, `${db.path}-shm`])
        expect(modeOf(file)).toBe(0o600);
    });

    it('tightens an existing directory and database that others can read', () => {
      mkdirSync(db.home, { recursive: true });
      chmodSync(db.home, 0o755);
      writeFileSync(db.path, '');
      chmodSync(db.path, 0o644);

      open();
      expect(modeOf(db.home)).toBe(0o700);
      expect(modeOf(db.path)).toBe(0o600);
    });

    it('refuses a state directory path that is a file', () => {
      mkdirSync(db.dir, { recursive: true });
      const file = join(db.dir, 'not-a-dir');
      writeFileSync(file, '');
      return expectStoreError(() => {
        ensureHome(file);
      }, 'STORE_PERMISSIONS');
    });
  });

  describe('when the file is damaged or foreign', () => {
    beforeEach(async () => {
      const store = open();
      await store.update('files', () => ({
        record: sampleRecord('files'),
        events: [sampleEvent('files')],
      }));
    });

    it('reports STORE_CORRUPT for a record that is not JSON, and writes nothing', async () => {
      tamper(`UPDATE servers SET record = '{"name": "files", garbage' WHERE name = 'files'`);
      const store = open();

      await expectStoreError(() => store.getServer('files'), 'STORE_CORRUPT');
      await expectStoreError(() => store.listServers(), 'STORE_CORRUPT');
      await expectStoreError(
        () => store.update('files', () => ({ record: sampleRecord('files'), events: [] })),
        'STORE_CORRUPT',
      );
      expect(await store.getStatus('files')).toEqual({ status: 'verified', revision: 1 });
      expect(await store.listEvents()).toHaveLength(1);
    });

    it('reports STORE_CORRUPT for a record naming another server', async () => {
      const forged = JSON.stringify(sampleRecord('other', { revision: 1 }));
      tamper(`UPDATE servers SET record = '${forged}' WHERE name = 'files'`);
      await expectStoreError(() => open().getServer('files'), 'STORE_CORRUPT');
    });

    it('reports STORE_CORRUPT for a record whose status disagrees with its row', async () => {
      tamper(`UPDATE servers SET status = 'pending' WHERE name = 'files'`);
      await expectStoreError(() => open().getServer('files'), 'STORE_CORRUPT');
    });

    it('reports STORE_CORRUPT for an unknown status on the status-only path', async () => {
      tamper(`UPDATE servers SET status = 'trusted' WHERE name = 'files'`);
      await expectStoreError(() => open().getStatus('files'), 'STORE_CORRUPT');
    });

    it('reports STORE_CORRUPT for event data that is not a flat object', async () => {
      tamper(
        `UPDATE audit_entries SET entry = CAST('{"at":1,"data":{"nested":{"a":1}},"index":0,"kind":"probe","server":"files","v":1}' AS BLOB)`,
      );
      await expectStoreError(() => open().listEvents(), 'STORE_CORRUPT');
    });

    it('refuses to open a file that is not a database', async () => {
      await closeAll();
      writeFileSync(db.path, 'this is not an SQLite database, just some text '.repeat(100));
      await expectStoreError(() => open(), 'STORE_CORRUPT');
    });

    it('refuses to open an SQLite database that Holdfast did not create', async () => {
      const foreign = join(db.dir, 'foreign.db');
      const raw = new Database(foreign);
      raw.exec('CREATE TABLE notes (body TEXT)');
      raw.close();
      await expectStoreError(() => openSqliteStore({ path: foreign }), 'STORE_CORRUPT');
    });

    it('refuses to open a database written by a newer schema', async () => {
      tamper('PRAGMA user_version = 99');
      await expectStoreError(() => open(), 'STORE_UNAVAILABLE');
    });
  });
});

describe('state directory', () => {
  it('names holdfast.db inside the home directory', () => {
    expect(defaultDbPath('/home/ada/.holdfast')).toBe(join('/home/ada/.holdfast', 'holdfast.db'));
  });

  it('creates missing parents and leaves the directory owner-only', () => {
    const dir = makeTempDir('holdfast-sqlite-');
    try {
      const home = join(dir, 'a', 'b');
      ensureHome(home);
      ensureHome(home);
      expect(modeOf(home)).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
