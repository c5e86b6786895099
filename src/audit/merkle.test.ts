import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import { expectAuditError } from '../../test/support/audit-error.js';
import {
  appendNodes,
  CompactRange,
  consistencyProof,
  EMPTY_ROOT,
  HASH_SIZE,
  hashEquals,
  inclusionProof,
  leafHash,
  nodeHash,
  type NodeReader,
  rootFromNodes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const VECTORS = fileURLToPath(new URL('../../test/vectors/merkle/', import.meta.url));
const KNOWN_TOP_LEVEL = [
  'LICENSE.upstream',
  'README.md',
  'consistency',
  'inclusion',
  'manifest.json',
  'subtreeconsistency',
  'subtreeinclusion',
];
/** Copied, but their [start, end) subtree proofs have no counterpart here (see README.md). */
const UNUSED_FOLDERS = ['subtreeconsistency', 'subtreeinclusion'];

/** Every file under `dir`, as paths relative to `dir`, sorted. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(`${dir}${prefix}`)
    .flatMap((name) =>
      statSync(`${dir}${prefix}${name}`).isDirectory()
        ? walk(dir, `${prefix}${name}/`)
        : [`${prefix}${name}`],
    )
    .sort();
}

type Json = Record<string, unknown>;

function load(file: string): Json {
  return JSON.parse(readFileSync(`${VECTORS}${file}`, 'utf8')) as Json;
}

/** Upstream encodes []byte as base64 and a nil proof as null. */
function b64(value: unknown): Buffer {
  expect(typeof value).toBe('string');
  return Buffer.from(value as string, 'base64');
}

function proofOf(value: unknown): Buffer[] {
  if (value === null) return [];
  expect(Array.isArray(value)).toBe(true);
  return (value as unknown[]).map(b64);
}

/** Large upstream uint64 values (2^64 − 1) parse to unsafe numbers, which must be rejected too. */
function count(value: unknown): number {
  expect(typeof value).toBe('number');
  return value as number;
}

function expectBadProof(fn: () => void): void {
  expectAuditError(fn, 'AUDIT_BAD_PROOF');
}

function runInclusion(v: Json): () => void {
  const leaf = b64(v['leafHash']);
  const proof = proofOf(v['proof']);
  const root = b64(v['root']);
  return () => {
    verifyInclusion(leaf, count(v['leafIdx']), count(v['treeSize']), proof, root);
  };
}

function runConsistency(v: Json): () => void {
  const proof = proofOf(v['proof']);
  const [root1, root2] = [b64(v['root1']), b64(v['root2'])];
  return () => {
    verifyConsistency(count(v['size1']), count(v['size2']), proof, root1, root2);
  };
}

const files = walk(VECTORS);
/** [file, desc, 'accepts' | 'rejects'] for every vector of a folder, as it.each rows. */
const cases = (folder: string): [string, string, 'accepts' | 'rejects'][] =>
  files
    .filter((file) => file.startsWith(`${folder}/`))
    .map((file) => {
      const v = load(file);
      return [file, String(v['desc']), v['wantErr'] === false ? 'accepts' : 'rejects'];
    });

describe('Merkle verification against the transparency-dev/merkle vectors (RFC 6962/9162)', () => {
  it('holds exactly the known files, every inclusion/consistency vector well-formed', () => {
    expect(readdirSync(VECTORS).sort()).toEqual(KNOWN_TOP_LEVEL);
    const used = files.filter((f) => f.startsWith('inclusion/') || f.startsWith('consistency/'));
    const unused = files.filter((f) => UNUSED_FOLDERS.some((d) => f.startsWith(`${d}/`)));
    expect(used.length + unused.length + 3).toBe(files.length);
    expect([...used, ...unused].every((f) => f.endsWith('.json'))).toBe(true);
    for (const file of used) {
      const keys = file.startsWith('inclusion/')
        ? ['desc', 'leafHash', 'leafIdx', 'proof', 'root', 'treeSize', 'wantErr']
        : ['desc', 'proof', 'root1', 'root2', 'size1', 'size2', 'wantErr'];
      expect(Object.keys(load(file)).sort(), file).toEqual(keys);
    }
    for (const file of used) expect(typeof load(file)['wantErr'], file).toBe('boolean');
    expect(cases('inclusion').filter(([, , verdict]) => verdict === 'accepts')).toHaveLength(6);
    expect(cases('consistency').filter(([, , verdict]) => verdict === 'accepts')).toHaveLength(6);
  });

  it.each(cases('inclusion'))(
    verifies('audit:merkle-vectors', '%s (%s) %s'),
    (file, _desc, verdict) => {
      const run = runInclusion(load(file));
      if (verdict === 'rejects') expectBadProof(run);
      else expect(run).not.toThrow();
    },
  );

  it.each(cases('consistency'))(
    verifies('audit:merkle-vectors', '%s (%s) %s'),
    (file, _desc, verdict) => {
      const run = runConsistency(load(file));
      if (verdict === 'rejects') expectBadProof(run);
      else expect(run).not.toThrow();
    },
  );
});

/** A Map-backed node store filled by appendNodes, counting reads. */
class Store {
  readonly #nodes = new Map<string, Buffer>();
  size = 0;
  reads = 0;
  readonly read: NodeReader = (level, index) => {
    this.reads += 1;
    const stored = this.#nodes.get(`${level}/${index}`);
    if (stored === undefined) throw new Error(`missing node ${level}/${index}`);
    return stored;
  };

  append(leaf: Buffer): void {
    for (const node of appendNodes(this.size, leaf, this.read)) {
      this.#nodes.set(`${node.level}/${node.index}`, node.hash);
    }
    this.size += 1;
  }
}

/** The leaves of upstream's 8-leaf test tree (transparency-dev/merkle testonly/constants.go). */
const UPSTREAM_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));

