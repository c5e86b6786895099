/**
 * The matching view of a string (DESIGN §1 "Hiding"): what a model would read once the tricks that
 * hide text from a reviewer or from naive matching are undone. Rules match phrases on this view and
 * map every match back to UTF-16 offsets of the original through `starts`/`ends`.
 *
 * Folding, in one left-to-right pass over code points (attacker-controlled input; each step looks
 * ahead a bounded amount, so the work is linear):
 * - ASCII letters are lower-cased; every whitespace run (and LSEP/PSEP/NEL, Unicode spaces) becomes
 *   one space;
 * - Unicode tag characters (U+E0020–E007E) are decoded to the ASCII they smuggle;
 * - zero-width, bidi, variation-selector, soft-hyphen, control and private-use characters and ANSI
 *   escape sequences are dropped;
 * - fullwidth forms, mathematical alphanumerics and Cyrillic/Greek look-alikes fold to ASCII;
 *   accents are stripped from Latin letters; typographic quotes and dashes become ASCII.
 */

import {
  ansiEscapeEnd,
  classifySingle,
  inRange,
  isHorizontalSpace,
  isTag,
  isVariationSelector,
} from '../../surface/hidden-chars.js';
import { CONFUSABLES, TYPOGRAPHIC } from './confusables.js';

/** A folded string and, per folded UTF-16 unit, the original offsets it came from. */
export interface FoldedText {
  /** The folded text (lower-case, hidden characters removed, look-alikes folded). */
  readonly text: string;
  /** `starts[i]`: offset in the original of the character that produced folded unit `i`. */
  readonly starts: Int32Array;
  /** `ends[i]`: end offset (exclusive) in the original of that character. */
  readonly ends: Int32Array;
  /**
   * Whether the original may hold something surface/visible.ts would mark: a non-ASCII or control
   * character, or a whitespace run long enough to be padding. False means `findHiddenSpans` would
   * find nothing.
   */
  readonly mayHide: boolean;
  /** Whether the folded text still has letters beyond Latin (Greek, Cyrillic, CJK…). */
  readonly nonLatin: boolean;
}

const DECODER = new TextDecoder('utf-16le');
const SPACE = 0x20;

/** Per-code-point results that need String normalization, computed once. */
const FOLD_CACHE = new Map<number, string>();

/** Accent-stripped or NFKC-folded form of a non-ASCII code point (cached), or itself. */
function slowFold(cp: number): string {
  const cached = FOLD_CACHE.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out = ch.toLowerCase();
  if (inRange(cp, 0xc0, 0x24f) || inRange(cp, 0x1e00, 0x1eff)) {
    const base = ch.normalize('NFD').charAt(0).toLowerCase();
    if (base.charCodeAt(0) < 0x80) out = base;
  } else if (
    inRange(cp, 0x1d400, 0x1d7ff) ||
    inRange(cp, 0x2100, 0x214f) ||
    inRange(cp, 0x2460, 0x24ff) ||
    inRange(cp, 0x1f130, 0x1f189) ||
    inRange(cp, 0x2070, 0x209f)
  ) {
    const folded = ch.normalize('NFKC').toLowerCase();
    if (folded.length <= 2 && isAsciiAlnum(folded)) out = folded;
  }
  if (out.length > 2) out = ch;
  if (FOLD_CACHE.size < 4096) FOLD_CACHE.set(cp, out);
  return out;
}

function isAsciiAlnum(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (!(inRange(c, 0x61, 0x7a) || inRange(c, 0x30, 0x39))) return false;
  }
  return s.length > 0;
}

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Scratch buffers shared by every call (scans are synchronous): folding writes here and copies the
 * used part out, so short strings cost no large allocation.
 */
let OUT = new Uint16Array(1024);
let STARTS = new Int32Array(1024);
let ENDS = new Int32Array(1024);
let length = 0;
let lastWasSpace = true;
let nonLatin = false;

function ensure(capacity: number): void {
  if (capacity <= OUT.length) return;
  const size = Math.max(capacity, OUT.length * 2);
  const out = new Uint16Array(size);
  out.set(OUT.subarray(0, length));
  OUT = out;
  const starts = new Int32Array(size);
  starts.set(STARTS.subarray(0, length));
  STARTS = starts;
  const ends = new Int32Array(size);
  ends.set(ENDS.subarray(0, length));
  ENDS = ends;
}

function emit(code: number, start: number, end: number): void {
  ensure(length + 4);
  if (code >= 0x370) nonLatin = true;
  if (code === SPACE) {
    if (lastWasSpace) return;
    lastWasSpace = true;
  } else {
    lastWasSpace = false;
  }
  OUT[length] = code;
  STARTS[length] = start;
  ENDS[length] = end;
  length++;
}

function emitString(s: string, start: number, end: number): void {
  for (let k = 0; k < s.length; k++) emit(s.charCodeAt(k), start, end);
}

function isAsciiLetter(c: number): boolean {
  return inRange(c, 0x41, 0x5a) || inRange(c, 0x61, 0x7a);
}

/**
 * A Cyrillic/Greek capital folds to the Latin capital it imitates only beside a Latin letter
 * (`ΙGNORE`); elsewhere it is lower-cased first, so Russian `Не` reads as `не`, not `he`.
 */
