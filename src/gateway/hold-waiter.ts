/**
 * Waiting on a held call (DESIGN §9): the hold is stored (and audited) first, then resolved by
 * whoever answers first — `holdfast resolve`, the signed callback, the console, or the client's
 * user through MCP elicitation — or it expires, which denies. The wait polls the shared store,
 * so a resolution by another process is seen within one poll interval.
 */
import type { HoldInput } from '../approvals/index.js';
import { createHold } from '../approvals/index.js';
import type { Clock } from '../shared/clock.js';
import type { Hold, HoldStore } from '../store/ports.js';

/** Options for {@link awaitHold}. */
export interface HoldWaitOptions {
  store: HoldStore;
  clock: Clock;
  log: (line: string) => void;
  ttlMs: number;
  pollMs: number;
  progressIntervalMs: number;
  /**
   * Asks the client's user in-band (MCP elicitation), when the client supports it: resolves true
   * (approve), false (deny), or undefined (no usable answer: keep waiting for another path).
   */
  elicit: ((hold: Hold) => Promise<boolean | undefined>) | undefined;
  /** Tells a client that asked for progress that the call is still waiting. */
  progress: ((step: number, message: string) => Promise<void>) | undefined;
  /**
   * Why nobody is waiting for the answer any more (`client-cancelled`, `session-closed`), or
   * undefined while someone is. An abandoned hold is denied at once, so it never runs later.
   */
  abandoned: () => string | undefined;
}

/**
 * Stores a new hold for `input` and waits until it is resolved, expires, or is abandoned (then it
 * is denied). Returns the hold in its final state: `approved`, `denied` or `expired`.
 * @throws StoreError when the hold cannot be stored (the caller denies: I3).
 */
export async function awaitHold(input: HoldInput, options: HoldWaitOptions): Promise<Hold> {
  const { store, clock, log } = options;
  const created = createHold(input, clock, options.ttlMs);
  await store.createHold(created);
  log(
    `held a ${input.method} to "${input.server}" for approval: holdfast resolve ${created.id} --approve|--deny`,
  );
  if (options.elicit !== undefined) void askUser(created, options);
  let current = created;
  let step = 0;
  let nextProgress = clock.now() + options.progressIntervalMs;
  while (current.state === 'pending') {
    const gone = options.abandoned();
    if (gone !== undefined) {
      return (
        (await store.resolveHold(created.id, { state: 'denied', by: gone, at: clock.now() })) ??
        current
      );
    }
    await sleep(options.pollMs);
    const now = clock.now();
    try {
      current =
        now >= current.expiresAt
          ? ((await store.expireHold(current.id, now)) ?? current)
          : ((await store.getHold(current.id)) ?? current);
    } catch (error) {
      log(`could not read hold ${created.id}: ${(error as Error).message}`);
      if (now >= current.expiresAt) return { ...current, state: 'expired' };
      continue;
    }
    if (current.state === 'pending' && options.progress !== undefined && now >= nextProgress) {
      step += 1;
      nextProgress = now + options.progressIntervalMs;
      const left = Math.max(0, Math.ceil((current.expiresAt - now) / 1000));
      await options.progress(
        step,
        `waiting for a human to approve this call (holdfast resolve ${created.id} --approve); ${left} s left`,
      );
    }
  }
  return current;
}

async function askUser(hold: Hold, options: HoldWaitOptions): Promise<void> {
  try {
    const answer = await options.elicit?.(hold);
    if (answer === undefined) return;
    await options.store.resolveHold(hold.id, {
      state: answer ? 'approved' : 'denied',
      by: 'elicitation',
      at: options.clock.now(),
    });
  } catch (error) {
    options.log(`asking the user about hold ${hold.id} failed: ${(error as Error).message}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}
