/**
 * Held calls (DESIGN §9): a `pending_approval` verdict holds a call until a human approves or
 * denies it, or until it expires (expiry denies). This file is pure: the hold factory, the state
 * machine both stores apply inside their transactions, and the shape check they apply to what they
 * store and read back.
 *
 * States: `pending` → `approved` | `denied` (a human, before `expiresAt`) | `expired` (the first
 * resolution or expiry check at or after `expiresAt`). Nothing leaves a resolved state (I5).
 */
import type { Clock } from '../shared/clock.js';
import { createId } from '../shared/ids.js';
import type { Hold, HoldResolution, HoldState } from '../store/ports.js';
import { isDigest } from '../surface/digest.js';

/** How long a call is held when the configuration says nothing: 5 minutes. */
export const DEFAULT_HOLD_TTL_MS = 5 * 60_000;
/** The longest a call may be held: 24 hours. */
export const MAX_HOLD_TTL_MS = 24 * 60 * 60_000;
/** A hold id: `hold_` and 1–64 URL-safe characters (`createId('hold')` makes 16). */
export const HOLD_ID_PATTERN = /^hold_[A-Za-z0-9_-]{1,64}$/;
/** Every state, for validating what a store reads back. */
export const HOLD_STATES: readonly HoldState[] = ['pending', 'approved', 'denied', 'expired'];

/** What the gateway knows when it holds a call; {@link createHold} adds id, times and state. */
export type HoldInput = Pick<
  Hold,
  | 'server'
  | 'method'
  | 'name'
  | 'principal'
  | 'definitionDigest'
  | 'argsDigest'
  | 'ruleId'
  | 'reason'
>;

/**
 * A new pending hold for `input`, created now and expiring `ttlMs` later, with a fresh random id.
 * @throws RangeError when `ttlMs` is not an integer in 1..{@link MAX_HOLD_TTL_MS} or the input is
 *   malformed (see {@link isHold}).
 */
export function createHold(input: HoldInput, clock: Clock, ttlMs: number): Hold {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_HOLD_TTL_MS) {
    throw new RangeError(
      `a hold's time to live must be an integer from 1 to ${MAX_HOLD_TTL_MS} ms`,
    );
  }
  const createdAt = clock.now();
  const hold: Hold = {
    id: createId('hold'),
    server: input.server,
    method: input.method,
    name: input.name,
    principal: input.principal,
    definitionDigest: input.definitionDigest,
    argsDigest: input.argsDigest,
    ruleId: input.ruleId,
    reason: input.reason,
    createdAt,
    expiresAt: createdAt + ttlMs,
    state: 'pending',
    resolvedBy: null,
    resolvedAt: null,
  };
  assertNewHold(hold);
  return hold;
}

/**
 * Whether `hold` has reached its expiry at `at` (whatever its state). A time that is not a number
 * (NaN) counts as expired: a broken clock must never keep a hold approvable (I3).
 */
export function isExpired(hold: Hold, at: number): boolean {
  return !(at < hold.expiresAt);
}

/**
 * Whether `hold` carries exactly `resolution` (state, who and when): the caller's own
 * compare-and-set won, rather than an earlier resolution or an expiry.
 */
export function isResolvedAs(hold: Hold, resolution: HoldResolution): boolean {
  return (
    hold.state === resolution.state &&
    hold.resolvedBy === resolution.by &&
    hold.resolvedAt === resolution.at
  );
}

/**
 * Checks a use of a callback nonce a store is asked to record (`HoldStore.useNonce`).
 * @throws RangeError for an empty nonce or times that are not safe integers.
 */
export function assertNonceUse(nonce: string, at: number, forgetBefore: number): void {
  if (nonce === '' || !Number.isSafeInteger(at) || !Number.isSafeInteger(forgetBefore)) {
    throw new RangeError('a nonce needs a value and integer times');
  }
}

/**
 * The state machine's one step for a human decision: a pending hold becomes `resolution.state`,
 * or `expired` when `at` is at or after its expiry (with `resolvedBy` null: nobody decided it).
 * Returns the new hold, or the very same object when nothing changes (already resolved), so a
 * store writes (and records) only when the result `!==` its input.
 * @throws RangeError for a malformed resolution.
 */
export function resolve(hold: Hold, resolution: HoldResolution): Hold {
  assertResolution(resolution);
  if (hold.state !== 'pending') return hold;
  if (isExpired(hold, resolution.at)) return toExpired(hold, resolution.at);
  return {
    ...hold,
    state: resolution.state,
    resolvedBy: resolution.by,
    resolvedAt: resolution.at,
  };
}

/**
 * The expiry step: a pending hold at or after its expiry becomes `expired`; anything else is
 * returned as the same object (see {@link resolve}).
 * @throws RangeError when `at` is not a safe integer.
 */
export function expire(hold: Hold, at: number): Hold {
  if (!Number.isSafeInteger(at)) throw new RangeError('an expiry check needs an integer time');
  return hold.state === 'pending' && isExpired(hold, at) ? toExpired(hold, at) : hold;
}

/**
 * Whether `value` is a well-formed {@link Hold} whose resolution fields agree with its state:
 * pending holds have none, approved and denied ones have both, expired ones a time only.
 */
export function isHold(value: unknown): value is Hold {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<keyof Hold, unknown>;
  const isShapeValid =
    typeof h.id === 'string' &&
    HOLD_ID_PATTERN.test(h.id) &&
    isNonEmpty(h.server) &&
    isNonEmpty(h.method) &&
    (h.name === null || typeof h.name === 'string') &&
    isNonEmpty(h.principal) &&
    (h.definitionDigest === null || isDigest(h.definitionDigest)) &&
    isDigest(h.argsDigest) &&
    isNonEmpty(h.ruleId) &&
    typeof h.reason === 'string' &&
    Number.isSafeInteger(h.createdAt) &&
    Number.isSafeInteger(h.expiresAt) &&
    (h.expiresAt as number) > (h.createdAt as number);
  if (!isShapeValid) return false;
  switch (h.state) {
    case 'pending':
      return h.resolvedBy === null && h.resolvedAt === null;
    case 'approved':
    case 'denied':
      return isNonEmpty(h.resolvedBy) && Number.isSafeInteger(h.resolvedAt);
    case 'expired':
      return h.resolvedBy === null && Number.isSafeInteger(h.resolvedAt);
    default:
      return false;
  }
}

/**
 * Checks a hold a store is asked to create.
 * @throws RangeError unless it is well-formed and pending.
 */
export function assertNewHold(hold: Hold): void {
  if (!isHold(hold)) throw new RangeError('a hold is malformed');
  if (hold.state !== 'pending') throw new RangeError('a new hold must be pending');
}

function assertResolution(resolution: HoldResolution): void {
  const { by, at } = resolution;
  // Typed, but checked: callers may pass anything at run time.
  const state: string = resolution.state;
  if (
    (state !== 'approved' && state !== 'denied') ||
    !isNonEmpty(by) ||
    !Number.isSafeInteger(at)
  ) {
    throw new RangeError('a hold resolution needs approved or denied, who, and an integer time');
  }
}

function toExpired(hold: Hold, at: number): Hold {
  return { ...hold, state: 'expired', resolvedBy: null, resolvedAt: at };
}

function isNonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
