/**
 * Builders for the detections of check.ts. Messages are Holdfast's own sentences; evidence holds
 * only numbers, limits, fingerprint entries and hostnames (printable ASCII, cut short), or the
 * output scanner's evidence, which the risk engine has already made visible and masked.
 */
import type { Finding } from '../risk/types.js';
import { listSome, toSafeText } from './safe-text.js';
import type { Detection } from './types.js';
import type { WalkLimits } from './walk-result.js';

/** Distinct scanner rules reported per result (the first finding of each). */
const MAX_SCANNER_DETECTIONS = 16;
/** Entries named in one detection's evidence. */
const SHOWN = 5;

/** Why a result could not be checked completely. */
export type OverLimit = 'text' | 'nodes' | 'depth' | 'hosts';

/** `output-injection` / `output-secret`: one detection per scanner rule that fired. */
export function toScannerDetections(findings: readonly Finding[]): Detection[] {
  const detections: Detection[] = [];
  const rules = new Set<string>();
  for (const finding of findings) {
    if (rules.has(finding.ruleId)) continue;
    rules.add(finding.ruleId);
    detections.push({
      kind: finding.ruleId === 'output-secret' ? 'output-secret' : 'output-injection',
      message: finding.message,
      evidence: finding.evidence,
      ruleId: finding.ruleId,
    });
    if (detections.length >= MAX_SCANNER_DETECTIONS) break;
  }
  return detections;
}

/** `shape`: the result is past a walk limit, so it was not checked completely. */
export function toTooLargeDetection(
  over: OverLimit,
  limits: WalkLimits & { maxHostsPerResult: number },
): Detection {
  const evidence: Record<OverLimit, string> = {
    text: `over ${limits.maxTextChars} characters of text (only the first were scanned)`,
    nodes: `over ${limits.maxNodes} JSON nodes`,
    depth: `structuredContent nested deeper than ${limits.maxDepth}`,
    hosts: `over ${limits.maxHostsPerResult} distinct URL hosts`,
  };
  return {
    kind: 'shape',
    message: 'The result is too large to check completely',
    evidence: evidence[over],
    ruleId: null,
  };
}

/** `shape`: content types or structuredContent paths never seen while learning. */
export function toShapeDetection(types: readonly string[], paths: readonly string[]): Detection {
  const parts: string[] = [];
  if (types.length > 0) parts.push(`new content types: ${listSome(types, SHOWN)}`);
  if (paths.length > 0) {
    parts.push(`new structuredContent paths: ${listSome(paths.map(safeEntry), SHOWN)}`);
  }
  return {
    kind: 'shape',
    message: 'The result has a shape never seen while learning',
    evidence: parts.join('; '),
    ruleId: null,
  };
}

/** `new-host`: URL hosts never seen while learning. */
export function toNewHostDetection(hosts: readonly string[]): Detection {
  return {
    kind: 'new-host',
    message: 'The result links to hosts never seen while learning',
    evidence: listSome(hosts.map(safeEntry), SHOWN),
    ruleId: null,
  };
}

/** `size` / `latency`: far above the learned distribution. */
export function toOutlierDetection(
  kind: 'size' | 'latency',
  value: number,
  band: string,
): Detection {
  return kind === 'size'
    ? {
        kind,
        message: 'The result is far larger than this tool has returned before',
        evidence: `${Math.round(value)} bytes; ${band}`,
        ruleId: null,
      }
    : {
        kind,
        message: 'The tool answered far more slowly than it has before',
        evidence: `${Math.round(value)} ms; ${band}`,
        ruleId: null,
      };
}

/** `error-rate`: recent errors well above the learned rate. */
export function toErrorRateDetection(errors: number, window: number, learned: number): Detection {
  return {
    kind: 'error-rate',
    message: 'The tool fails far more often than it did while learning',
    evidence: `${errors} errors in the last ${window} calls; learned rate ${Math.round(learned * 100)}%`,
    ruleId: null,
  };
}

function safeEntry(entry: string): string {
  return toSafeText(entry, 128);
}
