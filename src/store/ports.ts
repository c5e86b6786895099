import type { AuditEvent, AuditPayload } from '../audit/entry.js';
import type { PinEvent, ServerRecord, ServerStatus } from '../pinning/types.js';

/** The result of an update function: the record to write and the events to append with it. */
export interface PinUpdate {
  record: ServerRecord;
  events: PinEvent[];
}

/**
 * Storage for pinning state. Every backend (memory, SQLite, PostgreSQL) passes the contract suite in
 * `test/contract/pin-store.contract.ts`. Any fault throws `StoreError`; callers deny (I3).
 */
export interface PinStore {
  /** The full record, or undefined when the server was never seen. */
  getServer(name: string): Promise<ServerRecord | undefined>;
  /** Status and revision only: the per-call hot path. */
  getStatus(name: string): Promise<{ status: ServerStatus; revision: number } | undefined>;
  /** Every record, ordered by name. */
  listServers(): Promise<ServerRecord[]>;
  /**
   * Atomically read the current record, let `fn` (pure, synchronous) decide, and write its
   * result with the events in one transaction. `fn` returning undefined writes nothing.
   * The written record's revision is set by the store (previous + 1, or 1).
   * Returns the record as stored after the call.
   */
  update(
    name: string,
    fn: (current: ServerRecord | undefined) => PinUpdate | undefined,
  ): Promise<ServerRecord | undefined>;
  /** Pinning events in append order (decoded from the audit log), optionally for one server. */
  listEvents(filter?: { server?: string; limit?: number }): Promise<PinEvent[]>;
  close(): Promise<void>;
}

/** A tree head: the number of entries and the Merkle root over them. */
export interface TreeHead {
  size: number;
  root: Buffer;
}

/** A signed checkpoint as stored: the tree size it commits to and the signed note, verbatim. */
export interface StoredCheckpoint {
  size: number;
  note: string;
}

/** One stored entry with the leaf hash stored for it (undefined when that node is missing). */
export interface StoredEntry {
  index: number;
  entry: Buffer;
  leaf: Buffer | undefined;
}

/**
 * Signs a checkpoint for `head` inside the store's write transaction, so no append or other signer
 * interleaves. `previous` is the newest stored checkpoint; `prove(oldSize)` returns the consistency
 * proof from an older size to `head.size`. Returns the signed note, or throws to refuse.
 */
export type CheckpointSigning = (
  head: TreeHead,
  previous: StoredCheckpoint | undefined,
  prove: (oldSize: number) => Buffer[],
) => string;

/**
 * The append-only audit log (DESIGN §10): entries, the Merkle tree over them, signed checkpoints and
 * the redactable payloads. Every backend passes `test/contract/audit-store.contract.ts`.
 */
export interface AuditStore {
  /**
   * Appends the events as consecutive entries, durably, in one transaction (one fsync), and
   * returns their indexes. Pin updates append their events through the same path.
   */
  appendAudit(events: readonly AuditEvent[]): Promise<number[]>;
  /** The current tree head. */
  auditHead(): Promise<TreeHead>;
  /** Up to `limit` stored entries from index `start` on, in index order (gaps show as jumps). */
  readEntries(start: number, limit: number): Promise<StoredEntry[]>;
  /** RFC 9162 inclusion proof of `index` in the tree of `size` entries, from stored nodes. */
  inclusionProof(index: number, size: number): Promise<Buffer[]>;
  /** RFC 9162 consistency proof from `size1` to `size2`, from stored nodes. */
  consistencyProof(size1: number, size2: number): Promise<Buffer[]>;
  /** The root of the first `size` entries, from stored nodes. */
  rootAt(size: number): Promise<Buffer>;
  /** Every stored checkpoint, by size. */
  listCheckpoints(): Promise<StoredCheckpoint[]>;
  /**
   * Signs a checkpoint over the current tree with `sign` in one write transaction and stores it.
   * When the newest checkpoint already covers the tree, returns it without signing.
   */
  addCheckpoint(sign: CheckpointSigning): Promise<StoredCheckpoint>;
  /** The payload kept beside entry `index`, if any. */
  readPayload(index: number): Promise<AuditPayload | undefined>;
  /** Deletes the payload of entry `index` (redaction); the log still verifies. */
  deletePayload(index: number): Promise<boolean>;
}

/** Everything one backend stores. */
export interface Store extends PinStore, AuditStore {}
