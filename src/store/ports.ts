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
  /**
   * Appends events without touching any record (no revision change), durably, in one
   * transaction: for facts such as a denied call that change no state.
   */
  appendEvents(events: PinEvent[]): Promise<void>;
  /** Events in append order, optionally for one server. */
  listEvents(filter?: { server?: string; limit?: number }): Promise<PinEvent[]>;
  close(): Promise<void>;
}
