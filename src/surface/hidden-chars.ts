/**
 * Tables and per-code-point tests for visible.ts: which code points are hidden, their short
 * names, and the scripts used for the mixed-script (homoglyph) check. All tests are O(1).
 */

/** What kind of hidden content a span holds. */
export type HiddenKind =
  | 'zero-width'
  | 'bidi'
  | 'tag'
  | 'ansi'
  | 'control'
  | 'variation-selector'
  | 'private-use'
  | 'padding'
  | 'mixed-script'
  | 'marker-lookalike';

const SINGLES: ReadonlyMap<number, readonly [HiddenKind, string]> = new Map([
  [0x00ad, ['zero-width', 'SHY']],
  [0x034f, ['zero-width', 'CGJ']],
  [0x115f, ['zero-width', 'HANGUL FILLER']],
  [0x1160, ['zero-width', 'HANGUL FILLER']],
  [0x180e, ['zero-width', 'MVS']],
  [0x200b, ['zero-width', 'ZWSP']],
  [0x200c, ['zero-width', 'ZWNJ']],
  [0x200d, ['zero-width', 'ZWJ']],
  [0x200e, ['zero-width', 'LRM']],
  [0x200f, ['zero-width', 'RLM']],
  [0x2060, ['zero-width', 'WJ']],
  [0x2061, ['zero-width', 'FUNCTION APPLICATION']],
  [0x2062, ['zero-width', 'INVISIBLE TIMES']],
  [0x2063, ['zero-width', 'INVISIBLE SEPARATOR']],
  [0x2064, ['zero-width', 'INVISIBLE PLUS']],
  [0x3164, ['zero-width', 'HANGUL FILLER']],
  [0xfeff, ['zero-width', 'ZWNBSP']],
  [0xffa0, ['zero-width', 'HANGUL FILLER']],
  [0x061c, ['bidi', 'ALM']],
  [0x202a, ['bidi', 'LRE']],
  [0x202b, ['bidi', 'RLE']],
  [0x202c, ['bidi', 'PDF']],
  [0x202d, ['bidi', 'LRO']],
  [0x202e, ['bidi', 'RLO']],
  [0x2066, ['bidi', 'LRI']],
  [0x2067, ['bidi', 'RLI']],
  [0x2068, ['bidi', 'FSI']],
  [0x2069, ['bidi', 'PDI']],
  [0x2028, ['control', 'LSEP']],
  [0x2029, ['control', 'PSEP']],
  [0xfff9, ['control', 'IAA']],
  [0xfffa, ['control', 'IAS']],
  [0xfffb, ['control', 'IAT']],
  [0x27e6, ['marker-lookalike', '⟦']],
  [0x27e7, ['marker-lookalike', '⟧']],
]);

const CONTROL_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'NUL'],
  [0x07, 'BEL'],
  [0x08, 'BS'],
  [0x0b, 'VT'],
  [0x0c, 'FF'],
  [0x0d, 'CR'],
  [0x1b, 'ESC'],
  [0x7f, 'DEL'],
  [0x85, 'NEL'],
  [0x9b, 'CSI'],
]);

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;

export const hex = (cp: number): string => cp.toString(16).toUpperCase().padStart(4, '0');
export const inRange = (c: number, lo: number, hi: number): boolean => c >= lo && c <= hi;
/** Escape sequences longer than this are not parsed as one; their ESC stands alone. */
const MAX_ESCAPE = 256;

/**
 * End (exclusive) of the ANSI escape sequence whose ESC is at `i`: a CSI (`ESC [ … final`), an OSC
 * (`ESC ] … BEL|ESC \`) or a two-byte escape; `i + 1` when no whole sequence starts there.
 * Bounded look-ahead, so callers stay linear.
 */
export function ansiEscapeEnd(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  const limit = Math.min(text.length, i + MAX_ESCAPE);
  if (next === 0x5b) {
    let j = i + 2;
    while (j < limit && inRange(text.charCodeAt(j), 0x30, 0x3f)) j++;
    while (j < limit && inRange(text.charCodeAt(j), 0x20, 0x2f)) j++;
    if (j < limit && inRange(text.charCodeAt(j), 0x40, 0x7e)) return j + 1;
    return i + 1;
  }
  if (next === 0x5d) {
    for (let j = i + 2; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x07) return j + 1;
      if (c === 0x1b && text.charCodeAt(j + 1) === 0x5c) return j + 2;
    }
    return i + 1;
  }
  return inRange(next, 0x20, 0x7e) ? i + 2 : i + 1;
}
export const isTag = (cp: number): boolean => inRange(cp, 0xe0000, 0xe007f);
export const isVariationSelector = (cp: number): boolean =>
  inRange(cp, 0xfe00, 0xfe0f) || inRange(cp, 0xe0100, 0xe01ef);
export const isHorizontalSpace = (c: number): boolean =>
  c === 0x20 ||
  c === 0x09 ||
  c === 0xa0 ||
  c === 0x1680 ||
  inRange(c, 0x2000, 0x200a) ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000;

/** Printable ASCII as itself; anything else as `<U+XXXX>` so a marker never carries raw bytes. */
export function toPrintableAscii(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    out += inRange(cp, 0x20, 0x7e) ? ch : `<U+${hex(cp)}>`;
  }
  return out;
}

/** Kind and short name of a code point hidden on its own, if it is one. */
export function classifySingle(cp: number): readonly [HiddenKind, string] | undefined {
  const known = SINGLES.get(cp);
  if (known !== undefined) return known;
  if ((cp < 0x20 && cp !== 0x09 && cp !== 0x0a) || inRange(cp, 0x7f, 0x9f)) {
    return ['control', CONTROL_NAMES.get(cp) ?? 'CTRL'];
  }
  if (inRange(cp, 0xd800, 0xdfff)) return ['control', 'LONE SURROGATE'];
  if (inRange(cp, 0xe000, 0xf8ff) || inRange(cp, 0xf0000, 0x10fffd)) return ['private-use', 'PUA'];
  return undefined;
}

/** A bit for the script of a letter: 1 Latin, 2 Cyrillic, 4 Greek, 0 other. */
export function scriptOf(cp: number): number {
  if (inRange(cp, 0x41, 0x5a) || inRange(cp, 0x61, 0x7a)) return 1;
  if (inRange(cp, 0xc0, 0x24f) || inRange(cp, 0x1e00, 0x1eff)) return 1;
  if (inRange(cp, 0x400, 0x52f)) return 2;
  if (inRange(cp, 0x370, 0x3ff) || inRange(cp, 0x1f00, 0x1fff)) return 4;
  return 0;
}
/** The names of the script bits of {@link scriptOf}. */
export const SCRIPT_NAMES: readonly (readonly [number, string])[] = [
  [1, 'Latin'],
  [2, 'Cyrillic'],
  [4, 'Greek'],
];

/** Whether the code point at `i` is a letter or mark that is not itself hidden. */
export function isWordChar(text: string, i: number, cp: number): boolean {
  if (inRange(cp, 0x61, 0x7a) || inRange(cp, 0x41, 0x5a)) return true;
  if (cp < 0x80 || isVariationSelector(cp) || classifySingle(cp) !== undefined) return false;
  return LETTER_OR_MARK.test(text.slice(i, i + (cp > 0xffff ? 2 : 1)));
}
