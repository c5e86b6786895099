/**
 * The hosts of URLs in output text, for the `new-host` detector. Attacker-controlled text: a
 * hand-written single pass (jumps from `:` to `:` with indexOf), no regular expressions; each host
 * is normalised by the egress scanner's {@link HostCollector} (the WHATWG URL host parser, so
 * `HTTPS://EVIL.example.`, `http://0xA9FEA9FE/` and `https://ｅｖｉｌ.example` read as clients
 * read them).
 *
 * Only URLs with a scheme whose authority a client follows are read: `http`, `https`, `ws`, `wss`
 * and `ftp`, with or without slashes (`https:\\evil.example`, `http:evil.example`). Not read: bare
 * names (`evil.example` alone; file names look the same), protocol-relative `//evil.example`,
 * other schemes, and encodings (HTML entities, base64). Unlike the egress scan of arguments, the
 * output scan favours precision: a host here only matters when it was never seen while learning.
 */
import { HostCollector } from '../policy/host-collector.js';

/** Hosts found, in first-seen order; `isFull` when more than `maxHosts` distinct hosts appeared. */
export interface UrlHosts {
  hosts: string[];
  isFull: boolean;
}

const SCHEMES = ['https', 'http', 'wss', 'ws', 'ftp'];

function isSchemeChar(c: number): boolean {
  const lower = c | 0x20;
  return (
    (lower >= 0x61 && lower <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x2e
  );
}

/** Whether `t[colon]` ends `http`, `https`, `ws`, `wss` or `ftp` (any case) at a word start. */
function endsSpecialScheme(t: string, colon: number): boolean {
  // Every scheme read ends in `p` or `s`: most colons are rejected here.
  const last = t.charCodeAt(colon - 1) | 0x20;
  if (last !== 0x70 && last !== 0x73) return false;
  for (const scheme of SCHEMES) {
    const start = colon - scheme.length;
    if (start < 0) continue;
    let isMatch = true;
    for (let k = 0; k < scheme.length && isMatch; k++) {
      isMatch = (t.charCodeAt(start + k) | 0x20) === scheme.charCodeAt(k);
    }
    if (isMatch && (start === 0 || !isSchemeChar(t.charCodeAt(start - 1)))) return true;
  }
  return false;
}

/**
 * Characters that end an authority in prose and markup: controls and space, `/ \ ? #`, quotes,
 * `< > ( ) { } | ^ , ;` and backtick. Brackets stay in, for IPv6 literals (`http://[::1]/`).
 */
function isAuthorityEnd(c: number): boolean {
  if (c <= 0x20 || c === 0x7f) return true;
  switch (c) {
    case 0x2f: // /
    case 0x5c: // \
    case 0x3f: // ?
    case 0x23: // #
    case 0x22: // "
    case 0x27: // '
    case 0x3c: // <
    case 0x3e: // >
    case 0x28: // (
    case 0x29: // )
    case 0x7b: // {
    case 0x7d: // }
    case 0x7c: // |
    case 0x5e: // ^
    case 0x2c: // ,
    case 0x3b: // ;
    case 0x60: // `
      return true;
    default:
      return false;
  }
}

function addAuthority(authority: string, into: HostCollector): void {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  let host: string;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return;
    host = hostPort.slice(0, close + 1);
  } else {
    // A name ends at its port, or at a bracket of the surrounding text (`[https://a.example]`).
    let end = 0;
    while (end < hostPort.length && !':[]'.includes(hostPort.charAt(end))) end++;
    host = hostPort.slice(0, end);
  }
  if (host !== '') into.add(host.toLowerCase(), false);
}

/** The hosts of every http(s)/ws(s)/ftp URL in `text`, at most `maxHosts` of them. */
export function findUrlHosts(text: string, maxHosts: number): UrlHosts {
  const into = new HostCollector(maxHosts);
  // The same authority is usually linked many times; normalise each spelling once.
  const authorities = new Set<string>();
  let colon = text.indexOf(':');
  while (colon >= 0 && !into.isFull) {
    let next = colon + 1;
    if (endsSpecialScheme(text, colon)) {
      let from = next;
      while (from < text.length && (text[from] === '/' || text[from] === '\\')) from++;
      let end = from;
      while (end < text.length && !isAuthorityEnd(text.charCodeAt(end))) end++;
      const authority = text.slice(from, end);
      if (authority !== '' && !authorities.has(authority)) {
        authorities.add(authority);
        addAuthority(authority, into);
      }
      next = Math.max(end, next);
    }
    colon = text.indexOf(':', next);
  }
  const hosts = [...into.hosts.keys()];
  return { hosts: hosts.slice(0, maxHosts), isFull: into.isFull };
}
