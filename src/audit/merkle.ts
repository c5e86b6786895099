/**
 * RFC 6962 / RFC 9162 SHA-256 Merkle tree. Only perfect subtrees are stored (node level L, index i
 * covers leaves [i·2^L, (i+1)·2^L)); any other RFC tree node lies on the right edge and is rebuilt
 * from at most one stored subtree per level. Proofs are generated from the store and verified here.
 */
import { createHash, hash, timingSafeEqual } from 'node:crypto';

import { AuditError } from '../shared/errors.js';

/** Size in bytes of every hash in the tree (SHA-256, RFC 9162 §2.1.1). */
export const HASH_SIZE = 32;

// RFC 9162 §2.1.1 domain separation: a leaf is SHA-256(0x00 ‖ entry), a node SHA-256(0x01 ‖ l ‖ r).
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = 0x01;
/** Reused input block for node hashes: 0x01 and two child hashes (written and hashed at once). */
const NODE_INPUT = Buffer.concat([Buffer.from([NODE_PREFIX]), Buffer.alloc(2 * HASH_SIZE)]);
/** Sizes stay below 2^53, so a compact range holds at most 53 subtrees (one per set bit). */
const MAX_SUBTREES = 53;
const TWO_POW_32 = 2 ** 32;

/** 0x00 followed by room for an entry of up to 64 KiB (larger ones are hashed in two updates). */
const LEAF_INPUT = Buffer.alloc(64 * 1024 + 1);

/** SHA-256 of the empty string: the root of the empty tree (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** SHA-256(0x00 ‖ entry): the hash of one log entry (RFC 9162 §2.1.1, MTH({d(0)})). */
export function leafHash(entry: Uint8Array): Buffer {
  // One-shot hashing of 0x00 ‖ entry from a reused buffer is about twice as fast as a streaming
  // hash; full verification hashes every entry of the log.
  if (entry.length >= LEAF_INPUT.length) {
    return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
  }
  LEAF_INPUT.set(entry, 1);
  return hash('sha256', LEAF_INPUT.subarray(0, entry.length + 1), 'buffer');
}

/** SHA-256(0x01 ‖ left ‖ right): an interior node (RFC 9162 §2.1.1); both children are 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`node children must be ${HASH_SIZE}-byte hashes`);
  }
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** Node hash whose left child is read in place from `source` at `offset` (no view allocated). */
function nodeHashFrom(source: Buffer, offset: number, right: Uint8Array): Buffer {
  source.copy(NODE_INPUT, 1, offset, offset + HASH_SIZE);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** Constant-time equality of two hashes (timingSafeEqual; false when lengths differ). */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A stored perfect subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L); level 0 = leaf
 * hashes (RFC 9162 §2.1.1 MTH of that range).
 */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** Reads a stored perfect-subtree hash; must throw (any error) if it is missing. Synchronous. */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** Number of bits needed to write x (x a non-negative safe integer). */
function bitLength(x: number): number {
  return x < TWO_POW_32 ? 32 - Math.clz32(x) : 32 + bitLength(Math.floor(x / TWO_POW_32));
}

/** Number of trailing zero bits of x (x a positive safe integer). */
function trailingZeros(x: number): number {
  const low = x % TWO_POW_32;
  return low === 0 ? 32 + trailingZeros(x / TWO_POW_32) : 31 - Math.clz32(low & -low);
}

/** The k of RFC 9162 §2.1.1: the largest power of two smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

function assertCount(value: number, name: string): void {
  if (!isCount(value)) throw new RangeError(`${name} must be a non-negative safe integer`);
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function assertHash(value: Uint8Array, name: string): void {
  if (value.length !== HASH_SIZE) throw new RangeError(`${name} must be a ${HASH_SIZE}-byte hash`);
}

/** Reads one stored node; a stored hash of the wrong length means the store is corrupt. */
function readNode(read: NodeReader, level: number, index: number): Uint8Array {
  const stored = read(level, index);
  if (stored.length !== HASH_SIZE) {
    throw new AuditError('AUDIT_MALFORMED', 'a stored Merkle tree node is not a 32-byte hash', {
      details: { level, index },
    });
  }
  return stored;
}

/**
 * MTH(D[start:end]) for a node of the RFC tree: either a perfect subtree, or one whose start is a
 * multiple of a power of two ≥ its width. Its perfect parts are the set bits of the width, largest
 * first; they are read right to left and folded as RFC 9162 §2.1.1 nests them (one read per bit).
 */
function rangeHash(start: number, end: number, read: NodeReader): Buffer {
  let right = end - start;
  let level = trailingZeros(right);
  let width = 2 ** level;
  let result: Buffer = Buffer.from(readNode(read, level, (end - width) / width));
  for (right -= width; right > 0; right -= width) {
    level = trailingZeros(right);
    width = 2 ** level;
    result = nodeHash(readNode(read, level, (start + right - width) / width), result);
  }
  return result;
}

