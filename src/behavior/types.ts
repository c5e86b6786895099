/**
 * The behaviour monitor's vocabulary (DESIGN §8): what a check looks at, and what it reports.
 */
import type { Finding } from '../risk/types.js';
import type { JsonObject } from '../surface/types.js';
import type { ToolProfile } from './profile.js';

/**
 * The detectors, one per kind of deviation. The gateway maps each kind to an action.
 * - `output-schema`: `structuredContent` missing or not valid against the pinned `outputSchema`;
 * - `output-injection` / `output-secret`: the output scanner found instruction-like or secret-like
 *   text in what the model would read;
 * - `shape`: a content type or a `structuredContent` path/type never seen while learning, or a
 *   result too large or too deep to check;
 * - `new-host`: a URL host never seen while learning;
 * - `size` / `latency`: far above the learned distribution;
 * - `error-rate`: recent errors well above the learned rate.
 */
export const ANOMALY_KINDS = [
  'output-schema',
  'output-injection',
  'output-secret',
  'shape',
  'new-host',
  'size',
  'latency',
  'error-rate',
] as const;
/** One of {@link ANOMALY_KINDS}. */
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** What the relay saw of one `tools/call` answer. */
export interface ResultObservation {
  /** The tools/call result object when the server answered with a JSON-RPC result; undefined for a JSON-RPC error. */
  result: JsonObject | undefined;
  /** Wall time from forward to answer, in ms. */
  durationMs: number;
  /** Byte size of the answer as received (the relay knows it). */
  bytes: number;
  /** The tool's pinned outputSchema (from the approved definition), if it declares one. */
  outputSchema: JsonObject | undefined;
}

/**
 * One deviation. `message` is Holdfast's sentence; `evidence` is safe to log and show (paths,
 * keywords, hostnames, numbers, or the scanner's visible and masked span), never a raw value.
 * `ruleId` is the scanner rule for `output-injection`/`output-secret`, otherwise null.
 */
export interface Detection {
  kind: AnomalyKind;
  message: string;
  evidence: string;
  ruleId: string | null;
}

/**
 * The risk engine's output scanner (`scanOutputText`): `ruleId === 'output-secret'` means
 * secret-like text, any other rule instruction-like text. If it throws, the check throws.
 */
export type OutputScanner = (text: string) => Finding[];

/** The result of {@link checkResult}: what deviated, and the profile to store next. */
export interface CheckOutcome {
  detections: Detection[];
  profile: ToolProfile;
}
