/**
 * What a store writes to append entries and sign checkpoints, computed here once for every backend:
 * the store supplies reads of its stored tree nodes and writes what these functions return, inside
 * one transaction.
 */
import { AuditError } from '../shared/errors.js';
import type { CheckpointSigning, StoredCheckpoint, TreeHead } from '../store/ports.js';
import type { AuditEvent, AuditPayload } from './entry.js';
import { encodeEntry } from './entry.js';
import type { NodeReader, TreeNode } from './merkle.js';
import { appendNodes, consistencyProof, leafHash, rootFromNodes } from './merkle.js';

/** Indexes up to 2^40 entries; a node's key is `level · 2^40 + index`. */
export const NODE_LEVEL_STRIDE = 2 ** 40;

/** One entry to write: its bytes, the tree nodes it completes, and its payload if any. */
export interface PlannedEntry {
  index: number;
  entry: Buffer;
  nodes: TreeNode[];
  payload: AuditPayload | undefined;
}

/** The key a store files a tree node under. */
export function nodeKey(level: number, index: number): number {
  return level * NODE_LEVEL_STRIDE + index;
}

/**
 * The entries, nodes and payloads that append `events` to a tree of `size` entries. Nodes planned
 * for earlier events of the batch are read from the plan itself, so `read` sees only stored nodes.
 * @throws AuditError `AUDIT_MALFORMED` when an event cannot be encoded (nothing is planned).
 */
export function planAppend(
  size: number,
  events: readonly AuditEvent[],
  read: NodeReader,
): PlannedEntry[] {
  const planned = new Map<number, Buffer>();
  const readPlanned: NodeReader = (level, index) =>
    planned.get(nodeKey(level, index)) ?? read(level, index);
  return events.map((event, offset) => {
    const index = size + offset;
    const entry = encodeEntry(index, event);
    const nodes = appendNodes(index, leafHash(entry), readPlanned);
    for (const node of nodes) planned.set(nodeKey(node.level, node.index), node.hash);
    return { index, entry, nodes, payload: event.payload };
  });
}

/**
 * Decides what to store for a checkpoint request over a tree of `size` entries: the newest stored
 * checkpoint when it already covers the tree, else a new note signed by `sign`.
 * @throws AuditError `AUDIT_INCONSISTENT` when the tree is smaller than the newest checkpoint (the
 *   log was truncated or rolled back: nothing is signed).
 */
export function planCheckpoint(
  size: number,
  read: NodeReader,
  previous: StoredCheckpoint | undefined,
  sign: CheckpointSigning,
): { stored: StoredCheckpoint; isNew: boolean } {
  if (previous?.size === size) return { stored: previous, isNew: false };
  if (previous !== undefined && previous.size > size) {
    throw new AuditError(
      'AUDIT_INCONSISTENT',
      `the log has ${size} entries but a checkpoint was signed at ${previous.size}: refusing to sign`,
      { details: { size, checkpointSize: previous.size } },
    );
  }
  const head: TreeHead = { size, root: rootFromNodes(size, read) };
  const note = sign(head, previous, (oldSize) => consistencyProof(oldSize, size, read));
  return { stored: { size, note }, isNew: true };
}
