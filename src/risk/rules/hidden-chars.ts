/**
 * Family `hidden-chars` (`invisible-chars`): characters a reviewer cannot see but a model reads —
 * Unicode tag characters (ASCII smuggling, 45), bidi controls (30), ANSI escapes (30), other
 * control characters (25), zero-width characters (25), variation-selector runs (40; a lone one
 * 10), private-use characters (10) and look-alikes of the reviewer's own markers (15). Found with
 * surface/visible.ts `findHiddenSpans`, over every string including names and keys.
 *
 * Not findings: the three emoji subdivision flags (England, Scotland, Wales) that are built from tag
 * characters, a zero-width joiner inside an emoji sequence, joiners and direction marks between
 * letters of scripts that need them (Arabic, Hebrew, Indic).
 */

import type { DefinitionRule, RuleHit } from '../rule.js';
import { hiddenSpanVerdict } from './hidden-verdict.js';

/** The `hidden-chars` family over every string of a definition. */
export const hiddenChars: DefinitionRule = (input) => {
  const hits: RuleHit[] = [];
  for (const s of input.strings) {
    for (const span of s.hidden) {
      const verdict = hiddenSpanVerdict(s.original, span, 'definition');
      if (verdict === undefined) continue;
      hits.push({
        ruleId: 'invisible-chars',
        weight: verdict.weight,
        message: verdict.message,
        pointer: s.pointer,
        span: { start: span.start, end: span.end },
        facet: 'hidden',
      });
    }
  }
  return hits;
};
