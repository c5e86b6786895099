import { describe, expect, it } from 'vitest';

import type { ServerRecord } from '../../src/pinning/types.js';
import { StoreError } from '../../src/shared/errors.js';
import type { PinUpdate, Store } from '../../src/store/index.js';
import { SAMPLE_TIME, sampleEvent, sampleRecord } from '../support/records.js';
import type { MakeStore } from './fresh-store.js';
import { useFreshStore } from './fresh-store.js';

/** An update that writes `record` (and `events`) whatever is stored. */
function put(record: ServerRecord, events: PinUpdate['events'] = []): () => PinUpdate {
  return () => ({ record, events });
}

/**
 * The behaviour every {@link PinStore} backend must show (memory, SQLite, PostgreSQL). Each test
 * gets a fresh empty store from `makeStore`.
 */
export function describePinStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} pin store (contract)`, () => {
    let store: Store;
    useFreshStore(makeStore, (fresh) => (store = fresh));

    it('returns undefined for a server it has never seen', async () => {
      expect(await store.getServer('files')).toBeUndefined();
      expect(await store.getStatus('files')).toBeUndefined();
      expect(await store.listServers()).toEqual([]);
      expect(await store.listEvents()).toEqual([]);
    });

    it('creates a record at revision 1 and increments the revision on every write', async () => {
      // The store sets the revision itself, whatever the update function returns.
      const first = await store.update('files', put(sampleRecord('files', { revision: 99 })));
      expect(first).toEqual(sampleRecord('files', { revision: 1 }));
      const second = await store.update(
        'files',
        (current) =>
          current && { record: { ...current, status: 'changed', reason: 'drift' }, events: [] },
      );
      expect(second).toMatchObject({ revision: 2, status: 'changed', reason: 'drift' });
      expect(await store.getServer('files')).toEqual(second);
    });

    it('passes the update function the record as currently stored', async () => {
      const stored = await store.update('files', put(sampleRecord('files')));
      const seen: (ServerRecord | undefined)[] = [];
      await store.update('files', (current) => {
        seen.push(current);
        return undefined;
      });
      await store.update('other', (current) => {
        seen.push(current);
        return undefined;
      });
      expect(seen).toEqual([stored, undefined]);
    });

    it('writes nothing when the update function returns undefined', async () => {
      expect(await store.update('files', () => undefined)).toBeUndefined();
      expect(await store.getServer('files')).toBeUndefined();

      const stored = await store.update(
        'files',
        put(sampleRecord('files'), [sampleEvent('files')]),
      );
      expect(await store.update('files', () => undefined)).toEqual(stored);
      expect(await store.getStatus('files')).toEqual({ status: 'verified', revision: 1 });
      expect(await store.listEvents()).toHaveLength(1);
    });

    it('appends events in order with their write and filters them by server', async () => {
      const a1 = sampleEvent('a', 'probe', { n: 1, note: null }, SAMPLE_TIME + 1);
      const b1 = sampleEvent('b', 'pending', { n: 2, flag: false }, SAMPLE_TIME + 2);
      const a2 = sampleEvent('a', 'drift', { n: 3 }, SAMPLE_TIME + 3);
      const a3 = sampleEvent('a', 'quarantine', { n: 4, who: 'alice' }, SAMPLE_TIME + 4);
      await store.update('a', put(sampleRecord('a'), [a1]));
      await store.update('b', put(sampleRecord('b', { status: 'pending' }), [b1]));
      await store.update('a', put(sampleRecord('a', { status: 'changed' }), [a2, a3]));

      expect(await store.listEvents()).toEqual([a1, b1, a2, a3]);
      expect(await store.listEvents({ server: 'a' })).toEqual([a1, a2, a3]);
      expect(await store.listEvents({ server: 'b' })).toEqual([b1]);
      expect(await store.listEvents({ server: 'c' })).toEqual([]);
    });

    it('appends audit events on their own without touching any record or its revision', async () => {
      const created = sampleEvent('a', 'probe', { n: 1 }, SAMPLE_TIME + 1);
      const denied = sampleEvent('a', 'call-denied', { code: 'SERVER_CHANGED' }, SAMPLE_TIME + 2);
      const unknown = sampleEvent('z', 'call-denied', { code: 'SERVER_UNKNOWN' }, SAMPLE_TIME + 3);
      const call = { ...sampleEvent('a'), kind: 'call' as const };
      await store.update('a', put(sampleRecord('a'), [created]));
      expect(await store.appendAudit([denied, call, unknown])).toEqual([1, 2, 3]);

      // listEvents lists pinning events only.
      expect(await store.listEvents()).toEqual([created, denied, unknown]);
      expect(await store.getStatus('a')).toEqual({ status: 'verified', revision: 1 });
      expect(await store.getServer('z')).toBeUndefined();
    });

    it('keeps the most recent events, oldest first, when given a limit', async () => {
      const events = [1, 2, 3, 4].map((n) => sampleEvent(n % 2 ? 'a' : 'b', 'probe', { n }));
      await store.update('a', put(sampleRecord('a'), events));

      expect(await store.listEvents({ limit: 2 })).toEqual(events.slice(2));
      expect(await store.listEvents({ limit: 10 })).toEqual(events);
      expect(await store.listEvents({ limit: 0 })).toEqual([]);
      expect(await store.listEvents({ server: 'a', limit: 1 })).toEqual([events[2]]);
    });

    it('lists servers ordered by name', async () => {
      for (const server of ['charlie', 'alpha', 'Bravo', 'bravo']) {
        await store.update(server, put(sampleRecord(server)));
      }
      const names = (await store.listServers()).map((record) => record.name);
      expect(names).toEqual(['Bravo', 'alpha', 'bravo', 'charlie']);
    });

    it('hands out copies, so mutating a record or event changes nothing stored', async () => {
      const written = sampleRecord('files');
      const event = sampleEvent('files', 'baseline', { digest: 'x' });
      const returned = await store.update('files', put(written, [event]));
      const snapshot = structuredClone(returned);

      // What went in, what came out of update, getServer, listServers and listEvents.
      written.reason = 'mutated';
      event.data['digest'] = 'mutated';
      for (const record of [
        returned,
        await store.getServer('files'),
        ...(await store.listServers()),
      ]) {
        if (record?.baseline == null) throw new Error('expected a record with a baseline');
        record.status = 'quarantined';
        record.baseline.surface.tools['read_file'] = { name: 'evil' };
      }
      const [listed] = await store.listEvents();
      if (listed === undefined) throw new Error('expected an event');
      listed.data['digest'] = 'mutated';
      // What the update function was handed.
      await store.update('files', (current) => {
        if (current?.observed == null) throw new Error('expected a record with an observation');
        current.observed.digests.surface = 'sha256:mutated';
        return undefined;
      });

      expect(await store.getServer('files')).toEqual(snapshot);
      expect(await store.listEvents()).toEqual([sampleEvent('files', 'baseline', { digest: 'x' })]);
    });

    it('propagates an exception thrown by the update function and writes nothing', async () => {
      const stored = await store.update(
        'files',
        put(sampleRecord('files'), [sampleEvent('files')]),
      );
      const failure = new Error('decision failed');

      await expect(
        store.update('files', () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      await expect(
        store.update('new', () => {
          throw failure;
        }),
      ).rejects.toBe(failure);

      expect(await store.listServers()).toEqual([stored]);
      expect(await store.listEvents()).toEqual([sampleEvent('files')]);
    });

    it('refuses an update result that names another server and writes nothing', async () => {
      await expect(
        store.update('files', put(sampleRecord('other'), [sampleEvent('files')])),
      ).rejects.toBeInstanceOf(RangeError);
      expect(await store.listServers()).toEqual([]);
      expect(await store.listEvents()).toEqual([]);
    });

    it('reports the status and revision of the stored record', async () => {
      await store.update('files', put(sampleRecord('files', { status: 'pending' })));
      await store.update('files', put(sampleRecord('files', { status: 'quarantined' })));
      await store.update('other', put(sampleRecord('other', { status: 'changed' })));

      expect(await store.getStatus('files')).toEqual({ status: 'quarantined', revision: 2 });
      expect(await store.getStatus('other')).toEqual({ status: 'changed', revision: 1 });
      const record = await store.getServer('files');
      expect(record).toMatchObject((await store.getStatus('files')) ?? {});
    });

    it('loses no update when fifty run concurrently', async () => {
      const increment = (current: ServerRecord | undefined): PinUpdate => {
        const count = Number(current?.reason ?? '0') + 1;
        return {
          record: sampleRecord('files', { reason: String(count) }),
          events: [sampleEvent('files', 'probe', { count })],
        };
      };
      await Promise.all(Array.from({ length: 50 }, () => store.update('files', increment)));

      expect(await store.getServer('files')).toMatchObject({ reason: '50', revision: 50 });
      const counts = (await store.listEvents()).map((event) => event.data['count']);
      expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('rejects every call with STORE_UNAVAILABLE once closed, and closes twice harmlessly', async () => {
      await store.close();
      await store.close();
      const calls: (() => Promise<unknown>)[] = [
        () => store.getServer('files'),
        () => store.getStatus('files'),
        () => store.listServers(),
        () => store.update('files', put(sampleRecord('files'))),
        () => store.appendAudit([sampleEvent('files')]),
        () => store.listEvents(),
      ];
      for (const call of calls) {
        const error: unknown = await call().then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      }
    });
  });
}
