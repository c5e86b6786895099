import { describe, expect, it } from 'vitest';

import { AuditError, StoreError } from '../shared/errors.js';
import type { CheckpointSigning } from '../store/index.js';
import { createMemoryStore } from '../store/index.js';
import type { AuditEvent } from './entry.js';
import { AuditLog } from './log.js';

const clock = { now: () => 1_767_225_600_000 };

function event(n: number, at = clock.now()): AuditEvent {
  return { at, server: 'notes', kind: 'call', data: { n } };
}

function setup(signing?: CheckpointSigning) {
  const store = createMemoryStore();
  const transactions: number[] = [];
  const append = store.appendAudit.bind(store);
  store.appendAudit = (events) => {
    transactions.push(events.length);
    return append(events);
  };
  const logs: string[] = [];
  const log = new AuditLog({
    store,
    signing,
    clock,
    log: (line) => logs.push(line),
    checkpointIntervalMs: 60_000,
  });
  return { store, log, logs, transactions };
}

const stubSigning: CheckpointSigning = (head) => `stub\n${head.size}\n`;

describe('AuditLog', () => {
  it('group-commits appends made in the same turn: one transaction, consecutive indexes', async () => {
    const { log, transactions } = setup();
    const indexes = await Promise.all(Array.from({ length: 50 }, (_, n) => log.append(event(n))));
    expect(indexes).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(transactions).toEqual([50]);
    expect(await log.append(event(50))).toBe(50);
    expect(transactions).toEqual([50, 1]);
  });

  it('does not let one unencodable event sink the others in its batch', async () => {
    const { log, store } = setup();
    const results = await Promise.allSettled([
      log.append(event(0)),
      log.append(event(1, 0.5)),
      log.append(event(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
    });
    expect((await store.auditHead()).size).toBe(2);
  });

  it('rejects every waiting append with AUDIT_UNAVAILABLE when the store fails', async () => {
    const { log, store } = setup();
    store.setAuditFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    const results = await Promise.allSettled([log.append(event(0)), log.append(event(1))]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as AuditError;
      expect(reason).toBeInstanceOf(AuditError);
      expect(reason.code).toBe('AUDIT_UNAVAILABLE');
      expect(reason.details).toEqual({ reason: 'STORE_UNAVAILABLE' });
    }
  });

  it('rejects an append the store gave no index for, instead of inventing one', async () => {
    const { log, store } = setup();
    store.appendAudit = () => Promise.resolve([]);
    await expect(log.append(event(0))).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('signs a checkpoint at close when it appended anything, and only then', async () => {
    const idle = setup(stubSigning);
    await idle.log.close();
    expect(await idle.store.listCheckpoints()).toEqual([]);

    const busy = setup(stubSigning);
    void busy.log.append(event(0));
    void busy.log.append(event(1));
    await busy.log.close();
    expect(await busy.store.listCheckpoints()).toEqual([{ size: 2, note: 'stub\n2\n' }]);
  });

  it('logs a refused checkpoint instead of failing, and keeps the entries', async () => {
    const refusing: CheckpointSigning = () => {
      throw new AuditError('AUDIT_INCONSISTENT', 'refusing to sign: the log is shorter');
    };
    const { log, logs, store } = setup(refusing);
    await log.append(event(0));
    await log.close();
    expect(logs.join('\n')).toMatch(/could not sign an audit checkpoint \(AUDIT_INCONSISTENT\)/);
    expect((await store.auditHead()).size).toBe(1);
  });
});
