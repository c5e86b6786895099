import {
  assertNewHold,
  assertNonceUse,
  expire,
  resolve,
  toHoldEvent,
  toHoldResolvedEvent,
} from '../../approvals/index.js';
import { nodeKey, planAppend, planCheckpoint } from '../../audit/append.js';
import type { AuditEvent, AuditPayload } from '../../audit/entry.js';
import { parseEntry, toPinEvent } from '../../audit/entry.js';
import type { NodeReader } from '../../audit/merkle.js';
import { consistencyProof, inclusionProof, rootFromNodes } from '../../audit/merkle.js';
import type { PinEvent, ServerRecord } from '../../pinning/types.js';
import { StoreError } from '../../shared/errors.js';
import type { Hold, PinUpdate, Store, StoredCheckpoint } from '../ports.js';
import { createMemoryAccess } from './memory-access.js';
import { createMemoryBehavior } from './memory-behavior.js';

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** When given, every call but `close` rejects with the error this returns (see `setFault`). */
  failWith?: () => Error;
}

/** An in-memory {@link Store} for tests, with switches that make calls fail. */
export interface MemoryStore extends Store {
  /**
   * Make every later call (except `close`) reject with `fault` (an error, or a function making
   * one per call), or behave again with `undefined`. Lets gateway tests prove a store fault denies
   * (I3).
   */
  setFault(fault: Error | (() => Error) | undefined): void;
  /** Like `setFault`, for the audit log's appends and checkpoints only. */
  setAuditFault(fault: Error | (() => Error) | undefined): void;
}

