/**
 * Finds the hosts and IP addresses mentioned anywhere in call arguments, for the egress check.
 * Attacker-controlled input: the scan is hand-written and linear; the WHATWG URL host parser
 * normalises candidates; the only regexps that see input are single character classes or
 * anchored patterns with one quantifier (linear on any engine), and ipaddr.js only sees IPv6
 * text of at most 64 characters.
 *
 * Every string in the arguments is read, object member names included, in up to three variants:
 * as written, percent-decoded once and twice (`%252e` → `%2e` → `.`). Each variant is NFKC-folded
 * (fullwidth letters, `。` and other dot look-alikes become ASCII) and lowercased, then scanned for:
 * - URL authorities: after `//` (any run of two or more `/` or `\`) and after `http:`, `https:`,
 *   `ws:`, `wss:` and `ftp:` even without slashes. Userinfo is dropped at the last `@` and the
 *   host parsed as a URL client parses it, so `http://2852039166/`, `http://0xA9FEA9FE/`,
 *   `http://[::ffff:169.254.169.254]/` and `//evil.example` all count; a single-label host
 *   (`http://metadata/`) counts too.
 * - bare names: each run of `[a-z0-9._-]` and non-ASCII characters with at least two labels and
 *   a last label of two or more characters with a letter (`evil.exfil.example/path`,
 *   `notes.example@evil.example` yields both, `good.example/?next=evil.example` both). File
 *   names such as `report.zip` look exactly like hosts and are reported too.
 * - bare IPv4 written as four dotted parts in any base (`169.254.169.254:80`, `0xa9.0xfe.0xa9.0xfe`)
 *   and bare IPv6 (`::ffff:a9fe:a9fe`, `[fe80::1]`).
 *
 * Not found: single numbers outside a URL (`2852039166` alone is not treated as an address, nor
 * `127.1` outside a URL), JSON numbers, hosts built by the tool from several arguments
 * (`{host: "evil", domain: "exfil.example"}`), other encodings (base64, hex, HTML entities,
 * `\x2e`), names that resolve to a denied address through DNS (`169.254.169.254.nip.io`), and
 * Teredo addresses. Over the character or host budget the scan reports `too-large` (fail closed).
 */
import type { JsonValue } from '../surface/types.js';
import type { FoundHost } from './host-collector.js';
import { HostCollector, isAllNumeric } from './host-collector.js';
import {
  foldText,
  isAuthorityEnd,
  isHexPair,
  isIpv6Char,
  isSlash,
  isTokenChar,
  isWordChar,
  NON_ASCII,
  percentDecode,
  trimDots,
} from './scan-text.js';

export type { FoundHost } from './host-collector.js';

/** The result of a scan. */
export type HostScan =
  { readonly kind: 'hosts'; readonly hosts: readonly FoundHost[] } | { readonly kind: 'too-large' };

/** Bounds for one scan. */
export interface HostScanLimits {
  readonly maxScanChars: number;
  readonly maxHosts: number;
}

const SPECIAL_SCHEMES = ['https', 'http', 'wss', 'ws', 'ftp'];
const SCHEME_CHAR = /^[a-z0-9+.-]$/;

/** Whether `t[colon]` ends one of the special schemes that take an authority without `//`. */
function endsSpecialScheme(t: string, colon: number): boolean {
  return SPECIAL_SCHEMES.some((scheme) => {
    const start = colon - scheme.length;
    return start >= 0 && t.startsWith(scheme, start) && !SCHEME_CHAR.test(t.charAt(start - 1));
  });
}

function addAuthority(authority: string, into: HostCollector): void {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const end = hostPort.startsWith('[') ? hostPort.indexOf(']') + 1 : hostPort.indexOf(':');
  const host = end < 0 ? hostPort : hostPort.slice(0, end);
  if (host !== '') into.add(host, false);
}

