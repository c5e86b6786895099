/**
 * Damping for secrets named without anything else: a definition that only refers to secrets —
 * no instruction to the model, no destination, no concealment, no hidden text, no reference to
 * other tools — is a tool that reads a sensitive file for its own stated, local purpose (a dotenv
 * linter, an SSH client). Its `sensitive-path` and `secret-request` points together stay below
 * high ({@link LONE_SECRET_CAP}); anything that combines with them lifts the cap.
 */

import type { RuleHit } from '../rule.js';

/** Most points `sensitive-path` + `secret-request` add to a definition with no other facet. */
export const LONE_SECRET_CAP = 40;

const DAMPED = new Set(['sensitive-path', 'secret-request']);

/** `hits` with the damped rules' weights reduced when secrets are the definition's only facet. */
export function dampLoneSecrets(hits: readonly RuleHit[]): RuleHit[] {
  const alone = hits.every((h) => h.weight <= 0 || h.facet === undefined || h.facet === 'secret');
  if (!alone) return [...hits];
  let remaining = LONE_SECRET_CAP;
  const order = hits
    .map((h, i) => ({ h, i }))
    .filter(({ h }) => DAMPED.has(h.ruleId))
    .sort((a, b) => b.h.weight - a.h.weight || a.i - b.i);
  const weights = new Map<number, number>();
  for (const { h, i } of order) {
    const w = Math.max(0, Math.min(h.weight, remaining));
    remaining -= w;
    weights.set(i, w);
  }
  return hits.map((h, i) => {
    const w = weights.get(i);
    return w === undefined || w === h.weight ? h : { ...h, weight: w };
  });
}
