import type { PinEvent, ServerRecord } from '../../pinning/types.js';
import { StoreError } from '../../shared/errors.js';
import type { PinStore, PinUpdate } from '../ports.js';

/** Options for {@link createMemoryPinStore}. */
export interface MemoryPinStoreOptions {
  /** When given, every call but `close` rejects with the error this returns (see `setFault`). */
  failWith?: () => Error;
}

/** An in-memory {@link PinStore} for tests, with a switch that makes every call fail. */
export interface MemoryPinStore extends PinStore {
  /**
   * Make every later call (except `close`) reject with `fault` (an error, or a function making
   * one per call), or behave again with `undefined`. Lets gateway tests prove a store fault denies
   * (I3).
   */
  setFault(fault: Error | (() => Error) | undefined): void;
}

/**
 * A {@link PinStore} held in process memory. Records and events are deep-copied on the way in and
 * out, so no caller (nor an update function) can change stored state by mutating what it holds.
 */
export function createMemoryPinStore(options: MemoryPinStoreOptions = {}): MemoryPinStore {
  const servers = new Map<string, ServerRecord>();
  const events: PinEvent[] = [];
  let fault: (() => Error) | undefined = options.failWith;
  let isClosed = false;

  /** Runs `op` after the closed and fault checks, turning a throw into a rejection. */
  const settle = <T>(op: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (isClosed) throw new StoreError('STORE_UNAVAILABLE', 'pin store is closed');
      if (fault !== undefined) throw fault();
      resolve(op());
    });

  return {
    setFault(next) {
      fault = next === undefined || typeof next === 'function' ? next : () => next;
    },

    getServer(name) {
      return settle(() => copyOf(servers.get(name)));
    },

    getStatus(name) {
      return settle(() => {
        const record = servers.get(name);
        return record && { status: record.status, revision: record.revision };
      });
    },

    listServers() {
      return settle(() =>
        [...servers.values()]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((record) => structuredClone(record)),
      );
    },

    update(name, fn) {
      return settle(() => {
        const stored = servers.get(name);
        // The read-decide-write runs synchronously, so no other update can interleave with it.
        const result: PinUpdate | undefined = fn(copyOf(stored));
        if (result === undefined) return copyOf(stored);
        if (result.record.name !== name) {
          throw new RangeError('update result names a different server than the one updated');
        }
        // Copy everything before storing anything, so a failing copy writes nothing.
        const record: ServerRecord = {
          ...structuredClone(result.record),
          revision: (stored?.revision ?? 0) + 1,
        };
        const appended = result.events.map((event) => structuredClone(event));
        servers.set(name, record);
        events.push(...appended);
        return structuredClone(record);
      });
    },

    appendEvents(appended) {
      return settle(() => {
        events.push(...appended.map((event) => structuredClone(event)));
      });
    },

    listEvents(filter = {}) {
      return settle(() => {
        const { server, limit } = filter;
        const matching =
          server === undefined ? events : events.filter((event) => event.server === server);
        const kept =
          limit === undefined
            ? matching
            : matching.slice(Math.max(0, matching.length - toLimit(limit)));
        return kept.map((event) => structuredClone(event));
      });
    },

    close() {
      isClosed = true;
      return Promise.resolve();
    },
  };
}

function copyOf(record: ServerRecord | undefined): ServerRecord | undefined {
  return record === undefined ? undefined : structuredClone(record);
}

/** Checks an event limit: the most recent `limit` events are kept. */
function toLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError('event limit must be a non-negative integer');
  }
  return limit;
}
