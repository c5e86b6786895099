/**
 * Make text a reviewer could not see explicit (DESIGN §1 "Hiding", §5 "a diff for reviewers").
 *
 * Attacker-controlled input: the scanner walks code points once, never backtracks, and every
 * look-ahead is bounded, so the work is linear in the length of the text.
 */

import type { HiddenKind } from './hidden-chars.js';
import {
  ansiEscapeEnd,
  classifySingle,
  hex,
  inRange,
  isHorizontalSpace,
  isTag,
  isVariationSelector,
  isWordChar,
  SCRIPT_NAMES,
  scriptOf,
  toPrintableAscii,
} from './hidden-chars.js';

export type { HiddenKind } from './hidden-chars.js';
/** A span of hidden content, as UTF-16 offsets into the scanned text (`end` exclusive). */
export interface HiddenSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: HiddenKind;
}

/** More horizontal whitespace than this in one run is shown as padding. */
const MAX_SPACES = 20;
/** This many line breaks in one whitespace run (five blank lines) are shown as padding. */
const MIN_PADDING_NEWLINES = 6;

type Emit = (start: number, end: number, kind: HiddenKind, marker: string) => void;

/** ESC at `i`: a CSI (`ESC [ … final`), an OSC (`ESC ] … BEL|ESC \\`), or a two-byte escape. */
function scanEscape(text: string, i: number, emit: Emit): number {
  const end = ansiEscapeEnd(text, i);
  if (end === i + 1) {
    emit(i, end, 'control', '⟦U+001B ESC⟧');
  } else if (text.charCodeAt(i + 1) !== 0x5d) {
    emit(i, end, 'ansi', `⟦ESC${text.slice(i + 1, end)}⟧`);
  } else if (text.charCodeAt(end - 1) === 0x07) {
    emit(i, end, 'ansi', `⟦ESC${toPrintableAscii(text.slice(i + 1, end - 1))} BEL⟧`);
  } else {
    emit(i, end, 'ansi', `⟦ESC${toPrintableAscii(text.slice(i + 1, end - 2))} ESC\\⟧`);
  }
  return end;
}

/** A whitespace run at `i`: long horizontal runs and many blank lines become padding markers. */
function scanWhitespace(text: string, i: number, emit: Emit): number {
  let end = i;
  let newlines = 0;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c === 0x0a) newlines++;
    else if (!(isHorizontalSpace(c) || (c === 0x0d && text.charCodeAt(end + 1) === 0x0a))) break;
  }
  if (newlines >= MIN_PADDING_NEWLINES) {
    emit(i, end, 'padding', `\n⟦${newlines - 1} blank lines⟧\n`);
    return end;
  }
  let lineStart = i;
  let onlySpaces = true;
  for (let k = i; k <= end; k++) {
    const c = k < end ? text.charCodeAt(k) : 0x0a;
    if (c === 0x0a || c === 0x0d) {
      const length = k - lineStart;
      if (length > MAX_SPACES) {
        emit(lineStart, k, 'padding', `⟦${length} ${onlySpaces ? 'spaces' : 'whitespace chars'}⟧`);
      }
      lineStart = k + 1;
      onlySpaces = true;
    } else if (c !== 0x20) {
      onlySpaces = false;
    }
  }
  return end;
}

/** A run of tag characters, decoded as the ASCII they smuggle. */
function scanTags(text: string, i: number, emit: Emit): number {
  let j = i;
  let decoded = '';
  for (let cp = text.codePointAt(j) ?? 0; isTag(cp); cp = text.codePointAt(j) ?? 0) {
    const value = cp - 0xe0000;
    if (value === 0x22 || value === 0x5c) decoded += `\\${String.fromCharCode(value)}`;
    else if (inRange(value, 0x20, 0x7e)) decoded += String.fromCharCode(value);
    else if (value === 0x7f) decoded += '<CANCEL>';
    else decoded += `<U+${hex(cp)}>`;
    j += 2;
  }
  emit(i, j, 'tag', `⟦TAGS:"${decoded}"⟧`);
  return j;
}