/**
 * A {@link Store} held in process memory. Records and events are deep-copied on the way in and
 * out, so no caller (nor an update function) can change stored state by mutating what it holds.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const servers = new Map<string, ServerRecord>();
  const entries: Buffer[] = [];
  const nodes = new Map<number, Buffer>();
  const checkpoints: StoredCheckpoint[] = [];
  const payloads = new Map<number, AuditPayload>();
  /** Holds in creation order; nonces with the time they were used. */
  const holds = new Map<string, Hold>();
  const nonces = new Map<string, number>();
  let fault: (() => Error) | undefined = options.failWith;
  let auditFault: (() => Error) | undefined;
  let isClosed = false;

  const readNode: NodeReader = (level, index) => {
    const hash = nodes.get(nodeKey(level, index));
    if (hash === undefined)
      throw new StoreError('STORE_CORRUPT', 'audit log: a tree node is missing');
    return hash;
  };
  /** Appends synchronously; all or nothing. */
  const appendNow = (events: readonly AuditEvent[]): number[] => {
    if (auditFault !== undefined) throw auditFault();
    const planned = planAppend(entries.length, events, readNode);
    for (const { index, entry, nodes: made, payload } of planned) {
      entries.push(entry);
      for (const node of made) nodes.set(nodeKey(node.level, node.index), node.hash);
      if (payload !== undefined) payloads.set(index, copyPayload(payload));
    }
    return planned.map((p) => p.index);
  };

  /** Applies the pure step `next` to a stored hold, storing and recording a change. */
  const stepHold = (id: string, next: (hold: Hold) => Hold): Hold | undefined => {
    const stored = holds.get(id);
    if (stored === undefined) return undefined;
    const changed = next(stored);
    if (changed === stored) return { ...stored };
    appendNow([toHoldResolvedEvent(changed)]);
    holds.set(id, { ...changed });
    return { ...changed };
  };

  /** Runs `op` after the closed and fault checks, turning a throw into a rejection. */
  const settle = <T>(op: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (isClosed) throw new StoreError('STORE_UNAVAILABLE', 'pin store is closed');
      if (fault !== undefined) throw fault();
      resolve(op());
    });

  return {
    setFault(next) {
      fault = toFault(next);
    },
    setAuditFault(next) {
      auditFault = toFault(next);
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
        appendNow(result.events);
        servers.set(name, record);
        return structuredClone(record);
      });
    },

    listEvents(filter = {}) {
      return settle(() => {
        const { server, limit } = filter;
        const matching = entries
          .map((bytes) => toPinEvent(parseEntry(bytes)))
          .filter(
            (event): event is PinEvent =>
              event !== undefined && (server === undefined || event.server === server),
          );
        return limit === undefined
          ? matching
          : matching.slice(Math.max(0, matching.length - toLimit(limit)));
      });
    },

    appendAudit(events) {
      return settle(() => appendNow(events));
    },
    auditHead() {
      return settle(() => ({
        size: entries.length,
        root: rootFromNodes(entries.length, readNode),
      }));
    },
    readEntries(start, limit) {
      return settle(() =>
        entries.slice(start, start + limit).map((entry, offset) => ({
          index: start + offset,
          entry: Buffer.from(entry),
          leaf: nodes.get(nodeKey(0, start + offset)),
        })),
      );
    },
    inclusionProof(index, size) {
      return settle(() => inclusionProof(index, size, readNode));
    },
    consistencyProof(size1, size2) {
      return settle(() => consistencyProof(size1, size2, readNode));
    },
    rootAt(size) {
      return settle(() => rootFromNodes(size, readNode));
    },
    listCheckpoints() {
      return settle(() => checkpoints.map((c) => ({ ...c })));
    },
    addCheckpoint(sign) {
      return settle(() => {
        if (auditFault !== undefined) throw auditFault();
        const plan = planCheckpoint(entries.length, readNode, checkpoints.at(-1), sign);
        if (plan.isNew) checkpoints.push(plan.stored);
        return { ...plan.stored };
      });
    },
    readPayload(index) {
      return settle(() => {
        const payload = payloads.get(index);
        return payload === undefined ? undefined : copyPayload(payload);
      });
    },
    deletePayload(index) {
      return settle(() => payloads.delete(index));
    },

    createHold(hold) {
      return settle(() => {
        assertNewHold(hold);
        if (holds.has(hold.id)) throw new RangeError('a hold with this id already exists');
        const copy = { ...hold };
        appendNow([toHoldEvent(copy)]);
        holds.set(copy.id, copy);
      });
    },
    getHold(id) {
      return settle(() => {
        const hold = holds.get(id);
        return hold === undefined ? undefined : { ...hold };
      });
    },
    listHolds(filter = {}) {
      return settle(() =>
        [...holds.values()]
          .filter(
            (hold) =>
              (filter.state === undefined || hold.state === filter.state) &&
              (filter.server === undefined || hold.server === filter.server),
          )
          // Array.prototype.sort is stable: equal times stay in creation order.
          .sort((a, b) => a.createdAt - b.createdAt)
          .map((hold) => ({ ...hold })),
      );
    },
    resolveHold(id, resolution) {
      return settle(() => stepHold(id, (hold) => resolve(hold, resolution)));
    },
    expireHold(id, at) {
      return settle(() => stepHold(id, (hold) => expire(hold, at)));
    },
    useNonce(nonce, at, forgetBefore) {
      return settle(() => {
        assertNonceUse(nonce, at, forgetBefore);
        for (const [seen, usedAt] of nonces) if (usedAt < forgetBefore) nonces.delete(seen);
        if (nonces.has(nonce)) return false;
        nonces.set(nonce, at);
        return true;
      });
    },

    // Behaviour profiles and anomalies: the same closed, fault and audit-fault checks apply.
    ...createMemoryBehavior(settle, appendNow),
    // Agent keys, accounts and API tokens: the same checks again.
    ...createMemoryAccess(settle, appendNow),

    close() {
      isClosed = true;
      return Promise.resolve();
    },
  };
}

function copyPayload(payload: AuditPayload): AuditPayload {
  return { salt: Buffer.from(payload.salt), body: payload.body };
}

function toFault(next: Error | (() => Error) | undefined): (() => Error) | undefined {
  return next === undefined || typeof next === 'function' ? next : () => next;
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