/**
 * The nodes that appending leaf number `size` (the 0-based index of the new leaf = current tree
 * size) completes: first {level 0, index size, hash leaf}, then every parent that becomes a perfect
 * subtree, bottom up (RFC 9162 §2.1.1: a perfect subtree of 2^(L+1) leaves hashes its two halves).
 * Reads only left siblings that already exist (one per trailing one bit of `size`).
 */
export function appendNodes(size: number, leaf: Uint8Array, read: NodeReader): TreeNode[] {
  assertCount(size, 'size');
  assertHash(leaf, 'leaf');
  let current: Buffer = Buffer.from(leaf);
  const nodes: TreeNode[] = [{ level: 0, index: size, hash: current }];
  for (let level = 0, index = size; index % 2 === 1;) {
    current = nodeHash(readNode(read, level, index - 1), current);
    level += 1;
    index = (index - 1) / 2;
    nodes.push({ level, index, hash: current });
  }
  return nodes;
}

/**
 * Root hash MTH(D[0:size]) (RFC 9162 §2.1.1) of the first `size` leaves, from stored perfect
 * subtrees, one per set bit of `size`. size 0 → EMPTY_ROOT.
 */
export function rootFromNodes(size: number, read: NodeReader): Buffer {
  assertCount(size, 'size');
  return size === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(0, size, read);
}

/**
 * RFC 9162 §2.1.3.1 inclusion proof PATH(index, D[0:size]): the siblings on the path from leaf
 * `index` to the root, leaf first. The recursion is walked top down; at most one sibling (on the
 * right edge) is not a stored perfect subtree, so this is O(log n) reads.
 */
export function inclusionProof(index: number, size: number, read: NodeReader): Buffer[] {
  assertCount(index, 'index');
  assertCount(size, 'size');
  if (index >= size) throw new RangeError('index must be smaller than size');
  const proof: Buffer[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const middle = start + splitPoint(end - start);
    if (index < middle) {
      proof.push(rangeHash(middle, end, read)); // PATH(m, D[0:k]) : MTH(D[k:n])
      end = middle;
    } else {
      proof.push(rangeHash(start, middle, read)); // PATH(m - k, D[k:n]) : MTH(D[0:k])
      start = middle;
    }
  }
  return proof.reverse();
}

/**
 * RFC 9162 §2.1.4.1 consistency proof PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true),
 * walked top down and reversed. Empty when size1 is 0 or equals size2 (there is nothing to prove;
 * note that verifyConsistency rejects size1 = 0, as the RFC defines proofs only for 0 < size1).
 */
