/**
 * Splits folded text (fold.ts) into the tokens phrase patterns match: words, URLs, e-mail
 * addresses, paths, and sentence stops (which phrase gaps never cross). One pass; linear.
 *
 * - A whitespace-separated chunk that is a URL (`scheme://…`, `www.…`), an e-mail address or a
 *   path (`~/…`, `/etc/…`, `.env`, `C:\…`) is one token, trimmed of surrounding quotes/brackets.
 * - Otherwise a chunk splits into words of letters, digits, `_` and inner apostrophes; a trailing
 *   `'s` becomes its own token. Each CJK character is a word of its own.
 * - `.`, `!`, `?`, `;` at the end of a chunk (before a space or the end) are stops.
 */

/** What a token is. */
export type TokenKind = 'word' | 'url' | 'email' | 'path' | 'stop';

/** One token: its text in the folded string and its folded offsets (`end` exclusive). */
export interface Token {
  readonly text: string;
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
}

const TRIM_LEAD = new Set(['"', "'", '`', '(', '[', '{', '<', '*']);
const TRIM_TAIL = new Set(['"', "'", '`', ')', ']', '}', '>', ',', '*', ':']);
const STOPS = new Set(['.', '!', '?', ';']);

function isCjk(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0xf900 && c <= 0xfaff)
  );
}

/** Letters, digits, `_`, and non-ASCII letters (not general punctuation). */
function isWordUnit(c: number): boolean {
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0x41 && c <= 0x5a)
    );
  }
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  return !(c >= 0xd800 && c <= 0xdfff);
}

function chunkKind(chunk: string): TokenKind | undefined {
  if (chunk.includes('://') || chunk.startsWith('www.')) return 'url';
  const at = chunk.indexOf('@');
  if (at > 0 && chunk.indexOf('.', at) > at + 1 && !chunk.includes('/')) return 'email';
  const first = chunk.charCodeAt(0);
  if (chunk.startsWith('~/') || chunk.startsWith('~\\') || first === 0x2f) {
    return chunk.length > 1 ? 'path' : undefined;
  }
  const slash = chunk.indexOf('/');
  if (slash > 0 && (chunk.includes('.') || chunk.indexOf('/', slash + 1) > 0)) return 'path';
  if (first === 0x2e && chunk.length > 1 && isWordUnit(chunk.charCodeAt(1))) return 'path';
  if (chunk.length > 2 && chunk.charCodeAt(1) === 0x3a && chunk.charCodeAt(2) === 0x5c)
    return 'path';
  return undefined;
}

/** Whether a chunk has a character that could make it a URL, e-mail address or path. */
function mayBeSpecial(text: string, from: number, to: number): boolean {
  if (text.charCodeAt(from) === 0x2e || text.charCodeAt(from) === 0x7e) return true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2f || c === 0x3a || c === 0x40 || c === 0x5c) return true;
  }
  return false;
}

function splitWords(text: string, from: number, to: number, push: (t: Token) => void): void {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isCjk(c)) {
      push({ text: text.charAt(i), kind: 'word', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (!isWordUnit(c)) {
      if (STOPS.has(text.charAt(i)) && i > from && isCjk(text.charCodeAt(i - 1))) {
        push({ text: text.charAt(i), kind: 'stop', start: i, end: i + 1 });
      }
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to) {
      const d = text.charCodeAt(j);
      if (isWordUnit(d) && !isCjk(d)) j++;
      else if (d === 0x27 && j + 1 < to && isWordUnit(text.charCodeAt(j + 1))) j += 2;
      else break;
    }
    const word = text.slice(i, j);
    if (word.length > 2 && word.endsWith("'s")) {
      push({ text: word.slice(0, -2), kind: 'word', start: i, end: j - 2 });
      push({ text: "'s", kind: 'word', start: j - 2, end: j });
    } else {
      push({ text: word, kind: 'word', start: i, end: j });
    }
    i = j;
  }
}

/** Tokens of a folded text (or of its range `[from, to)`), in order, with offsets into `text`. */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  const push = (t: Token): void => {
    tokens.push(t);
  };
  let i = from;
  const n = Math.min(to, text.length);
  while (i < n) {
    if (text.charCodeAt(i) === 0x20) {
      i++;
      continue;
    }
    let end = text.indexOf(' ', i);
    if (end < 0 || end > n) end = n;
    let first = i;
    let last = end;
    while (first < last && TRIM_LEAD.has(text.charAt(first))) first++;
    let stop = -1;
    while (
      last > first &&
      (TRIM_TAIL.has(text.charAt(last - 1)) || STOPS.has(text.charAt(last - 1)))
    ) {
      if (STOPS.has(text.charAt(last - 1)) && stop < 0) stop = last - 1;
      last--;
    }
    if (last > first) {
      const kind = mayBeSpecial(text, first, last) ? chunkKind(text.slice(first, last)) : undefined;
      if (kind === undefined) splitWords(text, first, last, push);
      else push({ text: text.slice(first, last), kind, start: first, end: last });
    }
    if (stop >= 0)
      tokens.push({ text: text.charAt(stop), kind: 'stop', start: stop, end: stop + 1 });
    i = end;
  }
  return tokens;
}