describe('Merkle proof generation reproduces the upstream happy-path vectors', () => {
  const store = new Store();
  for (const input of UPSTREAM_INPUTS) store.append(leafHash(input));
  const happy = (folder: string): string[] =>
    files.filter((f) => new RegExp(`^${folder}/[0-9]+/happy-path\\.json$`).test(f));

  it.each(happy('inclusion'))('%s: same root and proof from the upstream leaves', (file) => {
    const v = load(file);
    const [index, size] = [count(v['leafIdx']), count(v['treeSize'])];
    expect(leafHash(UPSTREAM_INPUTS[index] ?? Buffer.alloc(0)).equals(b64(v['leafHash']))).toBe(
      true,
    );
    expect(rootFromNodes(size, store.read).equals(b64(v['root']))).toBe(true);
    expect(inclusionProof(index, size, store.read)).toEqual(proofOf(v['proof']));
  });

  it.each(happy('consistency'))('%s: same roots and proof from the upstream leaves', (file) => {
    const v = load(file);
    const [size1, size2] = [count(v['size1']), count(v['size2'])];
    expect(rootFromNodes(size1, store.read).equals(b64(v['root1']))).toBe(true);
    expect(rootFromNodes(size2, store.read).equals(b64(v['root2']))).toBe(true);
    expect(consistencyProof(size1, size2, store.read)).toEqual(proofOf(v['proof']));
  });
});

// A naive RFC 9162 §2.1 model written from the definitions, with its own hashing.
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const LEAVES = Array.from({ length: 70 }, (_, i) => sha256(Buffer.from([0]), Buffer.from(`${i}`)));
const mthMemo = new Map<string, Buffer>();

/** MTH(D[start:end]) (§2.1.1), memoized. */
function mth(start: number, end: number): Buffer {
  const key = `${start}:${end}`;
  let result = mthMemo.get(key);
  if (result === undefined) {
    const n = end - start;
    if (n === 0) result = sha256();
    else if (n === 1) result = LEAVES[start] ?? Buffer.alloc(0);
    else {
      let k = 1;
      while (k * 2 < n) k *= 2;
      result = sha256(Buffer.from([1]), mth(start, start + k), mth(start + k, end));
    }
    mthMemo.set(key, result);
  }
  return result;
}

/** Hashes as hex strings, for fast and readable comparisons. */
const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));

/** PATH(m, D[start:end]) (§2.1.3.1). */
function path(m: number, start: number, end: number): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k
    ? [...path(m, start, start + k), mth(start + k, end)]
    : [...path(m - k, start + k, end), mth(start, start + k)];
}

/** SUBPROOF(m, D[start:end], b) (§2.1.4.1). */
function subproof(m: number, start: number, end: number, b: boolean): Buffer[] {
  const n = end - start;
  if (m === n) return b ? [] : [mth(start, end)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...subproof(m, start, start + k, b), mth(start + k, end)]
    : [...subproof(m - k, start + k, end, false), mth(start, start + k)];
}