export function consistencyProof(size1: number, size2: number, read: NodeReader): Buffer[] {
  assertCount(size1, 'size1');
  assertCount(size2, 'size2');
  if (size1 > size2) throw new RangeError('size1 must not exceed size2');
  if (size1 === 0) return [];
  const proof: Buffer[] = [];
  let start = 0;
  let end = size2;
  let isWholeTree = true; // the b flag of SUBPROOF
  while (end !== size1) {
    const middle = start + splitPoint(end - start);
    if (size1 <= middle) {
      proof.push(rangeHash(middle, end, read)); // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
      end = middle;
    } else {
      proof.push(rangeHash(start, middle, read)); // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
      start = middle;
      isWholeTree = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b = true it is empty.
  if (!isWholeTree) proof.push(rangeHash(start, end, read));
  return proof.reverse();
}

// Verification: every argument below comes from an untrusted receipt, checkpoint or log file.

function badProof(message: string): AuditError {
  return new AuditError('AUDIT_BAD_PROOF', message);
}

/**
 * The walk shared by RFC 9162 §2.1.3.2 step 4 and §2.1.4.2 step 6, from fn and sn. Each element c
 * of proof[from..] is checked to be a 32-byte hash (an attacker may send anything), then extends
 * `r` (r, or sr) on the side the path gives, and, when c is a left sibling, `fr` too when given.
 * Fails when the proof does not end exactly at the root (step 4a / 6a, and sn = 0 after the walk).
 */
function walk(
  fn: number,
  sn: number,
  proof: readonly Uint8Array[],
  from: number,
  r: Buffer,
  fr?: Buffer,
): [Buffer, Buffer] {
  for (let i = from; i < proof.length; i += 1) {
    if (sn === 0) throw badProof('proof is too long');
    const c = proof[i];
    if (c?.length !== HASH_SIZE) throw badProof('a proof element is not a 32-byte hash');
    if (fn % 2 === 1 || fn === sn) {
      // c is a left sibling: HASH(0x01 ‖ c ‖ r), then skip the levels that have no right sibling.
      r = nodeHash(c, r);
      if (fr !== undefined) fr = nodeHash(c, fr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, c); // c is a right sibling: HASH(0x01 ‖ r ‖ c)
    }
    fn = Math.floor(fn / 2); // step 4c / 6c
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw badProof('proof is too short');
  return [r, fr ?? r];
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leaf` (a leaf hash) is entry `index` of the tree of `size`
 * leaves whose root is `root`. Throws AuditError('AUDIT_BAD_PROOF') on any failure: bad index or
 * size, a proof of the wrong length or with a malformed element, or a root mismatch.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  // Step 1: leaf_index must be a valid index of a tree of tree_size leaves.
  if (!isCount(index) || !isCount(size) || index >= size) throw badProof('index out of range');
  if (leaf.length !== HASH_SIZE) throw badProof('the leaf is not a 32-byte hash');
  // Steps 2–4: fn = leaf_index, sn = tree_size − 1, r = hash, then the walk.
  const [r] = walk(index, size - 1, proof, 0, Buffer.from(leaf));
  // Step 5: r must equal the root.
  if (!hashEquals(r, root)) throw badProof('inclusion proof does not lead to the expected root');
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of size2 leaves with root root2 extends the tree of
 * size1 leaves with root root1. Throws AuditError('AUDIT_BAD_PROOF') on any failure. As in the
 * published vectors (transparency-dev/merkle): size1 > size2 fails; size1 = 0 always fails (the RFC
 * defines proofs for 0 < size1 only, and the empty tree is trivially extended: callers skip it);
 * size1 = size2 requires an empty proof and equal roots.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!isCount(size1) || !isCount(size2) || size1 > size2) throw badProof('sizes out of range');
  if (size1 === 0) throw badProof('a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length !== 0) throw badProof('consistency proof between equal sizes is not empty');
    if (!hashEquals(root1, root2)) throw badProof('trees of equal size have different roots');
    return;
  }
  // Step 1: an empty proof fails.
  if (proof.length === 0) throw badProof('consistency proof is empty');
  // Step 2: when size1 is a power of two, root1 is the implicit first element of the path.
  const isPowerOfTwo = trailingZeros(size1) === bitLength(size1) - 1;
  const first = isPowerOfTwo ? root1 : proof[0];
  if (first?.length !== HASH_SIZE) throw badProof('a proof element is not a 32-byte hash');
  // Steps 3–4: fn = first − 1, sn = second − 1, then drop the levels where fn is a right child.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // Steps 5–6: fr = sr = the first path element, then the walk over the rest.
  const seed = Buffer.from(first);
  const [sr, fr] = walk(fn, sn, proof, isPowerOfTwo ? 0 : 1, seed, seed);
  // Step 7: fr must equal root1 and sr must equal root2 (sn = 0 was checked by the walk).
  if (!hashEquals(fr, root1)) throw badProof('consistency proof does not match root1');
  if (!hashEquals(sr, root2)) throw badProof('consistency proof does not match root2');
}

/**
 * Streaming MTH over leaf hashes pushed in order (RFC 9162 §2.1.1), in O(log n) memory: the compact
 * range [0, size) is one perfect subtree per set bit of size, largest first. Used to recompute the
 * root of a whole log; push() allocates only the hashes it computes.
 */
export class CompactRange {
  /** The subtree hashes, back to back, largest (leftmost) first. */
  readonly #hashes = Buffer.alloc(MAX_SUBTREES * HASH_SIZE);
  #count = 0;
  #size = 0;

  /** Appends the next leaf hash, merging equal-sized subtrees (one hash per trailing 1 of size). */
  push(leaf: Uint8Array): void {
    assertHash(leaf, 'leaf');
    let current = leaf;
    for (let size = this.#size; size % 2 === 1; size = (size - 1) / 2) {
      this.#count -= 1;
      current = nodeHashFrom(this.#hashes, this.#count * HASH_SIZE, current);
    }
    this.#hashes.set(current, this.#count * HASH_SIZE);
    this.#count += 1;
    this.#size += 1;
  }

  /** Number of leaves pushed so far. */
  get size(): number {
    return this.#size;
  }

  /** MTH of the leaves pushed so far (EMPTY_ROOT for none): subtrees folded right to left. */
  root(): Buffer {
    if (this.#count === 0) return Buffer.from(EMPTY_ROOT);
    let offset = (this.#count - 1) * HASH_SIZE;
    let result: Buffer = Buffer.from(this.#hashes.subarray(offset, offset + HASH_SIZE));
    for (offset -= HASH_SIZE; offset >= 0; offset -= HASH_SIZE) {
      result = nodeHashFrom(this.#hashes, offset, result);
    }
    return result;
  }
}