function scanAuthorities(t: string, into: HostCollector): void {
  let i = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    let start = -1;
    if (isSlash(c) && isSlash(t.charCodeAt(i + 1))) start = i;
    else if (c === 0x3a && endsSpecialScheme(t, i)) start = i + 1;
    if (start < 0) {
      i++;
      continue;
    }
    let from = start;
    // `file:///path` has an empty host; elsewhere extra slashes are skipped as URL clients do.
    if (start >= 5 && t.startsWith('file:', start - 5)) from += 2;
    else while (from < t.length && isSlash(t.charCodeAt(from))) from++;
    let end = from;
    while (end < t.length && !isAuthorityEnd(t.charCodeAt(end))) end++;
    if (end > from) addAuthority(t.slice(from, end), into);
    i = Math.max(end, i + 1);
  }
}

function addBareToken(raw: string, into: HostCollector): void {
  const token = trimDots(raw, true);
  if (!token.includes('.')) return;
  if (NON_ASCII.test(token)) {
    // Internationalised or disguised (soft hyphens, zero-width): let the URL parser map it; if
    // it refuses, fall back to the ASCII pieces.
    if (into.add(token, true)) return;
    for (const piece of token.split(NON_ASCII)) addBareToken(piece, into);
    return;
  }
  const labels = token.split('.');
  if (isAllNumeric(labels)) {
    if (labels.length === 4) into.addAddress(token);
    return;
  }
  into.add(token, true);
}

function scanBare(t: string, into: HostCollector): void {
  let i = 0;
  while (i < t.length) {
    if (!isTokenChar(t.charCodeAt(i))) {
      // A `%XX` escape separates tokens (the decoded variant is scanned separately).
      i += t.charCodeAt(i) === 0x25 && isHexPair(t, i + 1) ? 3 : 1;
      continue;
    }
    let end = i;
    let hasDot = false;
    for (; end < t.length && isTokenChar(t.charCodeAt(end)); end++) {
      if (t.charCodeAt(end) === 0x2e) hasDot = true;
    }
    if (hasDot) addBareToken(t.slice(i, end), into);
    i = end;
  }
  i = 0;
  while (i < t.length) {
    if (!isIpv6Char(t.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    let colons = 0;
    let hasDoubleColon = false;
    for (; end < t.length && isIpv6Char(t.charCodeAt(end)); end++) {
      if (t.charCodeAt(end) !== 0x3a) continue;
      colons++;
      // The run is maximal, so `t[i - 1]` is never a colon: only colons inside it pair up.
      if (t.charCodeAt(end - 1) === 0x3a) hasDoubleColon = true;
    }
    const isDelimited =
      (i === 0 || !isWordChar(t.charCodeAt(i - 1))) && !isWordChar(t.charCodeAt(end));
    if (isDelimited && end - i > 2 && (hasDoubleColon || colons >= 7)) {
      into.addAddress(t.slice(i, end));
    }
    i = end;
  }
}

/**
 * Every host and IP address found in the strings of `args` (see the file comment for what is and
 * is not found), deduplicated, in the order first seen; `too-large` past the budgets.
 */
export function findHosts(args: JsonValue, limits: HostScanLimits): HostScan {
  const into = new HostCollector(limits.maxHosts);
  let budget = limits.maxScanChars;
  const scan = (s: string): boolean => {
    let variant = s;
    for (let round = 0; round < 3; round++) {
      budget -= variant.length;
      if (budget < 0) return false;
      const t = foldText(variant);
      scanAuthorities(t, into);
      scanBare(t, into);
      if (into.isFull) return false;
      if (!variant.includes('%')) break;
      const decoded = percentDecode(variant);
      if (decoded === variant) break;
      variant = decoded;
    }
    return true;
  };
  const stack: JsonValue[] = [args];
  for (let value = stack.pop(); value !== undefined; value = stack.pop()) {
    if (typeof value === 'string') {
      if (!scan(value)) return { kind: 'too-large' };
    } else if (Array.isArray(value)) {
      for (const element of [...value].reverse()) stack.push(element);
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value).reverse()) stack.push(value[key] as JsonValue, key);
    }
  }
  return { kind: 'hosts', hosts: [...into.hosts.values()] };
}
