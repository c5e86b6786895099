/**
 * Learning and checking a bounded fingerprint set (content types, structuredContent paths, URL
 * hosts). Membership tests use a Set built once per frozen entries array and cached by identity:
 * a learned profile's arrays do not change, so after learning each check is a hash lookup.
 */
import type { Fingerprint } from './profile.js';
import { createFingerprint } from './profile.js';

const SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

function setOf(entries: readonly string[]): ReadonlySet<string> {
  if (!Object.isFrozen(entries)) return new Set(entries);
  let set = SETS.get(entries);
  if (set === undefined) {
    set = new Set(entries);
    SETS.set(entries, set);
  }
  return set;
}

/** The entries of `seen` that `fingerprint` does not hold, in order. */
export function findNovel(fingerprint: Fingerprint, seen: readonly string[]): string[] {
  if (seen.length === 0) return [];
  const known = setOf(fingerprint.entries);
  return seen.filter((entry) => !known.has(entry));
}

/**
 * Whether learning showed the fingerprint to be open-ended: it overflowed, or it kept growing in
 * more than `fraction` of the learning calls (keys that are data, a tool that fetches any site).
 */
export function isOpen(fingerprint: Fingerprint, learnedCalls: number, fraction: number): boolean {
  return fingerprint.overflowed || fingerprint.noveltyCalls > learnedCalls * fraction;
}

/** `fingerprint` with `seen` added, up to `max` entries (past it, `overflowed`). */
export function learn(fingerprint: Fingerprint, seen: readonly string[], max: number): Fingerprint {
  const novel = findNovel(fingerprint, seen);
  if (novel.length === 0) return fingerprint;
  const room = Math.max(0, max - fingerprint.entries.length);
  const isOverflow = fingerprint.overflowed || novel.length > room;
  const added = novel.slice(0, room);
  return createFingerprint(
    added.length === 0 ? fingerprint.entries : [...fingerprint.entries, ...added],
    fingerprint.noveltyCalls + (fingerprint.entries.length > 0 ? 1 : 0),
    isOverflow,
  );
}
