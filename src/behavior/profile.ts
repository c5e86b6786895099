/**
 * A tool's learned behaviour (DESIGN §8) as a plain, versioned, JSON-serialisable value. Profiles
 * are immutable: every function here and in check.ts returns a new, frozen profile and shares the
 * parts that did not change, so callers can keep old versions and compare them.
 */
import type { JsonObject } from '../surface/types.js';

/** Welford's running mean and sum of squared deviations (population variance = m2 / n). */
export interface RunningStat {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
}

/**
 * A bounded set of fingerprint entries learned from results, kept in first-seen order.
 * `noveltyCalls` counts learning calls that added an entry to a non-empty set, and `overflowed`
 * says the set hit its bound; either way a fingerprint can turn out open-ended (see settings).
 */
export interface Fingerprint {
  readonly entries: readonly string[];
  readonly noveltyCalls: number;
  readonly overflowed: boolean;
}

/** The statistical kinds that are rate-limited: when each was last reported. */
export interface LastAlerts {
  /** Call number (1-based) of the last report, or 0 for never. */
  readonly size: number;
  readonly latency: number;
  readonly errorRate: number;
}

/** What Holdfast has learned about one tool. */
export interface ToolProfile {
  /** Format version. */
  readonly v: 1;
  /** Answers observed, learning included. */
  readonly calls: number;
  /** Answers observed while learning, and how many of them were errors. */
  readonly learnedCalls: number;
  readonly learnedErrors: number;
  /** Outcomes of the most recent calls as bits, newest in bit 0 (1 = error). */
  readonly recentErrors: number;
  /** How many low bits of `recentErrors` are filled. */
  readonly recentCount: number;
  /** Answer size in bytes, over successful results. */
  readonly size: RunningStat;
  /** Answer latency in ms, over successful results. */
  readonly latency: RunningStat;
  /** Content item types (`text`, `image`, `resource`, …; `?` for an item without a type). */
  readonly contentTypes: Fingerprint;
  /** `structuredContent` entries: `<type> $<pointer>`, arrays collapsed to `[]` (`string $/items/[]/name`). */
  readonly paths: Fingerprint;
  /** URL hosts, lowercase (punycode for internationalised names, canonical text for addresses). */
  readonly hosts: Fingerprint;
  readonly lastAlert: LastAlerts;
}

const EMPTY_STAT: RunningStat = Object.freeze({ n: 0, mean: 0, m2: 0 });

/** A fingerprint value, frozen. */
export function createFingerprint(
  entries: readonly string[],
  noveltyCalls: number,
  overflowed: boolean,
): Fingerprint {
  return Object.freeze({ entries: Object.freeze(entries), noveltyCalls, overflowed });
}

const EMPTY_FINGERPRINT = createFingerprint([], 0, false);

/** A profile that has seen nothing yet. */
export function createProfile(): ToolProfile {
  return Object.freeze({
    v: 1,
    calls: 0,
    learnedCalls: 0,
    learnedErrors: 0,
    recentErrors: 0,
    recentCount: 0,
    size: EMPTY_STAT,
    latency: EMPTY_STAT,
    contentTypes: EMPTY_FINGERPRINT,
    paths: EMPTY_FINGERPRINT,
    hosts: EMPTY_FINGERPRINT,
    lastAlert: Object.freeze({ size: 0, latency: 0, errorRate: 0 }),
  });
}

function toStatJson(stat: RunningStat): JsonObject {
  return { n: stat.n, mean: stat.mean, m2: stat.m2 };
}

function toFingerprintJson(fingerprint: Fingerprint): JsonObject {
  return {
    entries: [...fingerprint.entries],
    noveltyCalls: fingerprint.noveltyCalls,
    overflowed: fingerprint.overflowed,
  };
}

/** The profile as fresh JSON for storage; {@link parseProfile} reads it back. */
export function toProfileJson(profile: ToolProfile): JsonObject {
  return {
    v: profile.v,
    calls: profile.calls,
    learnedCalls: profile.learnedCalls,
    learnedErrors: profile.learnedErrors,
    recentErrors: profile.recentErrors,
    recentCount: profile.recentCount,
    size: toStatJson(profile.size),
    latency: toStatJson(profile.latency),
    contentTypes: toFingerprintJson(profile.contentTypes),
    paths: toFingerprintJson(profile.paths),
    hosts: toFingerprintJson(profile.hosts),
    lastAlert: {
      size: profile.lastAlert.size,
      latency: profile.lastAlert.latency,
      errorRate: profile.lastAlert.errorRate,
    },
  };
}