/** Variation selectors; a run can smuggle one byte per selector, so a run is decoded. */
function scanVariationSelectors(text: string, i: number, previous: number, emit: Emit): number {
  let j = i;
  const bytes: number[] = [];
  for (let cp = text.codePointAt(j) ?? 0; isVariationSelector(cp); cp = text.codePointAt(j) ?? 0) {
    bytes.push(cp <= 0xfe0f ? cp - 0xfe00 : cp - 0xe0100 + 16);
    j += cp > 0xffff ? 2 : 1;
  }
  const first = bytes[0] ?? 0;
  if (bytes.length === 1) {
    // A lone VS15/VS16 right after a visible symbol (emoji presentation, "⚠️") is ordinary text.
    if ((first === 14 || first === 15) && previous >= 0x2000) return j;
    emit(i, j, 'variation-selector', `⟦U+${hex(text.codePointAt(i) ?? 0)} VS${first + 1}⟧`);
    return j;
  }
  const shown = bytes
    .map((b) =>
      inRange(b, 0x20, 0x7e) && b !== 0x22
        ? String.fromCharCode(b)
        : `<${b.toString(16).toUpperCase().padStart(2, '0')}>`,
    )
    .join('');
  emit(i, j, 'variation-selector', `⟦${bytes.length} variation selectors:"${shown}"⟧`);
  return j;
}

/** A word of letters; marked when it mixes Latin, Cyrillic and Greek letters (homoglyphs). */
function scanWord(text: string, i: number, emit: Emit): number {
  let j = i;
  let scripts = 0;
  while (j < text.length) {
    const cp = text.codePointAt(j) ?? 0;
    if (!isWordChar(text, j, cp)) break;
    scripts |= scriptOf(cp);
    j += cp > 0xffff ? 2 : 1;
  }
  const names = SCRIPT_NAMES.filter(([bit]) => (scripts & bit) !== 0).map(([, name]) => name);
  if (names.length > 1) {
    emit(i, j, 'mixed-script', `⟦mixed-script ${names.join('+')}: "${text.slice(i, j)}"⟧`);
  }
  return j;
}

function scan(text: string, emit: Emit, shouldStop: () => boolean): void {
  let i = 0;
  let previous = -1;
  while (i < text.length && !shouldStop()) {
    const cp = text.codePointAt(i) ?? 0;
    const start = i;
    if (cp === 0x1b) i = scanEscape(text, i, emit);
    else if (
      cp === 0x0a ||
      isHorizontalSpace(cp) ||
      (cp === 0x0d && text.charCodeAt(i + 1) === 0x0a)
    )
      i = scanWhitespace(text, i, emit);
    else if (isTag(cp)) i = scanTags(text, i, emit);
    else if (isVariationSelector(cp)) i = scanVariationSelectors(text, i, previous, emit);
    else if (isWordChar(text, i, cp)) i = scanWord(text, i, emit);
    else {
      const single = classifySingle(cp);
      const width = cp > 0xffff ? 2 : 1;
      i += width;
      if (single !== undefined) {
        let count = 1;
        for (; text.codePointAt(i) === cp; i += width) count++;
        const [kind, name] = single;
        emit(start, i, kind, `⟦U+${hex(cp)} ${name}${count > 1 ? ` ×${count}` : ''}⟧`);
      } else {
        previous = cp;
        continue;
      }
    }
    previous = -1;
  }
}

/** Every span of `text` a reviewer could not see, in order and not overlapping. */
export function findHiddenSpans(text: string): HiddenSpan[] {
  const spans: HiddenSpan[] = [];
  scan(
    text,
    (start, end, kind) => spans.push({ start, end, kind }),
    () => false,
  );
  return spans;
}

/** Whether `text` holds anything a reviewer could not see. Stops at the first finding. */
export function hasHidden(text: string): boolean {
  let found = false;
  scan(
    text,
    () => {
      found = true;
    },
    () => found,
  );
  return found;
}

/**
 * `text` with every invisible, reordering, control, tag, private-use, padding and mixed-script
 * span replaced by an explicit `⟦…⟧` marker, e.g. `⟦U+200B ZWSP⟧`, `⟦TAGS:"ignore previous"⟧`,
 * `⟦ESC[31m⟧`, `⟦80 spaces⟧`, `⟦mixed-script Latin+Cyrillic: "pаypal"⟧`.
 */
export function toVisible(text: string): string {
  const parts: string[] = [];
  let last = 0;
  scan(
    text,
    (start, end, _kind, marker) => {
      parts.push(text.slice(last, start), marker);
      last = end;
    },
    () => false,
  );
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}
