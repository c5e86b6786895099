/**
 * The `error-rate` detector's window: the outcomes of the last N calls (N ≤ 30) as the low bits of
 * one number, newest in bit 0, so the profile stays small plain JSON and each update is O(1).
 */

/** The window after one more outcome. */
export function pushOutcome(
  bits: number,
  filled: number,
  isError: boolean,
  size: number,
): { bits: number; filled: number } {
  const mask = 2 ** size - 1;
  return {
    bits: ((bits * 2) % (mask + 1)) + (isError ? 1 : 0),
    filled: Math.min(filled + 1, size),
  };
}

/** How many errors the low `filled` bits hold. */
export function countErrors(bits: number, filled: number): number {
  let errors = 0;
  let rest = bits;
  for (let i = 0; i < filled; i++) {
    errors += rest % 2;
    rest = Math.floor(rest / 2);
  }
  return errors;
}
