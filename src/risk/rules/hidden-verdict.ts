/**
 * How much a hidden span (surface/visible.ts) weighs, for definitions and for outputs. Outputs
 * are held to a looser standard: scraped web pages and files legitimately carry soft hyphens,
 * zero-width spaces, BOMs and direction marks; what is flagged there is what hides instructions
 * (tag characters, bidi overrides, non-colour ANSI escapes, zero-width characters inside a word).
 */

import type { HiddenSpan } from '../../surface/visible.js';

/** A hidden span's weight and explanation. */
export interface HiddenVerdict {
  readonly weight: number;
  readonly message: string;
}

/** RGI emoji subdivision flags (England, Scotland, Wales): tag bodies that render as a flag. */
const RGI_FLAG_BODIES = new Set(['gbeng', 'gbsct', 'gbwls']);
const BLACK_FLAG = 0x1f3f4;

function isRgiFlag(text: string, span: HiddenSpan): boolean {
  let before = span.start - 2;
  if (text.charCodeAt(span.start - 1) === 0xfe0f) before = span.start - 3;
  if (before < 0 || text.codePointAt(before) !== BLACK_FLAG) return false;
  let body = '';
  for (let i = span.start; i < span.end; i += 2) {
    const cp = (text.codePointAt(i) ?? 0) - 0xe0000;
    if (cp === 0x7f) return i + 2 === span.end && RGI_FLAG_BODIES.has(body);
    body += String.fromCharCode(cp);
  }
  return false;
}

function isLetterOfJoiningScript(cp: number): boolean {
  return (
    (cp >= 0x0590 && cp <= 0x08ff) || // Hebrew, Arabic, Syriac, Thaana
    (cp >= 0x0900 && cp <= 0x0dff) || // Indic
    (cp >= 0x0e00 && cp <= 0x0fff) || // Thai, Lao, Tibetan
    (cp >= 0x1000 && cp <= 0x109f) || // Myanmar
    (cp >= 0x1780 && cp <= 0x17ff) || // Khmer
    (cp >= 0xfb1d && cp <= 0xfeff)
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** The code point just before `start` (handles a surrogate pair), or -1. */
function cpBefore(text: string, start: number): number {
  if (start <= 0) return -1;
  const low = text.charCodeAt(start - 1);
  if (low >= 0xdc00 && low <= 0xdfff && start >= 2) return text.codePointAt(start - 2) ?? -1;
  return low;
}

function zeroWidth(
  text: string,
  span: HiddenSpan,
  carrier: 'definition' | 'output',
): HiddenVerdict | undefined {
  const before = cpBefore(text, span.start);
  const after = text.codePointAt(span.end) ?? -1;
  const first = text.charCodeAt(span.start);
  const count = span.end - span.start;
  if (first === 0x200d && before >= 0x2000 && after >= 0x2000) return undefined; // emoji sequence
  if (isLetterOfJoiningScript(before) || isLetterOfJoiningScript(after)) return undefined;
  if (first === 0xfeff && span.start === 0)
    return carrier === 'output'
      ? undefined
      : { weight: 10, message: 'a byte-order mark inside the text' };
  const inWord = isAsciiLetter(before) && isAsciiLetter(after);
  if (carrier === 'output') {
    if (first === 0x00ad) return undefined; // soft hyphens are hyphenation hints in scraped text
    if (inWord || count >= 3)
      return { weight: 25, message: 'zero-width characters split words (evades matching)' };
    return undefined;
  }
  return { weight: 25, message: 'zero-width characters hide text from review' };
}

function isColourOnly(text: string, span: HiddenSpan): boolean {
  // ESC [ digits/semicolons m  — select graphic rendition without conceal (8).
  const body = text.slice(span.start + 2, span.end - 1);
  if (text.charAt(span.start + 1) !== '[' || text.charAt(span.end - 1) !== 'm') return false;
  for (const part of body.split(';')) if (part === '8') return false;
  return true;
}

/** The verdict on one hidden span, or undefined when it is not a finding. */
export function hiddenSpanVerdict(
  text: string,
  span: HiddenSpan,
  carrier: 'definition' | 'output',
): HiddenVerdict | undefined {
  switch (span.kind) {
    case 'tag':
      if (isRgiFlag(text, span)) return undefined;
      return { weight: 45, message: 'Unicode tag characters smuggle invisible text' };
    case 'bidi':
      if (
        carrier === 'output' &&
        (text.charCodeAt(span.start) >= 0x2066 || text.charCodeAt(span.start) === 0x061c)
      ) {
        return undefined;
      }
      return { weight: 30, message: 'bidirectional controls reorder what a reviewer sees' };
    case 'ansi':
      if (carrier === 'output' && isColourOnly(text, span)) return undefined;
      return { weight: 30, message: 'ANSI escape sequences can hide or rewrite terminal text' };
    case 'control': {
      const c = text.charCodeAt(span.start);
      if (c === 0x0d || c === 0x0c || (carrier === 'output' && c === 0x08)) return undefined;
      return { weight: 25, message: 'control characters hide or rewrite text' };
    }
    case 'zero-width':
      return zeroWidth(text, span, carrier);
    case 'variation-selector':
      return span.end - span.start > 2
        ? { weight: 40, message: 'a run of variation selectors can encode hidden bytes' }
        : carrier === 'output'
          ? undefined
          : { weight: 10, message: 'a stray variation selector' };
    case 'private-use':
      return carrier === 'output'
        ? undefined
        : { weight: 10, message: 'private-use characters render as nothing or as icons' };
    case 'marker-lookalike':
      return { weight: 15, message: "imitates the reviewer's hidden-text markers ⟦ ⟧" };
    case 'padding':
    case 'mixed-script':
      return undefined;
  }
}
