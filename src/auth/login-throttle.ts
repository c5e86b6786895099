/**
 * Password guessing brake for console logins (issue 6; docs/auth.md §Throttling): after 5 failed
 * logins for one user name within 15 minutes, further attempts for that name are refused (HTTP 429)
 * until the oldest of those failures is 15 minutes old. Unknown names are counted like real ones,
 * so the brake does not reveal which names exist. The table is bounded; when it is full, names with
 * stale failures go first, then names that are not blocked, and a blocked name only as a last resort.
 */
import type { Clock } from '../shared/clock.js';

/** Options for {@link createLoginThrottle}. */
export interface LoginThrottleOptions {
  clock: Clock;
  /** Failures within the window that block a name. Default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Most names tracked at once. Default 10000. */
  maxTracked?: number;
}

/** Failure counts per user name. */
export interface LoginThrottle {
  /** Whole seconds until `user` may try again; 0 when a try is allowed now. */
  retryAfterS(user: string): number;
  /** Counts a failed login for `user`. */
  recordFailure(user: string): void;
  /** Forgets the failures of `user` after a successful login. */
  recordSuccess(user: string): void;
  /** Names tracked now. */
  readonly size: number;
}

export const DEFAULT_MAX_FAILURES = 5;
export const DEFAULT_WINDOW_MS = 15 * 60 * 1000;
export const DEFAULT_MAX_TRACKED = 10_000;

/** Creates an empty throttle. */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { clock } = options;
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxTracked = options.maxTracked ?? DEFAULT_MAX_TRACKED;
  for (const value of [maxFailures, windowMs, maxTracked]) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError('bad throttle settings');
  }
  /** Per name, the times of its latest failures (at most `maxFailures`), oldest first. */
  const failures = new Map<string, number[]>();

  /** The failures of `user` still inside the window; forgets the name when none are. */
  const recent = (user: string, now: number): number[] => {
    const times = failures.get(user);
    if (times === undefined) return [];
    const live = times.filter((at) => at > now - windowMs);
    if (live.length === 0) failures.delete(user);
    else if (live.length !== times.length) failures.set(user, live);
    return live;
  };

  const makeRoom = (now: number): void => {
    for (const user of [...failures.keys()]) recent(user, now);
    if (failures.size < maxTracked) return;
    // Insertion order is first-failure order: drop the oldest name that is not blocked.
    for (const [user, times] of failures) {
      if (times.length < maxFailures) {
        failures.delete(user);
        return;
      }
    }
    const oldest = failures.keys().next();
    if (oldest.done !== true) failures.delete(oldest.value);
  };

  return {
    retryAfterS(user) {
      const now = clock.now();
      const live = recent(user, now);
      const oldest = live[0];
      if (live.length < maxFailures || oldest === undefined) return 0;
      return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    },
    recordFailure(user) {
      const now = clock.now();
      const live = recent(user, now);
      if (live.length === 0 && failures.size >= maxTracked) makeRoom(now);
      live.push(now);
      failures.set(user, live.slice(-maxFailures));
    },
    recordSuccess(user) {
      failures.delete(user);
    },
    get size() {
      return failures.size;
    },
  };
}
