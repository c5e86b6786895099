import { describe, expect, it } from 'vitest';

import { AuditError } from '../shared/errors.js';
import { createMemoryStore } from '../store/index.js';
import type { StoredCheckpoint } from '../store/ports.js';
import { createCheckpointSigning } from './checkpoint-signing.js';
import { createEntryReceipt } from './entry-receipt.js';
import { createNoteKey, parseSignerKey, parseVerifierKey } from './note.js';
import { verifyReceipt } from './receipt.js';

const KEY = createNoteKey('holdfast.test/receipts', Buffer.alloc(32, 7));
const VERIFIER = parseVerifierKey(KEY.vkey);

async function setUp(count: number): Promise<{
  store: ReturnType<typeof createMemoryStore>;
  sign: () => Promise<StoredCheckpoint>;
  signed: () => number;
}> {
  const store = createMemoryStore();
  await store.appendAudit(
    Array.from({ length: count }, (_, i) => ({
      at: i,
      server: 'notes',
      kind: 'probe' as const,
      data: { n: i },
    })),
  );
  let last: string | undefined;
  let signed = 0;
  const signing = createCheckpointSigning(parseSignerKey(KEY.skey), VERIFIER, {
    read: () => last,
    write: (note) => {
      last = note;
    },
  });
  return {
    store,
    sign: () => {
      signed += 1;
      return store.addCheckpoint(signing);
    },
    signed: () => signed,
  };
}

describe('createEntryReceipt', () => {
  it('signs a checkpoint when none covers the entry, and the receipt verifies', async () => {
    const { store, sign, signed } = await setUp(5);
    const made = await createEntryReceipt(store, 3, { sign, verifier: () => VERIFIER });
    expect(made.kind).toBe('receipt');
    if (made.kind !== 'receipt') return;
    expect(signed()).toBe(1);
    expect(made.size).toBe(5);
    expect(verifyReceipt(made.receipt, made.entry, VERIFIER).index).toBe(3);
    await createEntryReceipt(store, 4, { sign, verifier: () => VERIFIER });
    expect(signed()).toBe(1);
  });

  it('reports the size of a log that has no such entry', async () => {
    const { store, sign } = await setUp(2);
    expect(await createEntryReceipt(store, 2, { sign, verifier: () => VERIFIER })).toEqual({
      kind: 'missing',
      size: 2,
    });
  });

  it('refuses when signing leaves the entry uncovered', async () => {
    const { store, sign } = await setUp(2);
    await sign();
    await store.appendAudit([{ at: 9, server: 'notes', kind: 'probe', data: {} }]);
    const stale = async (): Promise<StoredCheckpoint> => {
      const [first] = await store.listCheckpoints();
      if (first === undefined) throw new Error('no checkpoint');
      return first;
    };
    const error = await createEntryReceipt(store, 2, {
      sign: stale,
      verifier: () => VERIFIER,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('refuses when the entry is gone from the store', async () => {
    const { store, sign } = await setUp(3);
    await sign();
    const gapped = { ...store, readEntries: () => Promise.resolve([]) };
    const error = await createEntryReceipt(gapped, 1, { sign, verifier: () => VERIFIER }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'AUDIT_TAMPERED' });
  });
});
