/**
 * Host candidates for the egress scanner: normalises each candidate as a URL client would (the
 * WHATWG URL host parser, skipped for names it would return unchanged) and keeps each host once.
 */
import type { IpAddress } from './ip.js';
import { parseIpAddress, toIpText } from './ip.js';
import { isTokenChar, trimDots } from './scan-text.js';

/** One host found in the arguments: a lowercase name without trailing dot, or an IP address. */
export interface FoundHost {
  /** Name (punycode for internationalised names) or canonical IP text. */
  readonly host: string;
  readonly address: IpAddress | undefined;
}

const NUMERIC_PART = /^(?:0x[0-9a-f]*|\d+)$/;
const LETTER = /[a-z]/;

/** Whether every label of `labels` reads as an IPv4 number (decimal, octal or `0x` hex). */
export function isAllNumeric(labels: readonly string[]): boolean {
  return labels.every((label) => NUMERIC_PART.test(label));
}

/** The hosts found so far, in the order first seen; `isFull` once past `maxHosts`. */
export class HostCollector {
  readonly hosts = new Map<string, FoundHost>();
  readonly #maxHosts: number;

  constructor(maxHosts: number) {
    this.#maxHosts = maxHosts;
  }

  get isFull(): boolean {
    return this.hosts.size > this.#maxHosts;
  }

  /**
   * Adds `host` as a URL client would read it; `requireDomain` also demands a host-shaped name.
   * Returns whether something was added.
   */
  add(host: string, requireDomain: boolean): boolean {
    let hostname = host;
    if (!isPlainDomain(host)) {
      try {
        hostname = new URL(`http://${host}/`).hostname;
      } catch {
        return false;
      }
      const address = parseIpAddress(hostname);
      if (address !== undefined) {
        this.#put({ host: toIpText(address), address });
        return true;
      }
    }
    const name = trimDots(hostname, false);
    if (name === '') return false;
    if (requireDomain && !isHostShaped(name)) return false;
    this.#put({ host: name, address: undefined });
    return true;
  }

  /** Adds `text` if it is an IP address in any form a client accepts. */
  addAddress(text: string): void {
    const address = parseIpAddress(text);
    if (address !== undefined) this.#put({ host: toIpText(address), address });
  }

  #put(found: FoundHost): void {
    if (!this.hosts.has(found.host)) this.hosts.set(found.host, found);
  }
}

/**
 * Whether the URL host parser would return `s` unchanged as a domain: lowercase ASCII letters,
 * digits, `-`, `_` and inner dots only, no punycode label, and a last label that is not a number
 * (a numeric last label makes the parser read an IPv4 address). Saves a URL parse per token.
 */
function isPlainDomain(s: string): boolean {
  if (s === '' || s.startsWith('.') || s.endsWith('.') || s.includes('xn--')) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c < 0x80 && isTokenChar(c))) return false;
  }
  return !NUMERIC_PART.test(s.slice(s.lastIndexOf('.') + 1));
}

/** At least two non-empty labels and a last label of 2+ characters with a letter. */
function isHostShaped(name: string): boolean {
  const labels = name.split('.');
  const last = name.slice(name.lastIndexOf('.') + 1);
  return (
    labels.length >= 2 &&
    !labels.includes('') &&
    last.length >= 2 &&
    LETTER.test(last) &&
    !NUMERIC_PART.test(last)
  );
}
