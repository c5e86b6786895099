import { describe, expect, it } from 'vitest';

import { AuditError, StoreError } from '../shared/errors.js';
import type { AuditStore, StoredCheckpoint, StoredEntry } from '../store/ports.js';
import { signCheckpoint } from './checkpoint.js';
import { type AuditEvent, encodeEntry } from './entry.js';
import {
  appendNodes,
  consistencyProof,
  EMPTY_ROOT,
  leafHash,
  type NodeReader,
  rootFromNodes,
} from './merkle.js';
import { createNoteKey, type NoteSigner, parseSignerKey, parseVerifierKey } from './note.js';
import {
  type LogVerification,
  MAX_PROBLEMS_PER_CODE,
  verifyLog,
  type VerifyLogOptions,
} from './verify-log.js';

const ORIGIN = 'holdfast.test/audit';
const KEY = createNoteKey(ORIGIN, Buffer.alloc(32, 1));
const SIGNER = parseSignerKey(KEY.skey);
const VERIFIER = parseVerifierKey(KEY.vkey);
/** Same origin, another key: what a forger without the log key can sign. */
const OTHER_SIGNER = parseSignerKey(createNoteKey(ORIGIN, Buffer.alloc(32, 2)).skey);

function eventAt(n: number): AuditEvent {
  return { at: 1_700_000_000 + n, server: 'files', kind: 'call', data: { n, note: 'hello' } };
}

function later<T>(fn: () => T): Promise<T> {
  return Promise.resolve().then(fn);
}

/** An in-memory log whose rows and nodes tests tamper with directly. */
class FakeAuditStore implements AuditStore {
  /** Stored entries in index order (gaps allowed). */
  rows: { index: number; entry: Buffer }[] = [];
  /** Stored perfect subtrees by `level/index`. */
  readonly nodes = new Map<string, Buffer>();
  checkpoints: StoredCheckpoint[] = [];
  readonly read: NodeReader = (level, index) => {
    const hash = this.nodes.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`node ${level}/${index} is missing`);
    return hash;
  };

  /** Appends entries up to `size` with their nodes, as a real store would. */
  growTo(size: number): this {
    for (let index = this.rows.length; index < size; index += 1) {
      const entry = encodeEntry(index, eventAt(index));
      this.rows.push({ index, entry });
      this.#addNodes(index, entry);
    }
    return this;
  }

  /** Signs and stores a checkpoint over the whole log. */
  checkpoint(): this {
    this.checkpoints.push({ size: this.rows.length, note: this.sign(this.rows.length) });
    return this;
  }

  /** A checkpoint note over the first `size` entries, from the stored nodes. */
  sign(size: number, signer: NoteSigner = SIGNER): string {
    const root = rootFromNodes(size, this.read);
    return signCheckpoint({ origin: signer.name, size, root, extensions: [] }, signer);
  }

  /** What a thorough attacker does after editing rows: recompute every node from them. */
  rebuildNodes(): void {
    this.nodes.clear();
    for (const { index, entry } of this.rows) this.#addNodes(index, entry);
  }

  #addNodes(index: number, entry: Buffer): void {
    for (const node of appendNodes(index, leafHash(entry), this.read)) {
      this.nodes.set(`${node.level}/${node.index}`, node.hash);
    }
  }

  auditHead(): ReturnType<AuditStore['auditHead']> {
    return later(() => ({
      size: this.rows.length,
      root: rootFromNodes(this.rows.length, this.read),
    }));
  }
  readEntries(start: number, limit: number): Promise<StoredEntry[]> {
    return later(() =>
      this.rows
        .filter((row) => row.index >= start)
        .slice(0, limit)
        .map(({ index, entry }) => ({ index, entry, leaf: this.nodes.get(`0/${index}`) })),
    );
  }
  consistencyProof(size1: number, size2: number): Promise<Buffer[]> {
    return later(() => consistencyProof(size1, size2, this.read));
  }
  rootAt(size: number): Promise<Buffer> {
    return later(() => rootFromNodes(size, this.read));
  }
  listCheckpoints(): Promise<StoredCheckpoint[]> {
    return later(() => [...this.checkpoints]);
  }
  appendAudit(): never {
    throw new Error('not used by verifyLog');
  }
  inclusionProof(): never {
    throw new Error('not used by verifyLog');
  }
  addCheckpoint(): never {
    throw new Error('not used by verifyLog');
  }
  readPayload(): never {
    throw new Error('not used by verifyLog');
  }
  deletePayload(): never {
    throw new Error('not used by verifyLog');
  }
}