describe('Merkle trees of 1..70 leaves built with appendNodes match a naive RFC 9162 model', () => {
  const store = new Store();
  const appendReads = LEAVES.map((leaf) => {
    const before = store.reads;
    store.append(leaf);
    return store.reads - before;
  });
  const sizes = Array.from({ length: LEAVES.length }, (_, i) => i + 1);

  it('hashes leaves and nodes with the RFC 9162 §2.1.1 prefixes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(HASH_SIZE).toBe(32);
    expect(leafHash(Buffer.from('7')).equals(LEAVES[7] ?? EMPTY_ROOT)).toBe(true);
    const [a, b] = [LEAVES[0] ?? EMPTY_ROOT, LEAVES[1] ?? EMPTY_ROOT];
    expect(nodeHash(a, b).equals(mth(0, 2))).toBe(true);
    expect(rootFromNodes(0, store.read).equals(EMPTY_ROOT)).toBe(true);
    expect(new CompactRange().root().equals(EMPTY_ROOT)).toBe(true);
    expect(consistencyProof(0, 0, store.read)).toEqual([]);
  });

  it('appendNodes reads one left sibling per trailing one bit of the old size', () => {
    expect(appendReads).toEqual(
      LEAVES.map((_, size) => (size ^ (size + 1)).toString(2).length - 1),
    );
  });

  it.each(sizes)('size %i: root, every inclusion and consistency proof', (size) => {
    const root = mth(0, size);
    expect(rootFromNodes(size, store.read).toString('hex')).toBe(root.toString('hex'));
    const range = new CompactRange();
    for (const leaf of LEAVES.slice(0, size)) range.push(leaf);
    expect(range.size).toBe(size);
    expect(range.root().toString('hex')).toBe(root.toString('hex'));
    for (let index = 0; index < size; index += 1) {
      const proof = inclusionProof(index, size, store.read);
      expect(hex(proof)).toEqual(hex(path(index, 0, size)));
      verifyInclusion(LEAVES[index] ?? EMPTY_ROOT, index, size, proof, root);
    }
    for (let size1 = 0; size1 <= size; size1 += 1) {
      const proof = consistencyProof(size1, size, store.read);
      expect(hex(proof)).toEqual(hex(size1 === 0 ? [] : subproof(size1, 0, size, true)));
      if (size1 > 0) verifyConsistency(size1, size, proof, mth(0, size1), root);
    }
  });

  it('reads O(log n) nodes per proof', () => {
    const size = store.size;
    for (let index = 0; index < size; index += 1) {
      store.reads = 0;
      inclusionProof(index, size, store.read);
      expect(store.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)));
      store.reads = 0;
      consistencyProof(index + 1, size, store.read);
      expect(store.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)));
    }
  });
});

describe('Merkle trees beyond 2^32 leaves (every leaf equal, so each level has one hash)', () => {
  const leaf = LEAVES[0] ?? EMPTY_ROOT;
  const perfect = [leaf];
  for (let level = 1; level <= 53; level += 1) {
    const below = perfect[level - 1] ?? EMPTY_ROOT;
    perfect.push(sha256(Buffer.from([1]), below, below));
  }
  const read: NodeReader = (level) => perfect[level] ?? EMPTY_ROOT;
  /** MTH of n equal leaves (§2.1.1): a perfect left part and the rest. */
  const uniformRoot = (n: number): Buffer => {
    if (n === 1) return leaf;
    let level = 0;
    while (2 ** (level + 1) < n) level += 1;
    return sha256(Buffer.from([1]), perfect[level] ?? EMPTY_ROOT, uniformRoot(n - 2 ** level));
  };
  const sizes = [2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 40 + 5, 3 * 2 ** 38 + 12345, 2 ** 53 - 1];

  it.each(sizes)('size %i: root, inclusion and consistency proofs', (size) => {
    const root = rootFromNodes(size, read);
    expect(root).toEqual(uniformRoot(size));
    for (const index of [0, 2 ** 32 - 1, 2 ** 32, size - 2, size - 1].filter((i) => i < size)) {
      verifyInclusion(leaf, index, size, inclusionProof(index, size, read), root);
    }
    for (const size1 of [1, 2 ** 31 + 3, 2 ** 32, 2 ** 33 + 7, size - 1].filter((m) => m < size)) {
      const proof = consistencyProof(size1, size, read);
      verifyConsistency(size1, size, proof, uniformRoot(size1), root);
    }
    let [trailingOnes, rest] = [0, size];
    for (; rest % 2 === 1; rest = (rest - 1) / 2) trailingOnes += 1;
    const nodes = appendNodes(size, leaf, read);
    expect(nodes).toHaveLength(trailingOnes + 1);
    expect(nodes.at(-1)).toEqual({ level: trailingOnes, index: rest, hash: perfect[trailingOnes] });
  });
});

