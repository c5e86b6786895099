import { describe, expect, it } from 'vitest';

import { holdId, sampleHold } from '../../test/support/holds.js';
import { SAMPLE_TIME, sampleEvent, sampleRecord } from '../../test/support/records.js';
import type { AuditEvent } from '../audit/entry.js';
import { toAnomalyEvent } from '../gateway/audit-events.js';
import type {
  AuditStore,
  CheckpointSigning,
  StoredCheckpoint,
  StoredEntry,
  TreeHead,
} from '../store/index.js';
import { createMemoryStore } from '../store/index.js';
import type { AppendObserver } from './instrument-audit-store.js';
import { instrumentStore } from './instrument-audit-store.js';

/** Records what the view reports, in order. */
function recorder(): AppendObserver & {
  counted: AuditEvent[][];
  appends: { seconds: number; size: number | undefined }[];
} {
  const counted: AuditEvent[][] = [];
  const appends: { seconds: number; size: number | undefined }[] = [];
  return {
    counted,
    appends,
    count: (events) => counted.push([...events]),
    observeAppend: (seconds, events) => appends.push({ seconds, size: events?.length }),
  };
}

/** A monotonic clock in ms that advances `stepMs` on every read. */
function steppingClock(stepMs: number): () => number {
  let t = 1_000;
  return () => (t += stepMs);
}

function event(n: number, kind: AuditEvent['kind'] = 'call'): AuditEvent {
  return { at: SAMPLE_TIME, server: 'notes', kind, data: { n } };
}

function setup() {
  const raw = createMemoryStore();
  const observer = recorder();
  const store = instrumentStore(raw, observer, steppingClock(2));
  return { raw, store, observer };
}

/** A class-based store with a private field, as a SQL adapter might be written. */
class PrivateFieldStore implements AuditStore {
  readonly #inner = createMemoryStore();
  appendAudit(events: readonly AuditEvent[]): Promise<number[]> {
    return this.#inner.appendAudit(events);
  }
  auditHead(): Promise<TreeHead> {
    return this.#inner.auditHead();
  }
  readEntries(start: number, limit: number): Promise<StoredEntry[]> {
    return this.#inner.readEntries(start, limit);
  }
  inclusionProof(index: number, size: number): Promise<Buffer[]> {
    return this.#inner.inclusionProof(index, size);
  }
  consistencyProof(size1: number, size2: number): Promise<Buffer[]> {
    return this.#inner.consistencyProof(size1, size2);
  }
  rootAt(size: number): Promise<Buffer> {
    return this.#inner.rootAt(size);
  }
  listCheckpoints(): Promise<StoredCheckpoint[]> {
    return this.#inner.listCheckpoints();
  }
  addCheckpoint(sign: CheckpointSigning): Promise<StoredCheckpoint> {
    return this.#inner.addCheckpoint(sign);
  }
  readPayload(index: number): ReturnType<AuditStore['readPayload']> {
    return this.#inner.readPayload(index);
  }
  deletePayload(index: number): Promise<boolean> {
    return this.#inner.deletePayload(index);
  }
}

