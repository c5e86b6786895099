/**
 * `checkResult`: one `tools/call` answer against the tool's profile (DESIGN §8). Pure and
 * deterministic: no clock (the duration comes in the observation), no I/O, the input profile is
 * never changed; the next profile is returned as a new frozen value for the caller to store.
 *
 * Always, learning or not: `output-schema`, `output-injection`, `output-secret`, and a `shape`
 * detection when the result is past a walk limit (a result too large to check is reported, never
 * passed). While `profile.calls < learnCalls` the fingerprints and statistics learn and nothing
 * else is reported. After that:
 * - `shape` / `new-host` report every result that carries a content type, path/type or URL host
 *   not learned (unless learning showed that fingerprint to be open-ended). Novelty is never
 *   learned afterwards: learning it would let an automatic path turn an anomaly into normal (the
 *   spirit of I5), and an action such as `withhold` must apply to every result that deviates.
 *   `isError` results are skipped for the shape fingerprint (error results look different by
 *   nature; `error-rate` covers them), not for hosts.
 * - `size` / `latency` (successful results only) report values far above the learned
 *   distribution. The statistics keep adapting after learning, but only with values that are not
 *   outliers: a workload that drifts slowly is absorbed (the running mean weighs each new value
 *   1/n, so drift is slow to move it), while a jump keeps being reported and never trains the
 *   baseline. Reports of each kind are rate-limited to one per `alertEveryCalls` calls.
 * - `error-rate` compares the last `errorWindow` calls with the error rate learned (frozen at the
 *   end of learning), rate-limited the same way.
 */
import type { OverLimit } from './detections.js';
import {
  toErrorRateDetection,
  toNewHostDetection,
  toOutlierDetection,
  toScannerDetections,
  toShapeDetection,
  toTooLargeDetection,
} from './detections.js';
import { countErrors, pushOutcome } from './error-window.js';
import { BehaviorError } from './errors.js';
import { findNovel, isOpen, learn } from './fingerprint.js';
import { checkOutputSchema } from './output-schema.js';
import type { LastAlerts, ToolProfile } from './profile.js';
import { addSample, describeBand, isOutlier } from './running-stat.js';
import type { BehaviorSettings } from './settings.js';
import { verifySettings } from './settings.js';
import type { CheckOutcome, Detection, OutputScanner, ResultObservation } from './types.js';
import { findUrlHosts } from './url-hosts.js';
import type { ResultWalk } from './walk-result.js';
import { walkResult } from './walk-result.js';

/** Hostnames are stored cut to this length (a DNS name has at most 253 characters). */
const MAX_HOST_CHARS = 256;
const NO_WALK: ResultWalk = { texts: [], contentTypes: [], paths: [], overLimit: undefined };

function verifyObservation(observation: ResultObservation): void {
  for (const field of ['durationMs', 'bytes'] as const) {
    const value = observation[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new BehaviorError(
        'BEHAVIOR_CHECK_FAILED',
        `Observation ${field} is not a valid number`,
        {
          details: { field },
        },
      );
    }
  }
}

/** The statistical detectors: which observation field each reads and its slack setting. */
const STAT_DETECTORS = [
  { kind: 'size', field: 'bytes', slack: 'sizeSlackBytes' },
  { kind: 'latency', field: 'durationMs', slack: 'latencySlackMs' },
] as const;

/**
 * Checks one answer against `profile` and returns what deviated and the next profile.
 * @throws BehaviorError `BEHAVIOR_CHECK_FAILED` for settings out of range or a negative or
 *   non-finite duration or size; whatever `scanner` throws (the caller fails closed).
 */