function confusableOf(cp: number, text: string, start: number, end: number): number | undefined {
  const direct = CONFUSABLES.get(cp);
  if (direct === undefined) return undefined;
  const lower = String.fromCodePoint(cp).toLowerCase().codePointAt(0) ?? cp;
  if (lower === cp) return direct;
  if (isAsciiLetter(text.charCodeAt(start - 1)) || isAsciiLetter(text.charCodeAt(end)))
    return direct;
  return CONFUSABLES.get(lower) ?? -lower;
}

/** Folds one non-ASCII code point `cp` that spans `[start, end)` of the original. */
function foldNonAscii(cp: number, start: number, end: number, text: string): void {
  if (inRange(cp, 0x3040, 0x9fff) || inRange(cp, 0xac00, 0xd7af)) {
    emit(cp, start, end); // kana, CJK ideographs, Hangul: kept as they are
    return;
  }
  if (isTag(cp)) {
    const value = cp - 0xe0000;
    if (inRange(value, 0x41, 0x5a)) emit(value + 32, start, end);
    else if (isAsciiSpace(value)) emit(SPACE, start, end);
    else if (inRange(value, 0x21, 0x7e)) emit(value, start, end);
    return;
  }
  if (isHorizontalSpace(cp) || cp === 0x85 || cp === 0x2028 || cp === 0x2029) {
    emit(SPACE, start, end);
    return;
  }
  if (inRange(cp, 0xff01, 0xff5e)) {
    const ascii = cp - 0xfee0;
    emit(inRange(ascii, 0x41, 0x5a) ? ascii + 32 : ascii, start, end);
    return;
  }
  const confusable = confusableOf(cp, text, start, end);
  if (confusable !== undefined) {
    emit(Math.abs(confusable), start, end);
    return;
  }
  const typographic = TYPOGRAPHIC.get(cp);
  if (typographic !== undefined) {
    emitString(typographic, start, end);
    return;
  }
  const single = classifySingle(cp);
  if (single !== undefined && single[0] !== 'marker-lookalike') return;
  if (isVariationSelector(cp)) return;
  if (cp < 0x3000 || cp > 0xffff) emitString(slowFold(cp), start, end);
  else emit(cp, start, end);
}

/** The string of the first `len` units of `units` (short strings skip the decoder's call cost). */
function toText(units: Uint16Array, len: number): string {
  if (len > 2048) return DECODER.decode(units.subarray(0, len));
  return String.fromCharCode.apply(null, units.subarray(0, len) as unknown as number[]);
}

/** Folds `text` (see the module comment). Linear in the length of `text`. */
export function foldText(text: string): FoldedText {
  const n = text.length;
  length = 0;
  lastWasSpace = true; // no leading space
  nonLatin = false;
  ensure(n + 8);
  // The ASCII path works on locals (module state is synced around the rare non-ASCII calls).
  let out = OUT;
  let starts = STARTS;
  let ends = ENDS;
  let len = 0;
  let space = true;
  let mayHide = false;
  let changed = false;
  let spaceRun = 0;
  let newlineRun = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c > 0x20 && c !== 0x7f) {
        spaceRun = 0;
        newlineRun = 0;
        if (c >= 0x41 && c <= 0x5a) {
          out[len] = c + 32;
          changed = true;
        } else {
          out[len] = c;
        }
        starts[len] = i;
        ends[len] = i + 1;
        len++;
        space = false;
      } else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        if (c === 0x0a) {
          newlineRun++;
          spaceRun = 0;
        } else if (c !== 0x0d) spaceRun++;
        if (spaceRun > 20 || newlineRun >= 6) mayHide = true;
        if ((c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) || c === 0x0b || c === 0x0c)
          mayHide = true;
        if (c !== 0x20 || space) changed = true;
        if (!space) {
          out[len] = SPACE;
          starts[len] = i;
          ends[len] = i + 1;
          len++;
          space = true;
        }
      } else {
        mayHide = true;
        changed = true;
        if (c === 0x1b) {
          i = ansiEscapeEnd(text, i);
          continue;
        }
      }
      i++;
      continue;
    }
    mayHide = true;
    changed = true;
    spaceRun = 0;
    newlineRun = 0;
    const cp = text.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    length = len;
    lastWasSpace = space;
    foldNonAscii(cp, i, i + width, text);
    len = length;
    space = lastWasSpace;
    // Folding may have grown the buffers; leave room for the rest of the text.
    ensure(len + (n - i) + 8);
    out = OUT;
    starts = STARTS;
    ends = ENDS;
    i += width;
  }
  if (len > 0 && out[len - 1] === SPACE) len--;
  const folded = !changed && len === n ? text : toText(out, len);
  return {
    text: folded,
    starts: starts.slice(0, len + 1),
    ends: ends.slice(0, len + 1),
    mayHide,
    nonLatin,
  };
}

/** The original span of folded units `[from, to)`, as UTF-16 offsets of the original text. */
export function originalSpan(
  folded: FoldedText,
  from: number,
  to: number,
): { start: number; end: number } {
  if (to <= from) return { start: 0, end: 0 };
  return { start: folded.starts[from] ?? 0, end: folded.ends[to - 1] ?? 0 };
}
