/**
 * The cheap first pass of {@link scanOutputText} (output.ts): one keyword-automaton pass over the
 * raw text that also notes characters only the slow path understands. Most results contain none of
 * the keywords and only harmless characters, and are done after this pass.
 *
 * Keywords: for each output phrase pattern, the words of its most selective slot (every match of
 * the pattern contains one of them as a substring of the lower-cased text), the role markers, and
 * the secret anchors. Accented Latin letters are read as their base letter (as folding reads
 * them). "Suspicious" characters: ASCII controls other than tab/CR/LF, and every other non-ASCII
 * character except common punctuation, symbols, emoji and plain CJK text — Cyrillic, Greek,
 * fullwidth forms, invisible and tag characters all take the slow path, because folding may turn
 * them into a keyword. Plain CJK text is reported (`cjk`) so the caller looks up its keywords.
 */

import type { PhraseSpec } from './rules/phrase-rule.js';
import type { Automaton } from './text/automaton.js';
import { foldText } from './text/fold.js';

/** The keywords of a slot, or undefined when the slot cannot serve as a prefilter. */
function slotKeywords(slot: string): string[] | undefined {
  const words: string[] = [];
  for (const alternative of slot.split('|')) {
    const first = alternative.split('+')[0] ?? '';
    if (first.startsWith('$')) return undefined;
    const word = foldText(first.endsWith('*') ? first.slice(0, -1) : first).text;
    let ascii = true;
    for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) >= 0x80) ascii = false;
    if (!ascii) continue; // non-ASCII text is "suspicious" and always takes the slow path
    if (word.includes("'") || word.length < 2) return undefined;
    words.push(word);
  }
  return words;
}

/** Prefilter keywords for phrase specs: per pattern, the slot whose shortest word is longest. */
export function prefilterKeywords(specs: readonly PhraseSpec[]): string[] {
  const out = new Set<string>();
  for (const spec of specs) {
    if (spec.anchors !== undefined) {
      for (const a of spec.anchors.split('|')) if (a !== '') out.add(a);
      continue;
    }
    let best: string[] | undefined;
    let bestScore = -1;
    for (const slot of spec.pattern.split(' ')) {
      if (slot === '' || slot.startsWith('~')) continue;
      const words = slotKeywords(slot);
      if (words === undefined) continue;
      const score = words.length === 0 ? 100 : Math.min(...words.map((w) => w.length));
      if (score > bestScore) {
        best = words;
        bestScore = score;
      }
    }
    if (best === undefined) throw new Error(`no prefilter slot in pattern: ${spec.pattern}`);
    for (const w of best) out.add(w);
  }
  return [...out];
}

/** Whether a non-ASCII UTF-16 unit at `i` can be ignored by the prefilter. */
function isHarmless(text: string, i: number, c: number): boolean {
  if (c >= 0xa0 && c <= 0xbf) return c !== 0xad;
  if (c >= 0x2010 && c <= 0x2027) return true;
  if (c >= 0x2030 && c <= 0x205e) return true;
  if (c >= 0x20a0 && c <= 0x20cf) return true;
  if (c >= 0x2190 && c <= 0x23ff) return true;
  if (c >= 0x2500 && c <= 0x27bf) return true;
  if (c === 0xd83d || c === 0xd83e) return true;
  if (c === 0xd83c) {
    const low = text.charCodeAt(i + 1);
    return !(low >= 0xdd30 && low <= 0xdd89) && low !== 0xdff4;
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const high = text.charCodeAt(i - 1);
    return high >= 0xd83c && high <= 0xd83e;
  }
  return false;
}

/**
 * Latin letters with accents (U+00C0–U+017F) whose canonical decomposition starts with an ASCII
 * letter: the lower-case base letter's code, else 0. The first pass reads `é` as `e` (as folding
 * does), so accented Latin text needs no folding unless it holds a keyword.
 */
const ACCENT_BASE: Uint8Array = (() => {
  const table = new Uint8Array(0x180 - 0xc0);
  for (let c = 0xc0; c < 0x180; c++) {
    const decomposed = String.fromCharCode(c).normalize('NFD');
    const base = decomposed.charAt(0).toLowerCase().charCodeAt(0);
    if (decomposed.length > 1 && base >= 0x61 && base <= 0x7a) table[c - 0xc0] = base;
  }
  return table;
})();

