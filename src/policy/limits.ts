/**
 * Evaluation bounds (fail closed). Arguments are measured once, lazily, the first time a rule or
 * the egress check needs to look inside them; if they exceed a bound the call is denied with
 * rule id `limits` instead of being evaluated on a partial view.
 */
import type { JsonValue } from '../surface/types.js';
import { DEFAULT_MAX_SELECT_VISITS } from './jsonpath-select.js';
import type { PolicyLimits } from './rule.js';

/**
 * Defaults: 10,000 JSON values and depth 64 (the gateway's default parse depth) cover real tool
 * arguments with a wide margin; 100,000 visits per JSONPath selection lets `$..a` run over the
 * largest accepted arguments several times; 4 Mi code units and 10,000 distinct hosts bound the
 * egress scan.
 */
export const DEFAULT_POLICY_LIMITS: PolicyLimits = Object.freeze({
  maxArgumentNodes: 10_000,
  maxArgumentDepth: 64,
  maxSelectVisits: DEFAULT_MAX_SELECT_VISITS,
  maxScanChars: 4 * 1024 * 1024,
  maxHosts: 10_000,
});

/** Reason given to the agent when the arguments exceed a bound. */
export const TOO_LARGE_REASON = 'arguments too large to evaluate';

/**
 * Whether `value` stays within `maxNodes` JSON values and `maxDepth` levels. Iterative, and stops
 * as soon as a bound is crossed, so its cost is bounded by the limits, not by the input.
 */
export function isWithinLimits(value: JsonValue, maxNodes: number, maxDepth: number): boolean {
  // Level by level: no per-node allocation, and depth is the level number.
  let level: JsonValue[] = [value];
  let nodes = 0;
  for (let depth = 1; level.length > 0; depth++) {
    nodes += level.length;
    if (depth > maxDepth || nodes > maxNodes) return false;
    const next: JsonValue[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      for (const child of Array.isArray(v) ? v : Object.values(v)) next.push(child);
      if (nodes + next.length > maxNodes) return false;
    }
    level = next;
  }
  return true;
}
