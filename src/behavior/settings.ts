/**
 * Tunables of the behaviour monitor, with defaults chosen so a stable tool stays quiet: the
 * statistical detectors need a value to be far out on every measure at once (σ, ratio and an
 * absolute slack), and a repeat of the same statistical kind is reported at most once per
 * `alertEveryCalls` calls.
 */
import { BehaviorError } from './errors.js';

/** Settings for {@link checkResult}. Every field is required; start from the defaults. */
export interface BehaviorSettings {
  /** Calls a tool's profile learns from before shape, host and statistical detectors run. */
  learnCalls: number;
  /** Most characters of model-readable text scanned per result (1 Mi UTF-16 units). */
  maxTextChars: number;
  /** Most JSON nodes (content items plus `structuredContent` values) walked per result. */
  maxNodes: number;
  /** Deepest `structuredContent` nesting walked (the root object is depth 1). */
  maxDepth: number;
  /** Most distinct URL hosts read from one result. */
  maxHostsPerResult: number;
  /** Most `structuredContent` path/type entries a profile keeps. */
  maxPaths: number;
  /** Most URL hosts a profile keeps. */
  maxHosts: number;
  /** Most content types a profile keeps. */
  maxContentTypes: number;
  /**
   * A fingerprint (paths, hosts) that kept growing in more than this fraction of learning calls
   * is open-ended (map-like keys, a fetch tool's many sites): novelty in it is not reported.
   */
  openNoveltyFraction: number;
  /** `size`/`latency`: the value must exceed mean + this many standard deviations… */
  sigmas: number;
  /** …and this multiple of the mean… */
  ratio: number;
  /** …and the mean plus this many bytes (`size`)… */
  sizeSlackBytes: number;
  /** …or plus this many milliseconds (`latency`). */
  latencySlackMs: number;
  /** `error-rate`: the window of most recent calls (at most 30). */
  errorWindow: number;
  /** `error-rate`: the window's rate must exceed the learned rate by this much… */
  errorMargin: number;
  /** …with at least this many errors in the window. */
  minWindowErrors: number;
  /** A statistical kind (`size`, `latency`, `error-rate`) is reported at most once per this many calls. */
  alertEveryCalls: number;
}

/** The defaults: learn over 20 calls, 6σ/4×, 16 KiB and 2 s slack, +0.5 over 20 calls. */
export const DEFAULT_BEHAVIOR_SETTINGS: BehaviorSettings = Object.freeze({
  learnCalls: 20,
  maxTextChars: 1024 * 1024,
  maxNodes: 10_000,
  maxDepth: 64,
  maxHostsPerResult: 256,
  maxPaths: 256,
  maxHosts: 256,
  maxContentTypes: 32,
  openNoveltyFraction: 0.25,
  sigmas: 6,
  ratio: 4,
  sizeSlackBytes: 16 * 1024,
  latencySlackMs: 2_000,
  errorWindow: 20,
  errorMargin: 0.5,
  minWindowErrors: 5,
  alertEveryCalls: 50,
});

/** Largest fingerprint a profile may hold, whatever the settings (also bounds parseProfile). */
export const MAX_FINGERPRINT_ENTRIES = 4096;
/** Largest error window: the window is kept as the low bits of one number. */
export const MAX_ERROR_WINDOW = 30;

const INTEGER_FIELDS = [
  ['learnCalls', 0, Number.MAX_SAFE_INTEGER],
  ['maxTextChars', 1, 256 * 1024 * 1024],
  ['maxNodes', 1, 10_000_000],
  ['maxDepth', 1, 10_000],
  ['maxHostsPerResult', 1, MAX_FINGERPRINT_ENTRIES],
  ['maxPaths', 1, MAX_FINGERPRINT_ENTRIES],
  ['maxHosts', 1, MAX_FINGERPRINT_ENTRIES],
  ['maxContentTypes', 1, MAX_FINGERPRINT_ENTRIES],
  ['errorWindow', 1, MAX_ERROR_WINDOW],
  ['minWindowErrors', 1, MAX_ERROR_WINDOW],
  ['alertEveryCalls', 1, Number.MAX_SAFE_INTEGER],
] as const;

const REAL_FIELDS = [
  ['openNoveltyFraction', 0, 1],
  ['sigmas', 0, 1e6],
  ['ratio', 0, 1e6],
  ['sizeSlackBytes', 0, Number.MAX_SAFE_INTEGER],
  ['latencySlackMs', 0, Number.MAX_SAFE_INTEGER],
  ['errorMargin', 0, 1],
] as const;

/** Throws `BEHAVIOR_CHECK_FAILED` unless every setting is a number in its range. */
export function verifySettings(settings: BehaviorSettings): void {
  for (const [field, min, max] of INTEGER_FIELDS) {
    const value = settings[field];
    if (!Number.isInteger(value) || value < min || value > max) throw badSetting(field);
  }
  for (const [field, min, max] of REAL_FIELDS) {
    const value = settings[field];
    if (typeof value !== 'number' || !(value >= min && value <= max)) throw badSetting(field);
  }
}

function badSetting(field: string): BehaviorError {
  return new BehaviorError('BEHAVIOR_CHECK_FAILED', `Behaviour setting ${field} is out of range`, {
    details: { field },
  });
}
