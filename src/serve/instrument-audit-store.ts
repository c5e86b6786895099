/**
 * A view of a store that reports every audit event the store durably appends, for the metrics.
 *
 * `appendAudit` is not the only way entries reach the log: a pin update appends its events (drift
 * among them) inside `update`, a hold its `hold` / `hold-resolved` entries inside `createHold` /
 * `resolveHold` / `expireHold`, an anomaly inside `recordAnomaly`, access changes inside the access
 * methods, each in the store's own transaction. So each of those methods is wrapped too, and
 * reports the events it appended once it resolved: the ones it was handed, or the ones the store
 * builds with the same pure functions (`toHoldEvent`, `toHoldResolvedEvent`). A call that rejects
 * stored nothing and reports nothing. The hold methods return the hold whether or not they changed
 * it, so their wrappers read it first (one `getHold`) to tell. A store-level "appended" hook would
 * make all this exact and simpler; the ports have none yet.
 *
 * The view is a Proxy: the store (a class instance or an object literal) is left untouched, every
 * method runs with `this` bound to the store itself (so `#private` fields keep working), and every
 * other method and property reads through unchanged. Reporting never throws into the store call:
 * once the entry is durable the caller must get its result, whatever the metrics do.
 */
import { toHoldEvent, toHoldResolvedEvent } from '../approvals/index.js';
import type { AuditEvent } from '../audit/entry.js';
import type { AuditStore, Hold, HoldStore, PinUpdate, Store } from '../store/index.js';

/** Where the view reports to (AuditMetrics). */
export interface AppendObserver {
  /** Events some store write durably appended. */
  count(events: readonly AuditEvent[]): void;
  /** One `appendAudit` batch took `seconds`; `events` is undefined when it failed. */
  observeAppend(seconds: number, events: readonly AuditEvent[] | undefined): void;
}

type AnyMethod = (...args: never[]) => unknown;
type Wrap = (original: never) => unknown;

/**
 * The instrumented view of `store` (see the file comment).
 * @throws RangeError when a method to wrap is a frozen own property (a Proxy may not replace it).
 */
export function instrumentStore<S extends AuditStore>(
  store: S,
  observer: AppendObserver,
  now: () => number,
): S {
  const wrappers = createWrappers(store, observer, now);
  for (const name of wrappers.keys()) {
    if (isFrozenOwn(store, name)) {
      throw new RangeError(`cannot instrument a store whose ${String(name)} is frozen`);
    }
  }
  const made = new Map<PropertyKey, { original: unknown; wrapped: unknown }>();
  return new Proxy(store, {
    get(target, property): unknown {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = made.get(property);
      if (cached?.original === value) return cached.wrapped;
      const bound = (value as AnyMethod).bind(target);
      const wrap = wrappers.get(property) as ((original: AnyMethod) => unknown) | undefined;
      // A Proxy must return a frozen property's own value (its invariant), so that one is unbound.
      const wrapped =
        wrap !== undefined ? wrap(bound) : isFrozenOwn(target, property) ? value : bound;
      made.set(property, { original: value, wrapped });
      return wrapped;
    },
  });
}

/** The wrapper of each method that appends, typed against the Store port it implements. */
function createWrappers(
  target: object,
  observer: AppendObserver,
  now: () => number,
): Map<PropertyKey, Wrap> {
  const wrappers = new Map<PropertyKey, Wrap>();
  const add = <K extends keyof Store>(name: K, wrap: (original: Store[K]) => Store[K]): void => {
    wrappers.set(name, wrap);
  };
  const report = (events: () => readonly AuditEvent[]): void => {
    quietly(() => {
      observer.count(events());
    });
  };

  add('appendAudit', (original) => async (events) => {
    const started = now();
    let indexes: number[];
    try {
      indexes = await original(events);
    } catch (error) {
      quietly(() => {
        observer.observeAppend(toSeconds(now() - started), undefined);
      });
      throw error;
    }
    quietly(() => {
      observer.observeAppend(toSeconds(now() - started), events);
    });
    return indexes;
  });

  add('update', (original) => async (name, fn) => {
    // The store may run `fn` more than once (a retried transaction): the last answer is stored.
    const decided: { update: PinUpdate | undefined } = { update: undefined };
    const record = await original(name, (current) => {
      decided.update = fn(current);
      return decided.update;
    });
    const { update } = decided;
    if (update !== undefined) report(() => update.events);
    return record;
  });

  add('createHold', (original) => async (hold) => {
    await original(hold);
    report(() => [toHoldEvent(hold)]);
  });
  // The store returns a hold unchanged when it had already left `pending`, so a resolution was
  // appended now only if the hold was pending just before and left it with this very resolution
  // (or expired at its time). Two identical calls racing in one millisecond could both pass.
  add('resolveHold', (original) => async (id, resolution) => {
    const wasPending = await isPending(target, id);
    const hold = await original(id, resolution);
    const isNew =
      wasPending &&
      hold !== undefined &&
      isResolvedAt(hold, resolution.at) &&
      (hold.state === 'expired' ||
        (hold.state === resolution.state && hold.resolvedBy === resolution.by));
    if (isNew) report(() => [toHoldResolvedEvent(hold)]);
    return hold;
  });
  add('expireHold', (original) => async (id, at) => {
    const wasPending = await isPending(target, id);
    const hold = await original(id, at);
    if (wasPending && hold?.state === 'expired' && isResolvedAt(hold, at)) {
      report(() => [toHoldResolvedEvent(hold)]);
    }
    return hold;
  });

  add('recordAnomaly', (original) => async (anomaly, event) => {
    const index = await original(anomaly, event);
    report(() => [event]);
    return index;
  });

  add('createAgentKey', (original) => async (record, event) => {
    await original(record, event);
    report(() => [event]);
  });
  add('revokeAgentKey', (original) => async (id, at, event) => {
    const isRevoked = await original(id, at, event);
    if (isRevoked) report(() => [event]);
    return isRevoked;
  });
  add('putUser', (original) => async (record, event) => {
    await original(record, event);
    report(() => [event]);
  });
  add('createUserToken', (original) => async (record, event) => {
    await original(record, event);
    report(() => [event]);
  });
  add('revokeUserToken', (original) => async (id, at, event) => {
    const isRevoked = await original(id, at, event);
    if (isRevoked) report(() => [event]);
    return isRevoked;
  });
  return wrappers;
}

/** Whether `property` is an own data property that can be neither changed nor redefined. */
function isFrozenOwn(target: object, property: PropertyKey): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(target, property);
  return (
    descriptor !== undefined && descriptor.configurable !== true && descriptor.writable !== true
  );
}

/** Whether the hold `id` is pending now; false when it cannot be read (then nothing is counted). */
async function isPending(target: object, id: string): Promise<boolean> {
  const { getHold } = target as Partial<Pick<HoldStore, 'getHold'>>;
  if (getHold === undefined) return false;
  try {
    return (await getHold.call(target, id))?.state === 'pending';
  } catch {
    return false;
  }
}

function isResolvedAt(hold: Hold, at: number): boolean {
  return hold.state !== 'pending' && hold.resolvedAt === at;
}

function toSeconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}

/** Runs a metrics update; a fault in it must not turn a stored entry into a failed call. */
function quietly(update: () => void): void {
  try {
    update();
  } catch {
    // Metrics are best effort; the audit log, not the metrics, is the record.
  }
}
