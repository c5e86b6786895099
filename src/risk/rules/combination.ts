/**
 * Family `combination`: independent signals that meet in one definition. A directive to the
 * model, a secret target, a destination, concealment and hidden text are each weak alone (real
 * tools say "you must", mention API keys, link URLs); together they are the shape of an attack.
 *
 * Points (capped at 50), one finding naming the facets that met:
 * - instruction (directive, override or cross-tool) + secret: 20
 * - secret + destination (sink): 25
 * - instruction + destination: 10
 * - concealment + anything else: 15
 * - hidden text + instruction, secret, destination or concealment: 15
 */

import type { Facet, RuleHit } from '../rule.js';

const CAP = 50;

/** The combination hit for the facets found in one definition, if any. */
export function combinationHit(hits: readonly RuleHit[]): RuleHit | undefined {
  const facets = new Set<Facet>();
  for (const hit of hits) if (hit.facet !== undefined && hit.weight > 0) facets.add(hit.facet);
  const instruction = facets.has('directive') || facets.has('override') || facets.has('cross-tool');
  const secret = facets.has('secret');
  const sink = facets.has('sink');
  const concealment = facets.has('concealment');
  const hidden = facets.has('hidden');
  let points = 0;
  if (instruction && secret) points += 20;
  if (secret && sink) points += 25;
  if (instruction && sink) points += 10;
  if (concealment && (instruction || secret || sink || hidden)) points += 15;
  if (hidden && (instruction || secret || sink || concealment)) points += 15;
  if (points === 0) return undefined;
  const names = [...facets].sort();
  return {
    ruleId: 'combination',
    weight: Math.min(points, CAP),
    message: `independent signals meet: ${names.join(' + ')}`,
    pointer: '',
    span: { start: 0, end: 0 },
  };
}