export function checkResult(
  profile: ToolProfile,
  observation: ResultObservation,
  settings: BehaviorSettings,
  scanner: OutputScanner,
): CheckOutcome {
  verifySettings(settings);
  verifyObservation(observation);
  const { result } = observation;
  const call = profile.calls + 1;
  const isChecking = profile.calls >= settings.learnCalls;
  const isError = result === undefined || result['isError'] === true;
  const detections: Detection[] = [];

  // What the model would read, in one bounded walk; then everything that looks at text.
  const walk = result === undefined ? NO_WALK : walkResult(result, settings);
  const text = walk.texts.length === 1 ? (walk.texts[0] ?? '') : walk.texts.join('\n');
  const urls =
    text === '' ? { hosts: [], isFull: false } : findUrlHosts(text, settings.maxHostsPerResult);
  const hosts = urls.hosts.map((host) => host.slice(0, MAX_HOST_CHARS));

  if (result !== undefined && observation.outputSchema !== undefined) {
    const isBounded = walk.overLimit !== 'nodes' && walk.overLimit !== 'depth';
    const schema = checkOutputSchema(result, observation.outputSchema, isBounded);
    if (schema !== undefined) detections.push(schema);
  }
  const over: OverLimit | undefined = walk.overLimit ?? (urls.isFull ? 'hosts' : undefined);
  if (over !== undefined) detections.push(toTooLargeDetection(over, settings));
  if (text !== '') detections.push(...toScannerDetections(scanner(text)));

  // Fingerprints: learned while learning, compared afterwards.
  let { contentTypes, paths, hosts: knownHosts } = profile;
  const fraction = settings.openNoveltyFraction;
  if (!isChecking) {
    if (!isError) {
      contentTypes = learn(contentTypes, walk.contentTypes, settings.maxContentTypes);
      paths = learn(paths, walk.paths, settings.maxPaths);
    }
    knownHosts = learn(knownHosts, hosts, settings.maxHosts);
  } else {
    if (!isError) {
      const newTypes = isOpen(contentTypes, profile.learnedCalls, fraction)
        ? []
        : findNovel(contentTypes, walk.contentTypes);
      const newPaths = isOpen(paths, profile.learnedCalls, fraction)
        ? []
        : findNovel(paths, walk.paths);
      if (newTypes.length > 0 || newPaths.length > 0) {
        detections.push(toShapeDetection(newTypes, newPaths));
      }
    }
    if (!isOpen(knownHosts, profile.learnedCalls, fraction)) {
      const newHosts = findNovel(knownHosts, hosts);
      if (newHosts.length > 0) detections.push(toNewHostDetection(newHosts));
    }
  }

  // Statistics of successful results; reports rate-limited per kind.
  const isAllowed = (last: number): boolean =>
    last === 0 || call - last >= settings.alertEveryCalls;
  const stats = { size: profile.size, latency: profile.latency };
  const lastAlert: { -readonly [K in keyof LastAlerts]: number } = { ...profile.lastAlert };
  if (!isError) {
    // Each detector reports an outlier (rate-limited) or learns the value.
    for (const { kind, field, slack } of STAT_DETECTORS) {
      const stat = stats[kind];
      const value = observation[field];
      const band = { sigmas: settings.sigmas, ratio: settings.ratio, slack: settings[slack] };
      if (!isChecking || !isOutlier(stat, value, band)) {
        stats[kind] = addSample(stat, value);
      } else if (isAllowed(lastAlert[kind])) {
        detections.push(toOutlierDetection(kind, value, describeBand(stat, band)));
        lastAlert[kind] = call;
      }
    }
  }

  // Error rate over the last calls against the rate learned.
  const window = pushOutcome(
    profile.recentErrors,
    profile.recentCount,
    isError,
    settings.errorWindow,
  );
  const learnedCalls = profile.learnedCalls + (isChecking ? 0 : 1);
  const learnedErrors = profile.learnedErrors + (!isChecking && isError ? 1 : 0);
  if (isChecking && isAllowed(lastAlert.errorRate)) {
    const errors = countErrors(window.bits, window.filled);
    const learnedRate = learnedCalls === 0 ? 0 : learnedErrors / learnedCalls;
    if (
      errors >= settings.minWindowErrors &&
      errors / window.filled > learnedRate + settings.errorMargin
    ) {
      detections.push(toErrorRateDetection(errors, window.filled, learnedRate));
      lastAlert.errorRate = call;
    }
  }

  const next: ToolProfile = Object.freeze({
    v: 1,
    calls: call,
    learnedCalls,
    learnedErrors,
    recentErrors: window.bits,
    recentCount: window.filled,
    size: stats.size,
    latency: stats.latency,
    contentTypes,
    paths,
    hosts: knownHosts,
    lastAlert: Object.freeze(lastAlert),
  });
  return { detections, profile: next };
}
