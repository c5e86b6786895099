/**
 * Family `padding`: text pushed out of view.
 *
 * - `padding` (8–20): long whitespace runs (80+ spaces on a line, 10+ newlines; milder from 40
 *   spaces or 6 newlines) followed by more text — the classic way to hide a payload below the
 *   fold of an approval dialog. Indentation (a few dozen spaces) is not padding.
 * - `excessive-length` (5–12): a single text longer than 4,000 (12,000) characters, more than a
 *   reviewer reads.
 */

import type { DefinitionRule, RuleHit } from '../rule.js';
import { proseStrings } from '../rule.js';

const STRONG = { spaces: 80, newlines: 10 } as const;
const MILD = { spaces: 40, newlines: 6 } as const;
const LONG = { mild: 4000, strong: 12000 } as const;

function measure(text: string, start: number, end: number): { spaces: number; newlines: number } {
  let spaces = 0;
  let newlines = 0;
  let run = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      newlines++;
      run = 0;
    } else if (c !== 0x0d) {
      run++;
      if (run > spaces) spaces = run;
    }
  }
  return { spaces, newlines };
}

function hasTextAfter(text: string, end: number): boolean {
  for (let i = end; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0x3000 && c !== 0xa0) return true;
  }
  return false;
}

/** The `padding` family over every prose string of a definition. */
export const padding: DefinitionRule = (input) => {
  const hits: RuleHit[] = [];
  for (const s of proseStrings(input)) {
    const text = s.original;
    for (const span of s.hidden) {
      if (span.kind !== 'padding' || !hasTextAfter(text, span.end)) continue;
      const { spaces, newlines } = measure(text, span.start, span.end);
      const strong = spaces >= STRONG.spaces || newlines >= STRONG.newlines;
      if (!strong && spaces < MILD.spaces && newlines < MILD.newlines) continue;
      hits.push({
        ruleId: 'padding',
        weight: strong ? 20 : 8,
        message: `whitespace padding (${String(newlines)} line breaks, ${String(spaces)} spaces) pushes text out of view`,
        pointer: s.pointer,
        span: { start: span.start, end: span.end },
        ...(strong ? { facet: 'hidden' as const } : {}),
      });
    }
    if (text.length > LONG.mild) {
      hits.push({
        ruleId: 'excessive-length',
        weight: text.length > LONG.strong ? 12 : 5,
        message: `${String(text.length)} characters: longer than a reviewer reads`,
        pointer: s.pointer,
        span: { start: LONG.mild, end: Math.min(text.length, LONG.mild + 40) },
      });
    }
  }
  return hits;
};