describe('instrumentStore', () => {
  describe('appendAudit', () => {
    it('times each batch and reports its events once they are stored', async () => {
      const { store, observer } = setup();
      const indexes = await store.appendAudit([event(0), event(1), event(2)]);
      expect(indexes).toEqual([0, 1, 2]);
      expect(observer.appends).toEqual([{ seconds: 0.002, size: 3 }]);
      expect((await store.auditHead()).size).toBe(3);
    });

    it('times a failing append, reports no events and rethrows the same error', async () => {
      const { raw, store, observer } = setup();
      const fault = new Error('disk full');
      raw.setAuditFault(fault);
      await expect(store.appendAudit([event(0)])).rejects.toBe(fault);
      expect(observer.appends).toEqual([{ seconds: 0.002, size: undefined }]);
      expect(observer.counted).toEqual([]);
    });

    it('keeps answering when the observer throws', async () => {
      const store = instrumentStore(
        createMemoryStore(),
        {
          count: () => {
            throw new Error('broken metrics');
          },
          observeAppend: () => {
            throw new Error('broken metrics');
          },
        },
        steppingClock(1),
      );
      await expect(store.appendAudit([event(0)])).resolves.toEqual([0]);
      await expect(store.createHold(sampleHold())).resolves.toBeUndefined();
    });
  });

  describe('the view itself', () => {
    it('leaves the wrapped object untouched and reads every other method through', async () => {
      const raw = createMemoryStore();
      const appendBefore: unknown = Reflect.get(raw, 'appendAudit');
      const store = instrumentStore(raw, recorder(), steppingClock(1));
      expect(Reflect.get(raw, 'appendAudit')).toBe(appendBefore);
      await store.appendAudit([event(0)]);
      const [entry] = await store.readEntries(0, 10);
      expect(entry?.index).toBe(0);
      expect((await raw.auditHead()).size).toBe(1);
      // A switch only the memory store has still works through the view.
      store.setFault(new Error('down'));
      await expect(raw.getHold('hold_AAAAAAAAAAAAAAAA')).rejects.toThrow('down');
    });

    it('runs class methods with their private fields', async () => {
      const observer = recorder();
      const store = instrumentStore(new PrivateFieldStore(), observer, steppingClock(1));
      await store.appendAudit([event(0), event(1)]);
      expect((await store.auditHead()).size).toBe(2);
      expect(observer.appends).toEqual([{ seconds: 0.001, size: 2 }]);
    });

    it('wraps a method replaced after instrumenting', async () => {
      const { raw, store, observer } = setup();
      const calls: number[] = [];
      const original = raw.appendAudit.bind(raw);
      raw.appendAudit = (events) => {
        calls.push(events.length);
        return original(events);
      };
      await store.appendAudit([event(0)]);
      expect(calls).toEqual([1]);
      expect(observer.appends).toHaveLength(1);
    });

    it('reads a frozen method that needs no wrapping as it is', async () => {
      const raw = createMemoryStore();
      const auditHead = raw.auditHead.bind(raw);
      Object.defineProperty(raw, 'auditHead', {
        value: auditHead,
        writable: false,
        configurable: false,
      });
      const store = instrumentStore(raw, recorder(), steppingClock(1));
      expect(Reflect.get(store, 'auditHead')).toBe(auditHead);
      await store.appendAudit([event(0)]);
      expect((await store.auditHead()).size).toBe(1);
    });

    it('refuses a frozen store rather than leaving it silently unmeasured', () => {
      expect(() =>
        instrumentStore(Object.freeze(createMemoryStore()), recorder(), () => 0),
      ).toThrow(RangeError);
    });
  });

  describe('pin updates', () => {
    it('reports the events of an update once it is stored', async () => {
      const { store, observer } = setup();
      const drift = sampleEvent('notes', 'drift');
      await store.update('notes', () => ({ record: sampleRecord('notes'), events: [drift] }));
      expect(observer.counted).toEqual([[drift]]);
    });

    it('reports nothing for an update that writes nothing or fails', async () => {
      const { store, observer } = setup();
      await store.update('notes', () => undefined);
      await expect(
        store.update('notes', () => ({
          record: sampleRecord('other'),
          events: [sampleEvent('notes', 'drift')],
        })),
      ).rejects.toThrow(RangeError);
      expect(observer.counted).toEqual([]);
    });
  });

  describe('holds', () => {
    it('reports the hold entry, and a resolution only when it happened now', async () => {
      const { store, observer } = setup();
      await store.createHold(sampleHold());
      const resolution = { state: 'approved', by: 'cli:alice', at: SAMPLE_TIME + 1 } as const;
      await store.resolveHold('hold_AAAAAAAAAAAAAAAA', resolution);
      // Already approved: the store returns it unchanged and appends nothing.
      await store.resolveHold('hold_AAAAAAAAAAAAAAAA', { ...resolution, at: SAMPLE_TIME + 2 });
      await store.resolveHold('hold_AAAAAAAAAAAAAAAA', { ...resolution, state: 'denied' });
      expect(
        observer.counted.map((events) => events.map((e) => [e.kind, e.data['state']])),
      ).toEqual([[['hold', undefined]], [['hold-resolved', 'approved']]]);
    });

    it('reports an expiry, by expireHold or by a late resolution, once', async () => {
      const { store, observer } = setup();
      const late = sampleHold().expiresAt;
      await store.createHold(sampleHold({ id: holdId(1) }));
      await store.createHold(sampleHold({ id: holdId(2) }));
      await store.expireHold(holdId(1), late);
      await store.expireHold(holdId(1), late + 1);
      await store.resolveHold(holdId(2), { state: 'approved', by: 'cli:alice', at: late });
      await store.expireHold(holdId(2), late);
      const resolved = observer.counted.flat().filter((e) => e.kind === 'hold-resolved');
      expect(resolved.map((e) => [e.data['id'], e.data['state']])).toEqual([
        [holdId(1), 'expired'],
        [holdId(2), 'expired'],
      ]);
    });

    it('reports nothing for a hold the store refused', async () => {
      const { store, observer } = setup();
      await store.createHold(sampleHold());
      await expect(store.createHold(sampleHold())).rejects.toThrow(RangeError);
      expect(observer.counted).toHaveLength(1);
    });
  });

  describe('anomalies', () => {
    it('reports the anomaly entry it was given', async () => {
      const { store, observer } = setup();
      const anomaly = {
        id: 'anom_AAAAAAAAAAAAAAAA',
        at: SAMPLE_TIME,
        server: 'notes',
        tool: 'search_notes',
        kind: 'output-injection',
        action: 'withhold',
        message: 'instruction-like text in the result',
        evidence: 'ignore previous instructions',
        session: 'ses_sample',
      } as const;
      const entry = toAnomalyEvent(anomaly, null);
      await store.recordAnomaly(anomaly, entry);
      expect(observer.counted).toEqual([[entry]]);
    });
  });
});
