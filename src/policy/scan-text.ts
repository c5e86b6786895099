/**
 * Character classes and text transforms for the host scanner (host-scan.ts). Everything here runs
 * on attacker-controlled text, so it is hand-written, linear, and never a backtracking pattern.
 */

const UTF8 = new TextDecoder('utf-8');
// eslint-disable-next-line no-control-regex -- a character class over ASCII, linear time
export const NON_ASCII = /[^\u0000-\u007f]/;
const DOT_LOOKALIKES = /[\u3002\uff0e\uff61]/g;

/** `/` or `\` (URL clients treat both as path separators in special URLs). */
export function isSlash(c: number): boolean {
  return c === 0x2f || c === 0x5c;
}

/** Characters that end a URL authority: `/ \ ? #`, controls, space, quotes, `< > { } | ^`. */
export function isAuthorityEnd(c: number): boolean {
  return c <= 0x20 || c === 0x7f || '/\\?#"\'<>`{}|^'.includes(String.fromCharCode(c));
}

/** Characters of a bare host token after folding: `[a-z0-9._-]` and any non-ASCII. */
export function isTokenChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2e ||
    c === 0x2d ||
    c === 0x5f ||
    c >= 0x80
  );
}

/** Characters of a bare IPv6 literal after folding: digits, `a-f`, `:` and `.`. */
export function isIpv6Char(c: number): boolean {
  return (c >= 0x30 && c <= 0x3a) || (c >= 0x61 && c <= 0x66) || c === 0x2e;
}

/** `[a-z0-9_]`: a neighbour that makes a run part of a word (`std::vector`). */
export function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Whether `s[at]` and `s[at + 1]` are hex digits (the tail of a `%XX` escape). */
export function isHexPair(s: string, at: number): boolean {
  return isHexDigit(s.charCodeAt(at)) && isHexDigit(s.charCodeAt(at + 1));
}

/** Decodes `%XX` runs as UTF-8 (invalid sequences become U+FFFD); other text is kept. */
export function percentDecode(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const pct = s.indexOf('%', i);
    if (pct < 0) break;
    out += s.slice(i, pct);
    const bytes: number[] = [];
    let j = pct;
    while (s.charCodeAt(j) === 0x25 && isHexPair(s, j + 1)) {
      bytes.push(parseInt(s.slice(j + 1, j + 3), 16));
      j += 3;
    }
    if (bytes.length === 0) {
      out += '%';
      i = pct + 1;
      continue;
    }
    out += UTF8.decode(new Uint8Array(bytes));
    i = j;
  }
  return out + s.slice(i);
}

/** `s` without trailing (and optionally leading) dots; by hand, as `/\.+$/` backtracks. */
export function trimDots(s: string, isLeadingToo: boolean): string {
  let start = 0;
  let end = s.length;
  if (isLeadingToo) while (start < end && s.charCodeAt(start) === 0x2e) start++;
  while (end > start && s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(start, end);
}

/** NFKC (fullwidth and other compatibility forms to ASCII), dot look-alikes to `.`, lowercase. */
export function foldText(s: string): string {
  const folded = NON_ASCII.test(s) ? s.normalize('NFKC').replace(DOT_LOOKALIKES, '.') : s;
  return folded.toLowerCase();
}
