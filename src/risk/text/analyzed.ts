/**
 * One string prepared for the rules: the original, its folded view (fold.ts) and its tokens, made
 * once and shared by every rule. Maps token ranges back to UTF-16 spans of the original.
 */

import { findHiddenSpans, type HiddenSpan } from '../../surface/visible.js';
import { type FoldedText, foldText, originalSpan } from './fold.js';
import { type Token, tokenize } from './tokens.js';

/** A string with its folded view and tokens. */
export interface AnalyzedText {
  readonly original: string;
  readonly folded: FoldedText;
  readonly tokens: readonly Token[];
}

/** Folds and tokenizes `text`. */
export function analyzeText(text: string): AnalyzedText {
  const folded = foldText(text);
  return { original: text, folded, tokens: tokenize(folded.text) };
}

/** The original span covered by tokens `[first, last]`. */
export function tokenSpan(
  text: AnalyzedText,
  first: number,
  last: number,
): { start: number; end: number } {
  const a = text.tokens[first];
  const b = text.tokens[last];
  if (a === undefined || b === undefined) return { start: 0, end: 0 };
  return originalSpan(text.folded, a.start, b.end);
}

/** The original span of folded offsets `[from, to)`. */
export function foldedSpan(
  text: AnalyzedText,
  from: number,
  to: number,
): { start: number; end: number } {
  return originalSpan(text.folded, from, to);
}

/**
 * Whether `text` may hold anything surface/visible.ts marks (non-ASCII or control characters,
 * padding-length whitespace runs). False means `findHiddenSpans(text)` is empty. One cheap pass.
 */
export function mayHide(text: string): boolean {
  let spaces = 0;
  let newlines = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20) {
      if (c >= 0x7f) return true;
      spaces = 0;
      newlines = 0;
    } else if (c === 0x20 || c === 0x09) {
      if (++spaces > 20) return true;
    } else if (c === 0x0a) {
      spaces = 0;
      if (++newlines >= 6) return true;
    } else if (c !== 0x0d || text.charCodeAt(i + 1) !== 0x0a) {
      return true;
    }
  }
  return false;
}

const HIDDEN = new WeakMap<AnalyzedText, readonly HiddenSpan[]>();

/** The hidden spans of the original (surface/visible.ts), computed once per analyzed text. */
export function hiddenSpansOf(text: AnalyzedText): readonly HiddenSpan[] {
  if (!text.folded.mayHide) return [];
  let spans = HIDDEN.get(text);
  if (spans === undefined) {
    spans = findHiddenSpans(text.original);
    HIDDEN.set(text, spans);
  }
  return spans;
}
