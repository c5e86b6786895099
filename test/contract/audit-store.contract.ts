/**
 * The behaviour every {@link AuditStore} backend must show (memory, SQLite, PostgreSQL): entries
 * are stored as encoded, the stored tree answers proofs that verify, checkpoints are signed inside
 * the store's transaction and never re-signed for an unchanged tree.
 */
import { describe, expect, it } from 'vitest';

import type { AuditEvent } from '../../src/audit/entry.js';
import { encodeEntry } from '../../src/audit/entry.js';
import {
  CompactRange,
  EMPTY_ROOT,
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.js';
import { AuditError } from '../../src/shared/errors.js';
import type { CheckpointSigning, Store } from '../../src/store/index.js';
import type { MakeStore } from './fresh-store.js';
import { useFreshStore } from './fresh-store.js';

function event(n: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { at: 1_767_225_600_000 + n, server: 'notes', kind: 'call', data: { n }, ...extra };
}

/** A signing function that records what it was given and "signs" with a readable stub. */
function stubSigning(): CheckpointSigning & { calls: { size: number; previous?: number }[] } {
  const calls: { size: number; previous?: number }[] = [];
  const sign: CheckpointSigning = (head, previous, prove) => {
    if (previous !== undefined) {
      const proof = prove(previous.size);
      const oldRoot = Buffer.from(previous.note.split('\n')[1] ?? '', 'base64');
      verifyConsistency(previous.size, head.size, proof, oldRoot, head.root);
    }
    calls.push(
      previous === undefined ? { size: head.size } : { size: head.size, previous: previous.size },
    );
    return `stub\n${head.root.toString('base64')}\n${head.size}\n`;
  };
  return Object.assign(sign, { calls });
}

export function describeAuditStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} audit store contract`, () => {
    let store: Store;
    useFreshStore(makeStore, (fresh) => (store = fresh));

    it('starts empty, with the empty-tree root', async () => {
      const head = await store.auditHead();
      expect(head.size).toBe(0);
      expect(head.root.equals(EMPTY_ROOT)).toBe(true);
      expect(await store.readEntries(0, 10)).toEqual([]);
      expect(await store.listCheckpoints()).toEqual([]);
    });

    it('stores entries as encoded, in order, with their leaf hashes', async () => {
      expect(await store.appendAudit([event(0), event(1)])).toEqual([0, 1]);
      expect(await store.appendAudit([event(2)])).toEqual([2]);
      const rows = await store.readEntries(0, 10);
      expect(rows.map((r) => r.index)).toEqual([0, 1, 2]);
      rows.forEach((row, i) => {
        expect(row.entry.equals(encodeEntry(i, event(i)))).toBe(true);
        expect(row.leaf?.equals(leafHash(row.entry))).toBe(true);
      });
      expect((await store.readEntries(1, 1)).map((r) => r.index)).toEqual([1]);
    });

    it('answers roots and proofs from its stored tree that verify, at every size', async () => {
      const range = new CompactRange();
      const roots: Buffer[] = [EMPTY_ROOT];
      for (let i = 0; i < 37; i++) {
        await store.appendAudit([event(i)]);
        range.push(leafHash(encodeEntry(i, event(i))));
        roots.push(range.root());
      }
      expect((await store.auditHead()).root.equals(roots[37] ?? EMPTY_ROOT)).toBe(true);
      for (const size of [1, 2, 5, 16, 17, 36, 37]) {
        const root = roots[size] ?? EMPTY_ROOT;
        expect((await store.rootAt(size)).equals(root)).toBe(true);
        for (const index of [0, Math.floor(size / 2), size - 1]) {
          const proof = await store.inclusionProof(index, size);
          verifyInclusion(leafHash(encodeEntry(index, event(index))), index, size, proof, root);
        }
        for (const old of [1, 3, 8, size]) {
          if (old > size) continue;
          const proof = await store.consistencyProof(old, size);
          verifyConsistency(old, size, proof, roots[old] ?? EMPTY_ROOT, root);
        }
      }
    });

    it('appends a batch all or nothing', async () => {
      await store.appendAudit([event(0)]);
      await expect(store.appendAudit([event(1), event(2, { at: 0.5 })])).rejects.toBeInstanceOf(
        AuditError,
      );
      expect((await store.auditHead()).size).toBe(1);
      expect(await store.appendAudit([event(1)])).toEqual([1]);
    });

    it('signs a checkpoint over the whole tree, and not again until it grows', async () => {
      const signing = stubSigning();
      await store.appendAudit([event(0), event(1), event(2)]);
      const first = await store.addCheckpoint(signing);
      expect(first.size).toBe(3);
      expect(await store.addCheckpoint(signing)).toEqual(first);
      await store.appendAudit([event(3)]);
      const second = await store.addCheckpoint(signing);
      expect(signing.calls).toEqual([{ size: 3 }, { size: 4, previous: 3 }]);
      expect(await store.listCheckpoints()).toEqual([first, second]);
    });

    it('stores nothing when the signer refuses', async () => {
      await store.appendAudit([event(0)]);
      const refusing: CheckpointSigning = () => {
        throw new AuditError('AUDIT_INCONSISTENT', 'no');
      };
      await expect(store.addCheckpoint(refusing)).rejects.toMatchObject({
        code: 'AUDIT_INCONSISTENT',
      });
      expect(await store.listCheckpoints()).toEqual([]);
    });

    it('keeps payloads apart from the log, and deletes them without touching it', async () => {
      const salt = Buffer.alloc(16, 7);
      await store.appendAudit([event(0, { payload: { salt, body: '{"q":1}' } }), event(1)]);
      expect(await store.readPayload(0)).toEqual({ salt, body: '{"q":1}' });
      expect(await store.readPayload(1)).toBeUndefined();
      const root = (await store.auditHead()).root;
      expect(await store.deletePayload(0)).toBe(true);
      expect(await store.deletePayload(0)).toBe(false);
      expect(await store.readPayload(0)).toBeUndefined();
      expect((await store.auditHead()).root.equals(root)).toBe(true);
    });

    it('refuses proofs for entries outside the tree', async () => {
      await store.appendAudit([event(0)]);
      await expect(store.inclusionProof(1, 1)).rejects.toBeInstanceOf(RangeError);
      await expect(store.consistencyProof(2, 1)).rejects.toBeInstanceOf(RangeError);
    });
  });
}
