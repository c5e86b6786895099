import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { expectAuditError } from '../../test/support/audit-error.js';
import {
  appendNodes,
  CompactRange,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootFromNodes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const MAX_SIZE = 300;
const LEAVES = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

// One append-only store of MAX_SIZE leaves holds every smaller tree as a prefix.
const nodes = new Map<string, Buffer>();
const read = (level: number, index: number): Buffer => {
  const stored = nodes.get(`${level}/${index}`);
  if (stored === undefined) throw new Error(`missing node ${level}/${index}`);
  return stored;
};
LEAVES.forEach((leaf, size) => {
  for (const node of appendNodes(size, leaf, read))
    nodes.set(`${node.level}/${node.index}`, node.hash);
});
const ROOTS = Array.from({ length: MAX_SIZE + 1 }, (_, size) => rootFromNodes(size, read));
const leafAt = (index: number): Buffer => LEAVES[index] ?? Buffer.alloc(0);
const rootOf = (size: number): Buffer => ROOTS[size] ?? Buffer.alloc(0);

/** Asserts that verification throws AuditError('AUDIT_BAD_PROOF'). */
function expectRejected(fn: () => void): void {
  expectAuditError(fn, 'AUDIT_BAD_PROOF');
}

/** A copy of `hash` with the bit at fraction `bit` ∈ [0, 1) of its length flipped. */
function flipBit(hash: Buffer, bit: number): Buffer {
  const copy = Buffer.from(hash);
  const i = Math.floor(bit * copy.length * 8);
  copy[i >> 3] = (copy[i >> 3] ?? 0) ^ (1 << (i & 7));
  return copy;
}

/** A copy of a non-empty `proof` with one bit of element at fraction `at` flipped. */
function flipProof(proof: readonly Buffer[], at: number, bit: number): Buffer[] {
  const target = Math.floor(at * proof.length);
  return proof.map((p, i) => (i === target ? flipBit(p, bit) : p));
}

const size = fc.integer({ min: 1, max: MAX_SIZE });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
/** (index, size) with index < size. */
const position = size.chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n)));
/** (size1, size2) with 1 ≤ size1 < size2. */
const growth = fc
  .tuple(size, size)
  .filter(([a, b]) => a !== b)
  .map(([a, b]): [number, number] => (a < b ? [a, b] : [b, a]));

describe('Merkle properties (fast-check, trees of up to 300 leaves)', () => {
  it('every leaf of a tree has an inclusion proof that verifies', () => {
    fc.assert(
      fc.property(size, (n) => {
        for (let index = 0; index < n; index += 1) {
          verifyInclusion(leafAt(index), index, n, inclusionProof(index, n, read), rootOf(n));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every pair size1 ≤ size2 has a consistency proof that verifies', () => {
    fc.assert(
      fc.property(size, size, (a, b) => {
        const [size1, size2] = a <= b ? [a, b] : [b, a];
        const proof = consistencyProof(size1, size2, read);
        verifyConsistency(size1, size2, proof, rootOf(size1), rootOf(size2));
      }),
      { numRuns: 400 },
    );
  });

  it('the compact range of any prefix has the stored root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SIZE }), (n) => {
        const range = new CompactRange();
        for (const leaf of LEAVES.slice(0, n)) range.push(leaf);
        expect(range.root()).toEqual(rootOf(n));
      }),
      { numRuns: 50 },
    );
  });

  it('an inclusion proof with any flipped bit, or a flipped leaf or root, fails', () => {
    fc.assert(
      fc.property(position, unit, unit, ([index, n], at, bit) => {
        const [leaf, root] = [leafAt(index), rootOf(n)];
        const proof = inclusionProof(index, n, read);
        if (proof.length > 0) {
          expectRejected(() => verifyInclusion(leaf, index, n, flipProof(proof, at, bit), root));
        }
        expectRejected(() => verifyInclusion(flipBit(leaf, bit), index, n, proof, root));
        expectRejected(() => verifyInclusion(leaf, index, n, proof, flipBit(root, bit)));
      }),
      { numRuns: 300 },
    );
  });

  it('a consistency proof with any flipped bit, or a flipped root, fails', () => {
    fc.assert(
      fc.property(growth, unit, unit, ([size1, size2], at, bit) => {
        const [root1, root2] = [rootOf(size1), rootOf(size2)];
        const proof = consistencyProof(size1, size2, read);
        const flipped = flipProof(proof, at, bit);
        expectRejected(() => verifyConsistency(size1, size2, flipped, root1, root2));
        expectRejected(() => verifyConsistency(size1, size2, proof, flipBit(root1, bit), root2));
        expectRejected(() => verifyConsistency(size1, size2, proof, root1, flipBit(root2, bit)));
      }),
      { numRuns: 300 },
    );
  });

  // A tree size is bound only through its root (a checkpoint signs both). A proof checked against
  // the root it was made for can pass under another claimed size: leaf 0 of sizes 3 and 4, or sizes
  // (158, 257) and (79, 129), whose level-1 nodes form the smaller trees. So a changed size is
  // checked against the root of the claimed size, and a changed index against the same root.
  it('an inclusion proof presented for another index or size fails', () => {
    fc.assert(
      fc.property(position, position, ([index, n], [otherIndex, otherSize]) => {
        fc.pre(index !== otherIndex || n !== otherSize);
        const [leaf, root] = [leafAt(index), rootOf(n)];
        const proof = inclusionProof(index, n, read);
        expectRejected(() =>
          verifyInclusion(leaf, otherIndex, otherSize, proof, rootOf(otherSize)),
        );
        if (otherIndex < n && otherIndex !== index) {
          expectRejected(() => verifyInclusion(leaf, otherIndex, n, proof, root));
        }
        expectRejected(() => verifyInclusion(leaf, index + n, n, proof, root));
      }),
      { numRuns: 300 },
    );
  });

  it('a consistency proof presented for other sizes fails', () => {
    fc.assert(
      fc.property(growth, growth, ([size1, size2], [other1, other2]) => {
        fc.pre(other1 !== size1 || other2 !== size2);
        const [root1, root2] = [rootOf(size1), rootOf(size2)];
        const proof = consistencyProof(size1, size2, read);
        expectRejected(() =>
          verifyConsistency(other1, other2, proof, rootOf(other1), rootOf(other2)),
        );
        expectRejected(() => verifyConsistency(size2, size1, proof, root2, root1));
        expectRejected(() => verifyConsistency(size1, size1, proof, root1, root1));
      }),
      { numRuns: 400 },
    );
  });
});
