/**
 * The behaviour every {@link BehaviorStore} backend must show (memory, SQLite, PostgreSQL):
 * profiles are replaced whole and read back as fresh copies, anomalies are stored as given and
 * listed oldest first through every filter, and each anomaly is in the audit log with it, in the
 * same transaction, or not stored at all.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { AuditEntry, AuditEvent } from '../../src/audit/entry.js';
import { parseEntry } from '../../src/audit/entry.js';
import { AuditError } from '../../src/shared/errors.js';
import type { Anomaly, Store } from '../../src/store/index.js';
import type { JsonObject } from '../../src/surface/types.js';
import { anomalyEvent, anomalyId, sampleAnomaly, sampleProfile } from '../support/anomalies.js';
import { SAMPLE_TIME } from '../support/records.js';
import { rejectionOf } from '../support/thrown.js';
import type { MakeStore } from './fresh-store.js';
import { useFreshStore } from './fresh-store.js';

const KIB = 1024;

export function describeBehaviorStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} behaviour store (contract)`, () => {
    let store: Store;
    useFreshStore(makeStore, (fresh) => (store = fresh));

    /** Every audit entry, decoded. */
    async function entries(): Promise<AuditEntry[]> {
      return (await store.readEntries(0, 1000)).map((row) => parseEntry(row.entry));
    }
    async function record(anomaly: Anomaly): Promise<number> {
      return store.recordAnomaly(anomaly, anomalyEvent(anomaly));
    }

    it('holds no profile and no anomaly at first', async () => {
      expect(await store.getProfile('notes', 'search_notes')).toBeUndefined();
      expect(await store.listAnomalies()).toEqual([]);
    });

    describe('when a profile is stored', () => {
      it('reads it back as given, and records nothing in the audit log', async () => {
        await store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
        expect(await store.getProfile('notes', 'search_notes')).toEqual(sampleProfile());
        expect(await entries()).toEqual([]);
      });

      it('hands out fresh copies: mutating what was written or read changes nothing', async () => {
        const written = sampleProfile();
        await store.putProfile('notes', 'search_notes', written, SAMPLE_TIME);
        written['calls'] = 0;
        const read = await store.getProfile('notes', 'search_notes');
        expect(read).toEqual(sampleProfile());
        if (read === undefined) return;
        read['calls'] = 99;
        (read['hosts'] as JsonObject)['exfil.example'] = 1;
        (read['shapes'] as JsonObject[]).pop();
        expect(await store.getProfile('notes', 'search_notes')).toEqual(sampleProfile());
        expect(await store.getProfile('notes', 'search_notes')).not.toBe(
          await store.getProfile('notes', 'search_notes'),
        );
      });

      it('replaces the whole profile on the next write', async () => {
        await store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
        await store.putProfile('notes', 'search_notes', { calls: 13 }, SAMPLE_TIME + 1);
        expect(await store.getProfile('notes', 'search_notes')).toEqual({ calls: 13 });
      });

      it('keeps one profile per server and tool', async () => {
        await store.putProfile('notes', 'search_notes', { n: 1 }, SAMPLE_TIME);
        await store.putProfile('notes', 'read_note', { n: 2 }, SAMPLE_TIME);
        await store.putProfile('mail', 'search_notes', { n: 3 }, SAMPLE_TIME);
        expect(await store.getProfile('notes', 'search_notes')).toEqual({ n: 1 });
        expect(await store.getProfile('notes', 'read_note')).toEqual({ n: 2 });
        expect(await store.getProfile('mail', 'search_notes')).toEqual({ n: 3 });
        expect(await store.getProfile('mail', 'read_note')).toBeUndefined();
      });

      it('accepts a profile of exactly 256 KiB of UTF-8', async () => {
        // {"p":"…"} is 8 bytes around the text; "é" is 2 bytes.
        const profile = { p: 'é'.repeat((256 * KIB - 8) / 2) };
        await store.putProfile('notes', 'search_notes', profile, SAMPLE_TIME);
        expect(await store.getProfile('notes', 'search_notes')).toEqual(profile);
      });

      const cyclic: JsonObject = {};
      cyclic['self'] = cyclic;
      it.each<[string, unknown]>([
        ['an array', [1, 2]],
        ['null', null],
        ['a string', 'profile'],
        ['one byte over 256 KiB', { p: 'é'.repeat((256 * KIB - 8) / 2) + 'x' }],
        ['an undefined value', { calls: undefined }],
        ['a non-finite number', { mean: Number.NaN }],
        ['a function', { f: () => 1 }],
        ['a class instance', { at: new Date(SAMPLE_TIME) }],
        ['a hole in an array', { list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
        ['a cycle', cyclic],
      ])('refuses %s and keeps the previous profile', async (_case, bad) => {
        await store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
        const error = await rejectionOf(() =>
          store.putProfile('notes', 'search_notes', bad as JsonObject, SAMPLE_TIME + 1),
        );
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.getProfile('notes', 'search_notes')).toEqual(sampleProfile());
      });

      it.each<[string, string, string, number]>([
        ['an empty server name', '', 'search_notes', SAMPLE_TIME],
        ['an empty tool name', 'notes', '', SAMPLE_TIME],
        ['a fractional time', 'notes', 'search_notes', SAMPLE_TIME + 0.5],
      ])('refuses %s and stores nothing', async (_case, server, tool, at) => {
        const error = await rejectionOf(() => store.putProfile(server, tool, { n: 1 }, at));
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.getProfile(server, tool)).toBeUndefined();
      });
    });

    describe('when an anomaly is recorded', () => {
      it('stores it as given and appends its anomaly entry, returning the index', async () => {
        await store.appendAudit([{ at: SAMPLE_TIME, server: 'notes', kind: 'probe', data: {} }]);
        expect(await record(sampleAnomaly())).toBe(1);
        expect(await store.listAnomalies()).toEqual([sampleAnomaly()]);
        const [, entry] = await entries();
        expect(entry).toEqual({
          index: 1,
          at: SAMPLE_TIME,
          server: 'notes',
          kind: 'anomaly',
          data: {
            id: sampleAnomaly().id,
            tool: 'search_notes',
            kind: 'output-injection',
            action: 'withhold',
          },
        });
      });

      it('hands out copies and keeps only the anomaly fields', async () => {
        const anomaly = { ...sampleAnomaly(), extra: 'not stored' };
        await record(anomaly);
        anomaly.message = 'changed by the caller afterwards';
        const [listed] = await store.listAnomalies();
        expect(listed).toStrictEqual(sampleAnomaly());
        if (listed !== undefined) listed.action = 'alert';
        expect(await store.listAnomalies()).toEqual([sampleAnomaly()]);
      });

      it('accepts a message and evidence of exactly 4 KiB of UTF-8', async () => {
        const anomaly = sampleAnomaly({
          message: 'é'.repeat(2 * KIB),
          evidence: 'x'.repeat(4 * KIB),
        });
        await record(anomaly);
        expect(await store.listAnomalies()).toEqual([anomaly]);
      });

      it.each<[string, Partial<Anomaly>]>([
        ['an id of another kind', { id: 'hold_AAAAAAAAAAAAAAAA' }],
        ['an id one character short', { id: 'anom_AAAAAAAAAAAAAAA' }],
        ['an id one character long', { id: 'anom_AAAAAAAAAAAAAAAAA' }],
        ['an id with a slash', { id: 'anom_AAAAAAAA/AAAAAAA' }],
        ['an empty server', { server: '' }],
        ['an empty tool', { tool: '' }],
        ['an empty kind', { kind: '' }],
        ['an unknown action', { action: 'ignore' as Anomaly['action'] }],
        ['a fractional time', { at: SAMPLE_TIME + 0.5 }],
        ['a time that is not a number', { at: Number.NaN }],
        ['a message over 4 KiB', { message: 'é'.repeat(2 * KIB) + 'x' }],
        ['evidence over 4 KiB', { evidence: 'x'.repeat(4 * KIB + 1) }],
        ['evidence with a lone surrogate', { evidence: 'cut \ud83d here' }],
        ['a session that is not text', { session: 7 as unknown as string }],
      ])('refuses one with %s, and records nothing', async (_case, overrides) => {
        const anomaly = sampleAnomaly(overrides);
        const event = anomalyEvent(sampleAnomaly());
        const error = await rejectionOf(() => store.recordAnomaly(anomaly, event));
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.listAnomalies()).toEqual([]);
        expect(await entries()).toEqual([]);
      });

      it.each<[string, Partial<AuditEvent>]>([
        ['an entry of another kind', { kind: 'result' }],
        ['an entry for another server', { server: 'mail' }],
      ])('refuses one with %s, and records nothing', async (_case, overrides) => {
        const event = { ...anomalyEvent(sampleAnomaly()), ...overrides };
        const error = await rejectionOf(() => store.recordAnomaly(sampleAnomaly(), event));
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.listAnomalies()).toEqual([]);
        expect(await entries()).toEqual([]);
      });

      it('refuses a second anomaly with the same id', async () => {
        await record(sampleAnomaly());
        const error = await rejectionOf(() => record(sampleAnomaly({ server: 'mail' })));
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.listAnomalies()).toEqual([sampleAnomaly()]);
        expect(await entries()).toHaveLength(1);
      });

      it('stores nothing when its audit entry cannot be written', async () => {
        const event = anomalyEvent(sampleAnomaly());
        for (const data of [{ blob: 'x'.repeat(70_000) }, { ratio: 0.5 }]) {
          const error = await rejectionOf(() =>
            store.recordAnomaly(sampleAnomaly(), { ...event, data }),
          );
          expect(error).toBeInstanceOf(AuditError);
          expect(error).toMatchObject({ code: 'AUDIT_MALFORMED' });
        }
        expect(await store.listAnomalies()).toEqual([]);
        expect(await entries()).toEqual([]);
        expect(await record(sampleAnomaly())).toBe(0); // the id is still free
      });

      it('gives concurrent recordings distinct consecutive entries', async () => {
        const indexes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => record(sampleAnomaly({ id: anomalyId(i) }))),
        );
        expect([...indexes].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        // Entry k holds the anomaly whose call returned k.
        const expected: string[] = [];
        indexes.forEach((index, i) => (expected[index] = anomalyId(i)));
        expect((await entries()).map((e) => e.data['id'])).toEqual(expected);
        expect(await store.listAnomalies()).toHaveLength(8);
      });
    });

    describe('when several anomalies are listed', () => {
      // Recorded out of time order; 2 and 4 share a time, as do 5 and 6.
      const recorded = [
        sampleAnomaly({ id: anomalyId(1), at: SAMPLE_TIME + 30 }),
        sampleAnomaly({ id: anomalyId(2), at: SAMPLE_TIME + 10, tool: 'read_note' }),
        sampleAnomaly({ id: anomalyId(3), at: SAMPLE_TIME, server: 'mail' }),
        sampleAnomaly({ id: anomalyId(4), at: SAMPLE_TIME + 10, server: 'mail' }),
        sampleAnomaly({ id: anomalyId(5), at: SAMPLE_TIME + 40, tool: 'read_note' }),
        sampleAnomaly({ id: anomalyId(6), at: SAMPLE_TIME + 40, action: 'block' }),
      ];
      beforeEach(async () => {
        for (const anomaly of recorded) await record(anomaly);
      });

      const ids = async (filter?: Parameters<Store['listAnomalies']>[0]): Promise<number[]> =>
        (await store.listAnomalies(filter)).map((a) => Number(a.id.slice(-3)));

      it('orders them oldest first, ties in recording order', async () => {
        expect(await ids()).toEqual([3, 2, 4, 1, 5, 6]);
        expect(await store.listAnomalies()).toEqual([3, 2, 4, 1, 5, 6].map((n) => recorded[n - 1]));
      });

      it('filters by server, tool and time, alone and together', async () => {
        expect(await ids({ server: 'notes' })).toEqual([2, 1, 5, 6]);
        expect(await ids({ server: 'mail' })).toEqual([3, 4]);
        expect(await ids({ tool: 'read_note' })).toEqual([2, 5]);
        expect(await ids({ server: 'notes', tool: 'search_notes' })).toEqual([1, 6]);
        expect(await ids({ since: SAMPLE_TIME + 10 })).toEqual([2, 4, 1, 5, 6]);
        expect(await ids({ since: SAMPLE_TIME + 11 })).toEqual([1, 5, 6]);
        expect(await ids({ server: 'mail', since: SAMPLE_TIME + 1 })).toEqual([4]);
        expect(await ids({ tool: 'read_note', since: SAMPLE_TIME + 11 })).toEqual([5]);
        expect(await ids({ server: 'notes', tool: 'read_note', since: SAMPLE_TIME })).toEqual([
          2, 5,
        ]);
        expect(await ids({ server: 'nobody' })).toEqual([]);
        expect(await ids({ since: SAMPLE_TIME + 41 })).toEqual([]);
      });

      it('keeps the newest ones under a limit, still oldest first', async () => {
        expect(await ids({ limit: 3 })).toEqual([1, 5, 6]);
        expect(await ids({ limit: 1 })).toEqual([6]);
        expect(await ids({ limit: 0 })).toEqual([]);
        expect(await ids({ limit: 100 })).toEqual([3, 2, 4, 1, 5, 6]);
        expect(await ids({ server: 'mail', limit: 1 })).toEqual([4]);
        expect(await ids({ tool: 'read_note', since: SAMPLE_TIME, limit: 1 })).toEqual([5]);
        expect(await ids({ server: 'notes', tool: 'search_notes', limit: 1 })).toEqual([6]);
      });

      it.each([
        ['a negative limit', { limit: -1 }],
        ['a fractional limit', { limit: 1.5 }],
        ['a fractional since', { since: SAMPLE_TIME + 0.5 }],
      ])('refuses %s', async (_case, filter) => {
        expect(await rejectionOf(() => store.listAnomalies(filter))).toBeInstanceOf(RangeError);
      });
    });
  });
}