/** 50 entries with checkpoints signed at 10, 30 and 50. */
function createLog(): FakeAuditStore {
  return new FakeAuditStore()
    .growTo(10)
    .checkpoint()
    .growTo(30)
    .checkpoint()
    .growTo(50)
    .checkpoint();
}

function verify(
  store: AuditStore,
  options: Partial<VerifyLogOptions> = {},
): Promise<LogVerification> {
  return verifyLog(store, { verifier: VERIFIER, ...options });
}

/** The located part of each problem. */
function located(result: LogVerification) {
  return result.problems.map(({ code, index, checkpointSize, source }) => ({
    code,
    index,
    checkpointSize,
    source,
  }));
}

function flipByte(entry: Buffer): Buffer {
  const copy = Buffer.from(entry);
  const at = copy.indexOf('hello');
  copy[at] = (copy[at] ?? 0) ^ 0x01; // 'h' → 'i': still a well-formed entry
  return copy;
}

function row(store: FakeAuditStore, index: number): { index: number; entry: Buffer } {
  const found = store.rows.find((r) => r.index === index);
  if (found === undefined) throw new Error(`no row ${index}`);
  return found;
}

describe('verifyLog', () => {
  describe('when the log is intact', () => {
    it('reports no problem and every entry covered by a checkpoint', async () => {
      const store = createLog();
      const result = await verify(store);
      expect(result).toEqual({
        ok: true,
        size: 50,
        root: rootFromNodes(50, store.read).toString('base64'),
        checkpoints: 3,
        external: 0,
        latestCheckpointSize: 50,
        uncheckpointed: 0,
        firstBadIndex: undefined,
        problems: [],
        problemCount: 0,
      });
    });

    it('counts the entries after the newest checkpoint', async () => {
      const result = await verify(createLog().growTo(55), { chunkSize: 7 });
      expect(result).toMatchObject({ ok: true, size: 55, uncheckpointed: 5 });
    });

    it('accepts the empty log', async () => {
      const result = await verify(new FakeAuditStore());
      expect(result).toMatchObject({ ok: true, size: 0, root: EMPTY_ROOT.toString('base64') });
      expect(result.latestCheckpointSize).toBeUndefined();
      expect(result.uncheckpointed).toBe(0);
    });

    it('accepts a checkpoint of the empty tree', async () => {
      const store = new FakeAuditStore().checkpoint().growTo(3).checkpoint();
      const result = await verify(store);
      expect(result).toMatchObject({ ok: true, checkpoints: 2, latestCheckpointSize: 3 });
    });

    it('accepts external checkpoints that match, even beside a stored one of the same size', async () => {
      const store = createLog().growTo(60);
      const external = [
        { source: 'receipt.json', note: store.sign(30) },
        { source: 'head.txt', note: store.sign(55) },
      ];
      const result = await verify(store, { external });
      expect(result).toMatchObject({ ok: true, external: 2, latestCheckpointSize: 55 });
      expect(result.uncheckpointed).toBe(5);
    });
  });

  describe('when one byte of an entry is flipped', () => {
    it('locates the entry exactly and fails the checkpoints above it', async () => {
      const store = createLog();
      row(store, 17).entry = flipByte(row(store, 17).entry);
      const result = await verify(store);
      expect(result.ok).toBe(false);
      expect(located(result)).toEqual([
        { code: 'ENTRY_MODIFIED', index: 17 },
        { code: 'ROOT_MISMATCH', checkpointSize: 30 },
        { code: 'ROOT_MISMATCH', checkpointSize: 50 },
      ]);
      expect(result.firstBadIndex).toBe(17);
    });
  });

  describe('when an entry is deleted', () => {
    it('reports it missing', async () => {
      const store = createLog();
      store.rows.splice(17, 1);
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'ENTRY_MISSING', index: 17 }]);
      expect(result).toMatchObject({ ok: false, size: 50, root: '', firstBadIndex: 17 });
    });

    it('reports a run of deleted entries once, by its first index', async () => {
      const store = createLog();
      store.rows.splice(17, 3);
      const result = await verify(store);
      expect(result.problems).toEqual([
        { code: 'ENTRY_MISSING', index: 17, message: 'entries 17 to 19 are missing' },
      ]);
    });
  });

  describe('when two entries are swapped', () => {
    it('reports both out of place; the stored leaves explain the checkpoint mismatches', async () => {
      const store = createLog();
      const [a, b] = [row(store, 20), row(store, 21)];
      [a.entry, b.entry] = [b.entry, a.entry];
      const result = await verify(store);
      expect(located(result)).toEqual([
        { code: 'ENTRY_OUT_OF_PLACE', index: 20 },
        { code: 'ENTRY_OUT_OF_PLACE', index: 21 },
        { code: 'ROOT_MISMATCH', checkpointSize: 30 },
        { code: 'ROOT_MISMATCH', checkpointSize: 50 },
      ]);
      expect(result.firstBadIndex).toBe(20);
    });
  });

  describe('when an entry is inserted and the rest renumbered, leaf hashes included', () => {
    it('locates the change to the checkpoint range around it', async () => {
      const store = createLog();
      const events = Array.from({ length: 50 }, (_, n) => eventAt(n));
      events.splice(12, 0, { ...eventAt(12), kind: 'approve' });
      store.rows = events.map((event, index) => ({ index, entry: encodeEntry(index, event) }));
      for (const { index, entry } of store.rows) store.nodes.set(`0/${index}`, leafHash(entry));
      const result = await verify(store);
      expect(located(result)).toEqual([
        { code: 'ROOT_MISMATCH', index: 10, checkpointSize: 30 },
        { code: 'ROOT_MISMATCH', index: 10, checkpointSize: 50 },
        { code: 'NODES_INCONSISTENT' },
        { code: 'NODES_INCONSISTENT' },
      ]);
      expect(result.problems[0]?.message).toContain('[10, 30)');
      expect(result.firstBadIndex).toBe(10);
    });
  });

  describe('when an entry and every node above it are rewritten consistently', () => {
    it('locates the change to [previous checkpoint, checkpoint)', async () => {
      const store = createLog();
      row(store, 15).entry = encodeEntry(15, { ...eventAt(15), server: 'mallory' });
      store.rebuildNodes();
      const result = await verify(store);
      expect(located(result)).toEqual([
        { code: 'ROOT_MISMATCH', index: 10, checkpointSize: 30 },
        { code: 'ROOT_MISMATCH', index: 10, checkpointSize: 50 },
      ]);
      expect(result.firstBadIndex).toBe(10);
    });
  });

  describe('when the log is truncated', () => {
    it('reports the truncation at the new end', async () => {
      const store = createLog();
      store.rows.length = 40;
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'TRUNCATED', index: 40, checkpointSize: 50 }]);
      expect(result).toMatchObject({ size: 40, firstBadIndex: 40, latestCheckpointSize: 50 });
      expect(result.uncheckpointed).toBe(0);
    });

    it('is caught by an external checkpoint when the stored one was deleted too', async () => {
      const store = createLog();
      const external = [{ source: 'receipts/call-49.json', note: store.sign(50) }];
      store.rows.length = 40;
      store.checkpoints = store.checkpoints.filter((c) => c.size !== 50);
      const result = await verify(store, { external });
      expect(located(result)).toEqual([
        { code: 'TRUNCATED', index: 40, checkpointSize: 50, source: 'receipts/call-49.json' },
      ]);
      expect(result.problems[0]?.message).toContain('receipts/call-49.json');
    });
  });

  describe('when a checkpoint is forged', () => {
    it('rejects one signed by another key with the same origin', async () => {
      const store = createLog();
      store.checkpoints[1] = { size: 30, note: store.sign(30, OTHER_SIGNER) };
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'CHECKPOINT_FORGED', checkpointSize: 30 }]);
      expect(result).toMatchObject({ checkpoints: 3, firstBadIndex: undefined });
    });

    it('rejects a genuine one whose root was edited', async () => {
      const store = createLog();
      const genuine = store.checkpoints[2]?.note ?? '';
      const root = rootFromNodes(50, store.read).toString('base64');
      const edited = rootFromNodes(49, store.read).toString('base64');
      store.checkpoints[2] = { size: 50, note: genuine.replace(root, edited) };
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'CHECKPOINT_FORGED', checkpointSize: 50 }]);
      expect(result.latestCheckpointSize).toBe(30);
    });

    it('rejects one signed for another log', async () => {
      const store = createLog();
      const otherLog = parseSignerKey(createNoteKey('other.example/log', Buffer.alloc(32, 1)).skey);
      const external = [{ source: 'other-log.txt', note: store.sign(50, otherLog) }];
      const result = await verify(store, { external });
      expect(located(result)).toEqual([{ code: 'CHECKPOINT_FORGED', source: 'other-log.txt' }]);
    });

    it('rejects an external one signed by another key, naming its source', async () => {
      const store = createLog();
      const external = [{ source: 'old-head.txt', note: store.sign(50, OTHER_SIGNER) }];
      const result = await verify(store, { external });
      expect(located(result)).toEqual([{ code: 'CHECKPOINT_FORGED', source: 'old-head.txt' }]);
    });
  });

  describe('when the log key signed a checkpoint that contradicts the log (a forked signer)', () => {
    it('reports the mismatch, located after the last matching checkpoint', async () => {
      const store = createLog();
      const root = rootFromNodes(49, store.read);
      const fork = signCheckpoint({ origin: ORIGIN, size: 50, root, extensions: [] }, SIGNER);
      const result = await verify(store, { external: [{ source: 'fork.txt', note: fork }] });
      expect(located(result)).toEqual([
        { code: 'ROOT_MISMATCH', index: 30, checkpointSize: 50, source: 'fork.txt' },
      ]);
    });
  });

  describe('when a stored checkpoint is unreadable or misfiled', () => {
    it('reports garbage as malformed', async () => {
      const store = createLog();
      store.checkpoints[0] = { size: 10, note: 'not a note' };
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'CHECKPOINT_MALFORMED', checkpointSize: 10 }]);
    });

    it('reports a size column that differs from the signed size, and still checks the root', async () => {
      const store = createLog();
      store.checkpoints[0] = { size: 11, note: store.sign(10) };
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'CHECKPOINT_MALFORMED', checkpointSize: 11 }]);
      expect(result.problems[0]?.message).toBe('the checkpoint stored as size 11 signs size 10');
    });
  });

  describe('when the stored tree nodes are tampered with', () => {
    it('reports an inner node that breaks a consistency proof', async () => {
      const store = createLog();
      store.nodes.set('3/0', Buffer.alloc(32, 0xee));
      const result = await verify(store);
      expect(located(result)).toEqual([{ code: 'NODES_INCONSISTENT', checkpointSize: 30 }]);
      expect(result.firstBadIndex).toBeUndefined();
    });

    it('reports a missing inner node as a finding, not a crash', async () => {
      const store = createLog();
      store.nodes.delete('5/0');
      const progress: [number, number][] = [];
      const result = await verify(store, { onProgress: (...call) => progress.push(call) });
      expect(located(result)).toEqual([{ code: 'NODES_INCONSISTENT' }]);
      expect(result.problems[0]?.message).toContain('node 5/0 is missing');
      expect(progress).toEqual([[50, 50]]);
    });

    it('reports missing leaf nodes at their entries and still locates a later edit exactly', async () => {
      const store = createLog();
      store.nodes.delete('0/5');
      store.nodes.delete('0/33');
      row(store, 20).entry = flipByte(row(store, 20).entry);
      const result = await verify(store, { chunkSize: 8 });
      expect(located(result)).toEqual([
        { code: 'ENTRY_MODIFIED', index: 5 },
        { code: 'ENTRY_MODIFIED', index: 20 },
        { code: 'ROOT_MISMATCH', checkpointSize: 30 },
        { code: 'ENTRY_MODIFIED', index: 33 },
        { code: 'ROOT_MISMATCH', checkpointSize: 50 },
      ]);
      expect(result.firstBadIndex).toBe(5);
    });

    it('reports a store that throws something other than an Error', async () => {
      const store = createLog();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
      store.rootAt = () => Promise.reject(new Map());
      const result = await verify(store);
      expect(result.problems).toEqual([
        {
          code: 'NODES_INCONSISTENT',
          message: 'the stored tree nodes give no valid root at 50: unknown error',
        },
      ]);
    });
  });

  describe('when an entry is not an entry', () => {
    it('reports it malformed, once', async () => {
      const store = createLog();
      row(store, 40).entry = Buffer.from('{"not":"an entry"}');
      store.rebuildNodes();
      const result = await verify(store);
      expect(located(result)).toEqual([
        { code: 'ENTRY_MALFORMED', index: 40 },
        { code: 'ROOT_MISMATCH', index: 30, checkpointSize: 50 },
      ]);
      expect(result.problems[0]?.message).toContain('wrong shape');
    });
  });

  describe('when the whole log is rewritten', () => {
    it('lists a bounded number of problems but counts them all', async () => {
      const store = new FakeAuditStore().growTo(250).checkpoint();
      for (const r of store.rows) r.entry = flipByte(r.entry);
      const result = await verify(store, { chunkSize: 64 });
      expect(result.problemCount).toBe(251);
      expect(result.problems).toHaveLength(MAX_PROBLEMS_PER_CODE + 1);
      expect(result.firstBadIndex).toBe(0);
    });
  });

  describe('progress', () => {
    it('is reported per chunk and ends at the total', async () => {
      const progress: [number, number][] = [];
      await verify(createLog(), { chunkSize: 16, onProgress: (...call) => progress.push(call) });
      expect(progress).toEqual([
        [16, 50],
        [32, 50],
        [48, 50],
        [50, 50],
      ]);
    });

    it('ends at what was found when the store claims more', async () => {
      const store = createLog();
      store.rows.length = 40;
      store.auditHead = () => Promise.resolve({ size: 50, root: EMPTY_ROOT });
      const progress: [number, number][] = [];
      await verify(store, { chunkSize: 32, onProgress: (...call) => progress.push(call) });
      expect(progress).toEqual([
        [32, 50],
        [40, 50],
        [40, 40],
      ]);
    });

    it('is reported for the empty log', async () => {
      const progress: [number, number][] = [];
      await verify(new FakeAuditStore(), { onProgress: (...call) => progress.push(call) });
      expect(progress).toEqual([[0, 0]]);
    });
  });

  describe('faults', () => {
    it('lets a store fault while reading entries propagate', async () => {
      const store = createLog();
      const fault = new StoreError('STORE_UNAVAILABLE', 'disk gone');
      store.readEntries = () => Promise.reject(fault);
      await expect(verify(store)).rejects.toBe(fault);
    });

    it('throws STORE_CORRUPT when entries come back out of order', async () => {
      const store = createLog();
      store.rows.reverse();
      const error: unknown = await verify(store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
    });

    it('throws STORE_CORRUPT when the entries change while being verified', async () => {
      const store = createLog();
      row(store, 17).entry = flipByte(row(store, 17).entry);
      const readEntries = store.readEntries.bind(store);
      let calls = 0;
      store.readEntries = (start, limit) => {
        calls += 1;
        return calls === 2 ? Promise.resolve([]) : readEntries(start, limit);
      };
      const error: unknown = await verify(store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
    });

    it('throws AUDIT_KEY for a verifier whose key does not match its name', async () => {
      const verifier = { ...VERIFIER, name: 'someone-else' };
      const error: unknown = await verifyLog(createLog(), { verifier }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuditError);
      expect(error).toMatchObject({ code: 'AUDIT_KEY' });
    });

    it('rethrows an error that is not an audit error', async () => {
      const verifier = {
        name: ORIGIN,
        keyHash: VERIFIER.keyHash,
        get vkey(): string {
          throw new TypeError('broken verifier');
        },
      };
      await expect(verifyLog(createLog(), { verifier })).rejects.toThrow(TypeError);
    });

    it('refuses a chunk size that is not a positive integer', async () => {
      await expect(verify(createLog(), { chunkSize: 0 })).rejects.toThrow(RangeError);
    });
  });
});
