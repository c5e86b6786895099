import { statSync } from 'node:fs';
import { dirname } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseEntry } from '../../src/audit/entry.js';
import type { Store } from '../../src/store/index.js';
import { anomalyEvent, anomalyId, sampleAnomaly, sampleProfile } from '../support/anomalies.js';
import { sampleHold } from '../support/holds.js';
import { SAMPLE_TIME } from '../support/records.js';
import { expectStoreError, makeSqliteStore, useSqliteFile } from '../support/sqlite-file.js';
import { describeBehaviorStoreContract } from './behavior-store.contract.js';

describeBehaviorStoreContract('SQLite', makeSqliteStore('holdfast-behavior-'));

describe('SQLite behaviour store', () => {
  const db = useSqliteFile('holdfast-behavior-', 'home');
  const { open, closeAll, tamper } = db;

  const record = (store: Store, n: number, at = SAMPLE_TIME): Promise<number> => {
    const anomaly = sampleAnomaly({ id: anomalyId(n), at });
    return store.recordAnomaly(anomaly, anomalyEvent(anomaly));
  };

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
    expect(statSync(dirname(db.path)).mode & 0o777).toBe(0o700);
    for (const file of [db.path, `${db.path}-wal`, `${db.path}-shm`]) {
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
