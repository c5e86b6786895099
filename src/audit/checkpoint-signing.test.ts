import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import { createMemoryStore } from '../store/index.js';
import { openCheckpoint } from './checkpoint.js';
import type { SignedHeadGuard } from './checkpoint-signing.js';
import { createCheckpointSigning } from './checkpoint-signing.js';
import type { AuditEvent } from './entry.js';
import { createNoteKey, parseSignerKey, parseVerifierKey } from './note.js';

const ORIGIN = 'holdfast.local/audit/test';

function event(n: number): AuditEvent {
  return { at: 1_767_225_600_000, server: 'notes', kind: 'call', data: { n } };
}

function memoryGuard(): SignedHeadGuard & { note: string | undefined } {
  const guard = {
    note: undefined as string | undefined,
    read: () => guard.note,
    write: (note: string) => void (guard.note = note),
  };
  return guard;
}

function signer() {
  const { skey, vkey } = createNoteKey(ORIGIN);
  const verifier = parseVerifierKey(vkey);
  const guard = memoryGuard();
  return {
    verifier,
    guard,
    signing: createCheckpointSigning(parseSignerKey(skey), verifier, guard),
  };
}

async function storeWith(n: number) {
  const store = createMemoryStore();
  await store.appendAudit(Array.from({ length: n }, (_, i) => event(i)));
  return store;
}

describe('createCheckpointSigning', () => {
  it('signs a C2SP checkpoint of the tree head and remembers it beside the key', async () => {
    const { signing, verifier, guard } = signer();
    const store = await storeWith(5);
    const stored = await store.addCheckpoint(signing);
    const checkpoint = openCheckpoint(stored.note, verifier);
    expect(checkpoint).toMatchObject({ origin: ORIGIN, size: 5, extensions: [] });
    expect(checkpoint.root.equals((await store.auditHead()).root)).toBe(true);
    expect(guard.note).toBe(stored.note);

    await store.appendAudit([event(5), event(6)]);
    const next = await store.addCheckpoint(signing);
    expect(openCheckpoint(next.note, verifier).size).toBe(7);
  });

  it(
    verifies(
      'audit:no-inconsistent-checkpoints',
      'refuses to sign a log that does not extend the last checkpoint the key signed',
    ),
    async () => {
      const { signing, guard } = signer();
      const original = await storeWith(6);
      await original.addCheckpoint(signing);
      const signed = guard.note;

      // A rewritten log (same size, other entries) in a store with no checkpoints of its own.
      const rewritten = createMemoryStore();
      await rewritten.appendAudit(Array.from({ length: 8 }, (_, i) => event(100 + i)));
      await expect(rewritten.addCheckpoint(signing)).rejects.toMatchObject({
        code: 'AUDIT_INCONSISTENT',
      });
      // A truncated log.
      const truncated = await storeWith(4);
      await expect(truncated.addCheckpoint(signing)).rejects.toMatchObject({
        code: 'AUDIT_INCONSISTENT',
      });
      await expect(truncated.addCheckpoint(signing)).rejects.toThrow(
        /shorter than the last checkpoint this key signed/,
      );
      expect(guard.note).toBe(signed);
      expect(await rewritten.listCheckpoints()).toEqual([]);

      // The honest log grows and is signed again.
      await original.appendAudit([event(6)]);
      await expect(original.addCheckpoint(signing)).resolves.toMatchObject({ size: 7 });
    },
  );

  it('signs over a checkpoint of the empty log', async () => {
    const { signing } = signer();
    const store = createMemoryStore();
    await expect(store.addCheckpoint(signing)).resolves.toMatchObject({ size: 0 });
    await store.appendAudit([event(0)]);
    await expect(store.addCheckpoint(signing)).resolves.toMatchObject({ size: 1 });
  });

  it('refuses a tree inconsistent with the newest checkpoint in the store', async () => {
    const first = signer();
    const store = await storeWith(3);
    await store.addCheckpoint(first.signing);
    // Another key's signer (fresh memory) sees a stored checkpoint it cannot open: refused.
    const other = signer();
    await store.appendAudit([event(3)]);
    await expect(store.addCheckpoint(other.signing)).rejects.toMatchObject({
      code: 'AUDIT_BAD_SIGNATURE',
    });
  });
});