describe('Merkle argument checks', () => {
  const store = new Store();
  for (const leaf of LEAVES.slice(0, 5)) store.append(leaf);
  const leaf = LEAVES[0] ?? EMPTY_ROOT;

  it('rejects caller mistakes in generation with RangeError', () => {
    expect(() => inclusionProof(5, 5, store.read)).toThrow(RangeError);
    expect(() => inclusionProof(-1, 5, store.read)).toThrow(RangeError);
    expect(() => inclusionProof(0, 1.5, store.read)).toThrow(RangeError);
    expect(() => consistencyProof(3, 2, store.read)).toThrow(RangeError);
    expect(() => consistencyProof(0, 2 ** 53, store.read)).toThrow(RangeError);
    expect(() => rootFromNodes(-1, store.read)).toThrow(RangeError);
    expect(() => appendNodes(NaN, leaf, store.read)).toThrow(RangeError);
    expect(() => appendNodes(5, leaf.subarray(1), store.read)).toThrow(RangeError);
    expect(() => nodeHash(leaf, Buffer.alloc(33))).toThrow(RangeError);
    expect(() => nodeHash(Buffer.alloc(31), leaf)).toThrow(RangeError);
    expect(() => new CompactRange().push(Buffer.alloc(0))).toThrow(RangeError);
  });

  it('passes on a reader failure and reports a stored node of the wrong length', () => {
    expect(() => rootFromNodes(6, store.read)).toThrow('missing node');
    expectAuditError(() => rootFromNodes(2, () => Buffer.alloc(31)), 'AUDIT_MALFORMED');
  });

  it('returns proofs and nodes that do not alias the store or the caller', () => {
    const stored = store.read(0, 0);
    const proof = inclusionProof(1, 2, store.read);
    expect(proof[0]).not.toBe(store.read(0, 0));
    const input = Buffer.from(leaf);
    const [first] = appendNodes(6, input, store.read);
    input[0] = (input[0] ?? 0) ^ 1;
    expect(first?.hash).toEqual(leaf);
    expect(stored).toEqual(leaf);
  });

  it('compares hashes by length and content', () => {
    expect(hashEquals(leaf, Buffer.from(leaf))).toBe(true);
    expect(hashEquals(leaf, leaf.subarray(1))).toBe(false);
    expect(hashEquals(leaf, EMPTY_ROOT)).toBe(false);
  });

  it('rejects untrusted inputs with AUDIT_BAD_PROOF', () => {
    const root = mth(0, 5);
    const proof = inclusionProof(2, 5, store.read);
    expectBadProof(() => verifyInclusion(leaf, 0.5, 5, proof, root));
    expectBadProof(() => verifyInclusion(leaf, 2, 2 ** 53, proof, root));
    expectBadProof(() => verifyInclusion(leaf.subarray(1), 2, 5, proof, root));
    expectBadProof(() => verifyInclusion(LEAVES[2] ?? leaf, 2, 5, [...proof, leaf], root));
    expectBadProof(() => verifyInclusion(LEAVES[2] ?? leaf, 2, 5, proof.slice(1), root));
    // A sparse array has holes where elements should be.
    expectBadProof(() => verifyInclusion(LEAVES[2] ?? leaf, 2, 5, new Array<Buffer>(3), root));
    const c = consistencyProof(3, 5, store.read);
    expectBadProof(() => verifyConsistency(-1, 5, c, mth(0, 3), root));
    expectBadProof(() => verifyConsistency(3, Infinity, c, mth(0, 3), root));
    expectBadProof(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT));
    expectBadProof(() => verifyConsistency(0, 5, [], EMPTY_ROOT, root));
    expectBadProof(() => verifyConsistency(3, 5, c, mth(0, 3).subarray(1), root));
    expectBadProof(() => verifyConsistency(3, 5, [...c, leaf], mth(0, 3), root));
    expectBadProof(() => verifyConsistency(3, 5, c.slice(0, -1), mth(0, 3), root));
    expectBadProof(() =>
      verifyConsistency(3, 5, [Buffer.alloc(1), ...c.slice(1)], mth(0, 3), root),
    );
    expectBadProof(() => verifyConsistency(2, 5, consistencyProof(2, 5, store.read), leaf, root));
    expectBadProof(() => verifyConsistency(3, 5, c, mth(0, 3), leaf));
    expect(() => verifyConsistency(5, 5, [], root, Buffer.from(root))).not.toThrow();
  });
});
