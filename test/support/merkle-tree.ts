import type { NodeReader } from '../../src/audit/merkle.js';
import { appendNodes, leafHash } from '../../src/audit/merkle.js';

/** A tree held in memory, built with merkle.ts the way a store builds it; returns its reader. */
export function buildTree(entries: readonly Uint8Array[]): NodeReader {
  const nodes = new Map<string, Buffer>();
  const read: NodeReader = (level, index) => {
    const hash = nodes.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`missing node ${level}/${index}`);
    return hash;
  };
  entries.forEach((entry, index) => {
    for (const node of appendNodes(index, leafHash(entry), read)) {
      nodes.set(`${node.level}/${node.index}`, node.hash);
    }
  });
  return read;
}
