/**
 * From rule hits to findings and a score: per-rule caps (so one family cannot dominate by
 * repetition), at most {@link MAX_FINDINGS_PER_RULE} findings per rule, evidence from each hit's
 * span, and the order findings are shown in (weight descending, then pointer).
 */

import { evidenceOf } from './evidence.js';
import type { RuleHit } from './rule.js';
import type { Finding } from './types.js';

/** Most points one rule can add to a definition's score. */
export const RULE_CAPS: Readonly<Record<string, number>> = {
  'instruction-override': 60,
  'role-override': 45,
  'prompt-leak': 30,
  'role-tag': 30,
  'directive-block': 30,
  'model-directive': 15,
  concealment: 50,
  'sensitive-path': 35,
  'secret-request': 40,
  'credential-phishing': 45,
  'exfil-param-name': 35,
  'exfil-param-description': 35,
  'hidden-required-param': 25,
  'param-smuggling': 30,
  'send-to-destination': 25,
  'exfil-host': 30,
  'raw-ip-url': 25,
  'url-userinfo': 15,
  'hostile-host': 25,
  'invisible-chars': 60,
  homoglyph: 40,
  'fullwidth-text': 20,
  'math-alphanumerics': 25,
  'shadowed-name': 35,
  'other-tool-reference': 40,
  'tool-behaviour-override': 35,
  'destructive-annotation': 3,
  'misleading-annotation': 20,
  'open-schema': 2,
  'free-form-command': 4,
  padding: 25,
  'excessive-length': 12,
  combination: 50,
};
const DEFAULT_CAP = 30;

/** Findings kept per rule and definition (the rest add nothing once the cap is reached). */
export const MAX_FINDINGS_PER_RULE = 8;

/** Orders findings: weight descending, then pointer, span start, rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  if (a.pointer !== b.pointer) return a.pointer < b.pointer ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

function compareHits(a: RuleHit, b: RuleHit): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  if (a.pointer !== b.pointer) return a.pointer < b.pointer ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/**
 * Findings for `hits`, capped per rule, sorted. `textAt` gives the original string at a pointer
 * (for evidence); hits at pointers without a string show their own evidence or none.
 */
export function toFindings(
  hits: readonly RuleHit[],
  textAt: (pointer: string) => string | undefined,
): Finding[] {
  const byRule = new Map<string, RuleHit[]>();
  const seen = new Set<string>();
  // Where two hits of one rule cover the same span, the heavier one is kept.
  for (const hit of [...hits].sort((a, b) => b.weight - a.weight)) {
    const id = `${hit.ruleId}\u0000${hit.pointer}\u0000${String(hit.span.start)}\u0000${String(hit.span.end)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    byRule.set(hit.ruleId, [...(byRule.get(hit.ruleId) ?? []), hit]);
  }
  const findings: Finding[] = [];
  for (const [ruleId, ruleHits] of byRule) {
    let remaining = RULE_CAPS[ruleId] ?? DEFAULT_CAP;
    for (const hit of ruleHits.sort(compareHits).slice(0, MAX_FINDINGS_PER_RULE)) {
      const weight = Math.max(0, Math.min(hit.weight, remaining));
      remaining -= weight;
      const text = textAt(hit.pointer);
      findings.push({
        ruleId,
        weight,
        message: hit.message,
        pointer: hit.pointer,
        span: { start: hit.span.start, end: hit.span.end },
        evidence:
          hit.evidence ??
          (text === undefined ? '' : evidenceOf(text, hit.span.start, hit.span.end)),
      });
    }
  }
  return findings.sort(compareFindings);
}

/** The score of a definition: the sum of its (capped) finding weights. */
export function scoreOf(findings: readonly Finding[]): number {
  return findings.reduce((sum, f) => sum + f.weight, 0);
}
