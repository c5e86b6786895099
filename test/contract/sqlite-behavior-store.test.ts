import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseEntry } from '../../src/audit/entry.js';
import { StoreError } from '../../src/shared/errors.js';
import type { Store } from '../../src/store/index.js';
import { defaultDbPath, openSqliteStore } from '../../src/store/index.js';
import { anomalyEvent, anomalyId, sampleAnomaly, sampleProfile } from '../support/anomalies.js';
import { sampleHold } from '../support/holds.js';
import { SAMPLE_TIME } from '../support/records.js';
import { describeBehaviorStoreContract } from './behavior-store.contract.js';

function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'holdfast-behavior-'));
}

describeBehaviorStoreContract('SQLite', () => {
  const dir = makeTempDir();
  const store = openSqliteStore({ path: defaultDbPath(join(dir, 'home')) });
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('SQLite behaviour store', () => {
  let dir: string;
  let path: string;
  const opened: Store[] = [];

  function open(): Store {
    const store = openSqliteStore({ path });
    opened.push(store);
    return store;
  }
  async function closeAll(): Promise<void> {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  }

  /** Runs `sql` on a raw connection of its own, as an attacker or a damaged disk would. */
  function tamper(sql: string): void {
    const raw = new Database(path);
    try {
      raw.pragma('ignore_check_constraints = ON');
      raw.exec(sql);
    } finally {
      raw.close();
    }
  }

  async function expectStoreError(op: () => Promise<unknown>, code: string): Promise<void> {
    const error = await op().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code });
  }

  const record = (store: Store, n: number, at = SAMPLE_TIME): Promise<number> => {
    const anomaly = sampleAnomaly({ id: anomalyId(n), at });
    return store.recordAnomaly(anomaly, anomalyEvent(anomaly));
  };

  beforeEach(() => {
    dir = makeTempDir();
    path = defaultDbPath(join(dir, 'home'));
  });

  afterEach(async () => {
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps profiles and anomalies, and their entries, when closed and reopened', async () => {
    const first = open();
    await first.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
    await record(first, 1, SAMPLE_TIME + 5);
    await record(first, 2);
    await closeAll();

    const store = open();
    expect(await store.getProfile('notes', 'search_notes')).toEqual(sampleProfile());
    expect((await store.listAnomalies()).map((a) => a.id)).toEqual([anomalyId(2), anomalyId(1)]);
    const entries = (await store.readEntries(0, 10)).map((row) => parseEntry(row.entry));
    expect(entries.map((e) => [e.kind, e.data['id']])).toEqual([
      ['anomaly', anomalyId(1)],
      ['anomaly', anomalyId(2)],
    ]);
    // The id is still taken after the reopen.
    await expect(record(store, 1)).rejects.toBeInstanceOf(RangeError);
  });

  it('shows one connection the profiles and anomalies another wrote to the file', async () => {
    const [gateway, cli] = [open(), open()];
    await gateway.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
    await record(gateway, 1);
    expect(await cli.getProfile('notes', 'search_notes')).toEqual(sampleProfile());
    expect(await cli.listAnomalies({ server: 'notes' })).toHaveLength(1);
    await expect(record(cli, 1)).rejects.toBeInstanceOf(RangeError);
  });

  it('keeps the database files owner-only', async () => {
    const store = open();
    await store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
    await record(store, 1);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('adds the behaviour tables to a database of the previous schema (migration 4)', async () => {
    await open().createHold(sampleHold());
    await closeAll();
    tamper('DROP TABLE behavior_profiles; DROP TABLE anomalies; PRAGMA user_version = 3;');
    const store = open();
    expect(await store.getHold(sampleHold().id)).toEqual(sampleHold());
    expect(await store.listAnomalies()).toEqual([]);
    expect(await record(store, 1)).toBe(1);
    await store.putProfile('notes', 'search_notes', { calls: 1 }, SAMPLE_TIME);
    expect(await store.getProfile('notes', 'search_notes')).toEqual({ calls: 1 });
  });

  describe('when the audit append fails inside the transaction', () => {
    it('stores no anomaly and reports a StoreError', async () => {
      const store = open();
      await record(store, 1);
      tamper(`CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries
              BEGIN SELECT RAISE(ABORT, 'disk refuses'); END;`);
      await expectStoreError(() => record(store, 2), 'STORE_UNAVAILABLE');
      expect((await store.listAnomalies()).map((a) => a.id)).toEqual([anomalyId(1)]);
      expect((await store.auditHead()).size).toBe(1);

      tamper('DROP TRIGGER refuse_entries');
      expect(await record(store, 2)).toBe(1);
    });
  });

  it('appends no entry when the anomaly row cannot be written', async () => {
    const store = open();
    tamper(`CREATE TRIGGER refuse_anomalies BEFORE INSERT ON anomalies
            BEGIN SELECT RAISE(ABORT, 'disk refuses'); END;`);
    await expectStoreError(() => record(store, 1), 'STORE_UNAVAILABLE');
    expect((await store.auditHead()).size).toBe(0);
  });

  it('reports a StoreError when the tables are gone', async () => {
    const store = open();
    tamper('DROP TABLE anomalies; DROP TABLE behavior_profiles;');
    await expectStoreError(() => store.listAnomalies(), 'STORE_UNAVAILABLE');
    await expectStoreError(() => store.getProfile('notes', 'search_notes'), 'STORE_UNAVAILABLE');
    await expectStoreError(
      () => store.putProfile('notes', 'search_notes', { calls: 1 }, SAMPLE_TIME),
      'STORE_UNAVAILABLE',
    );
    await expectStoreError(() => record(store, 1), 'STORE_UNAVAILABLE');
    expect((await store.auditHead()).size).toBe(0);
  });

  it('reports STORE_UNAVAILABLE once closed', async () => {
    const store = open();
    await store.close();
    await expectStoreError(() => store.getProfile('notes', 'search_notes'), 'STORE_UNAVAILABLE');
    await expectStoreError(() => store.listAnomalies(), 'STORE_UNAVAILABLE');
    await expectStoreError(() => record(store, 1), 'STORE_UNAVAILABLE');
  });

  describe('when a stored profile is damaged', () => {
    it.each([
      ['text that is not JSON', `'{"calls": 1'`],
      ['a JSON array', `'[1, 2]'`],
      ['JSON null', `'null'`],
    ])('reports STORE_CORRUPT for %s', async (_case, value) => {
      const store = open();
      await store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
      tamper(`UPDATE behavior_profiles SET profile = ${value}`);
      await expectStoreError(() => store.getProfile('notes', 'search_notes'), 'STORE_CORRUPT');
      // A write replaces the damaged profile.
      await store.putProfile('notes', 'search_notes', { calls: 2 }, SAMPLE_TIME + 1);
      expect(await store.getProfile('notes', 'search_notes')).toEqual({ calls: 2 });
    });
  });

  describe('when a stored anomaly is damaged', () => {
    it.each([
      ['an unknown action', `action = 'shrug'`],
      ['a malformed id', `id = 'not-an-anomaly'`],
      ['an empty tool', `tool = ''`],
      ['evidence over 4 KiB', `evidence = printf('%.5000c', 'x')`],
    ])('reports STORE_CORRUPT for %s', async (_case, set) => {
      const store = open();
      await record(store, 1);
      tamper(`UPDATE anomalies SET ${set}`);
      await expectStoreError(() => store.listAnomalies(), 'STORE_CORRUPT');
      await expectStoreError(() => store.listAnomalies({ server: 'notes' }), 'STORE_CORRUPT');
    });
  });
});