/**
 * CJK scripts (kana, ideographs, Hangul) and CJK punctuation: folding leaves them unchanged, so
 * their keywords can be looked up in the raw text. Compatibility ideographs and halfwidth forms,
 * which folding rewrites, are not included.
 */
function isPlainCjk(c: number): boolean {
  return (
    (c >= 0x3000 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0xff01 && c <= 0xff0f && c !== 0xff0e) ||
    (c >= 0xff1a && c <= 0xff20)
  );
}

/** What the first pass found. */
export interface PrefilterResult {
  /**
   * The text has characters only the slow path understands (Cyrillic, look-alikes, invisible
   * characters, …). Accented Latin letters and plain CJK text are read by the first pass.
   */
  suspicious: boolean;
  /** The text has plain CJK characters (their keywords are looked up separately). */
  cjk: boolean;
  /** The text has characters surface/visible.ts marks as hidden (controls, invisibles, tags). */
  hidden: boolean;
  /** Keyword hits at word starts: keyword index and end offset. */
  hits: { keyword: number; end: number }[];
}

function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0xc0 && c < 0x180 && c !== 0xd7 && c !== 0xf7)
  );
}

/** Characters that are invisible or reorder text (zero-width, bidi, tags, variation selectors). */
function isHiddenUnit(c: number): boolean {
  return (
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x206f) ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    c === 0xfeff ||
    c === 0x00ad ||
    c === 0x061c ||
    c === 0x180e ||
    c === 0x034f ||
    c === 0xdb40 ||
    (c >= 0xe000 && c <= 0xf8ff) ||
    (c >= 0xfff9 && c <= 0xfffb) ||
    (c >= 0x80 && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029
  );
}

/**
 * Runs the automaton over `text` (whitespace runs read as one space), noting suspicious and
 * hidden characters. Keeps keyword hits that start a word. Linear; at most `limit` hits.
 */
export function prefilter(automaton: Automaton, text: string, limit = 256): PrefilterResult {
  const { classes, width, delta, outputs, keywords } = automaton;
  const space = classes[0x20] ?? 0;
  const hits: { keyword: number; end: number }[] = [];
  let suspicious = false;
  let cjk = false;
  let hidden = false;
  let state = 0;
  let previousSpace = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let cls = 0;
    if (c < 0x80) {
      if (c <= 0x20) {
        if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
          if (previousSpace) continue;
          previousSpace = true;
          cls = space;
        } else {
          hidden = true;
          suspicious = true;
          previousSpace = false;
        }
      } else {
        previousSpace = false;
        cls = classes[c] ?? 0;
        if (c === 0x7f) hidden = suspicious = true;
      }
    } else {
      previousSpace = false;
      const base = c < 0x180 && c >= 0xc0 ? (ACCENT_BASE[c - 0xc0] ?? 0) : 0;
      if (base !== 0) cls = classes[base] ?? 0;
      else if (isPlainCjk(c)) cjk = true;
      else if (isHiddenUnit(c)) hidden = suspicious = true;
      else if (!suspicious && !isHarmless(text, i, c)) suspicious = true;
    }
    state = delta[state * width + cls] ?? 0;
    const out = outputs[state];
    if (out !== undefined && hits.length < limit) {
      for (const keyword of out) {
        if (isKeywordStart(text, i + 1, keywords[keyword] ?? ''))
          hits.push({ keyword, end: i + 1 });
      }
    }
  }
  return { suspicious, cjk, hidden, hits };
}

/**
 * Whether the keyword ending at `end` starts a word. Keywords starting with a non-word character
 * (`<system`, `-----begin`) need no boundary. Walks back over the keyword's own characters, where
 * one space in the keyword may have stood for a run of whitespace.
 */
function isKeywordStart(text: string, end: number, keyword: string): boolean {
  if (!isWordChar(keyword.charCodeAt(0))) return true;
  let i = end;
  for (let k = keyword.length - 1; k >= 0; k--) {
    i--;
    if (keyword.charCodeAt(k) === 0x20) {
      while (i > 0 && text.charCodeAt(i - 1) <= 0x20) i--;
    }
  }
  return i <= 0 || !isWordChar(text.charCodeAt(i - 1));
}
