/** Time source, injected so tests control it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The wall clock. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };
