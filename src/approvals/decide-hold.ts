/**
 * A human approves or denies one held call (DESIGN §9), from the CLI or the console. Only a pending
 * hold before its expiry is resolved, through the store's compare-and-set (which also records the
 * `hold-resolved` entry); one already resolved or expired is left as it is and reported.
 */
import type { Hold, HoldResolution, HoldStore } from '../store/ports.js';
import { HOLD_ID_PATTERN, isResolvedAs } from './hold.js';

/** The outcome of {@link decideHold}. */
export interface HoldDecision {
  /** The hold as stored afterwards. */
  hold: Hold;
  /** True when this very resolution was stored (not an earlier one, not an expiry). */
  isResolved: boolean;
  /** The hold was pending when asked: something was recorded (a resolution or an expiry). */
  wasPending: boolean;
}

/**
 * Resolves hold `id` as `resolution` says; undefined when no hold has that id (a malformed id is
 * never looked up).
 * @throws StoreError on a store fault.
 */
export async function decideHold(
  store: HoldStore,
  id: string,
  resolution: HoldResolution,
): Promise<HoldDecision | undefined> {
  if (!HOLD_ID_PATTERN.test(id)) return undefined;
  const before = await store.getHold(id);
  if (before === undefined) return undefined;
  const wasPending = before.state === 'pending';
  const hold = wasPending ? await store.resolveHold(id, resolution) : before;
  if (hold === undefined) return undefined;
  return { hold, isResolved: wasPending && isResolvedAs(hold, resolution), wasPending };
}
