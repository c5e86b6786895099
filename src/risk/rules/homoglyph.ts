/**
 * Family `homoglyph`: text that looks like one word and reads as another.
 *
 * - `homoglyph` (25; 35 in a name): a Latin word with Cyrillic or Greek look-alike letters inside
 *   (`pаypal`, `ignоre`). Words wholly in Cyrillic or Greek are ordinary text, and Greek letters
 *   that do not imitate Latin (the `α` of `TNFα`) do not count.
 * - `fullwidth-text` (15): runs of fullwidth Latin letters (fold to ASCII under NFKC).
 * - `math-alphanumerics` (20): runs of mathematical bold/italic/script letters (same trick).
 * The phrase rules already read through all three (text/fold.ts); these findings say the text was
 * disguised.
 */

import type { DefinitionRule, RuleHit } from '../rule.js';
import { isConfusable } from '../text/confusables.js';

function hasConfusable(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (isConfusable(text.charCodeAt(i))) return true;
  }
  return false;
}

function isFullwidthLetter(c: number): boolean {
  return (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
}

function isMathLetter(cp: number): boolean {
  return cp >= 0x1d400 && cp <= 0x1d7ff;
}

/** Runs of at least two disguised letters (fullwidth or mathematical), as hits. */
function disguisedRuns(text: string, pointer: string): RuleHit[] {
  const hits: RuleHit[] = [];
  let i = 0;
  while (i < text.length && hits.length < 8) {
    const cp = text.codePointAt(i) ?? 0;
    const fullwidth = isFullwidthLetter(cp);
    if (!fullwidth && !isMathLetter(cp)) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let letters = 0;
    while (i < text.length) {
      const c = text.codePointAt(i) ?? 0;
      if (fullwidth ? !(isFullwidthLetter(c) || c === 0x3000) : !(isMathLetter(c) || c === 0x20))
        break;
      if (c !== 0x20 && c !== 0x3000) letters++;
      i += c > 0xffff ? 2 : 1;
    }
    if (letters >= 2) {
      hits.push({
        ruleId: fullwidth ? 'fullwidth-text' : 'math-alphanumerics',
        weight: fullwidth ? 15 : 20,
        message: fullwidth
          ? 'fullwidth letters disguise ASCII words'
          : 'mathematical letters disguise ASCII words',
        pointer,
        span: { start, end: i },
        facet: 'hidden',
      });
    }
  }
  return hits;
}

/** The `homoglyph` family over every string of a definition. */
export const homoglyph: DefinitionRule = (input) => {
  const hits: RuleHit[] = [];
  for (const s of input.strings) {
    const text = s.original;
    for (const span of s.hidden) {
      if (span.kind !== 'mixed-script' || !hasConfusable(text, span.start, span.end)) continue;
      const isName = s.role === 'name';
      hits.push({
        ruleId: 'homoglyph',
        weight: isName ? 35 : 25,
        message: isName
          ? 'a name spells a Latin word with look-alike letters'
          : 'a word mixes Latin with look-alike Cyrillic/Greek letters',
        pointer: s.pointer,
        span: { start: span.start, end: span.end },
        facet: 'hidden',
      });
    }
    hits.push(...disguisedRuns(text, s.pointer));
  }
  return hits;
};
