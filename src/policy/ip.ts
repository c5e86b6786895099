/**
 * IP addresses and CIDR ranges for `cidr_match` and egress (ipaddr.js for IPv6 and ranges).
 *
 * Attacker-supplied address text is parsed the way URL clients read it: IPv4 through the WHATWG
 * URL host parser (so `2852039166`, `0xA9FEA9FE`, `0251.0376.0251.0376` and `169.254.43518` all
 * mean 169.254.169.254), IPv6 through ipaddr.js. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is treated as
 * the IPv4 address; other IPv6 forms that embed an IPv4 address (IPv4-compatible `::a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) also match IPv4 ranges that contain the embedded one.
 */
import ipaddr from 'ipaddr.js';

import { ConfigError } from '../shared/errors.js';

/** A parsed address. */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed CIDR range (a bare address is a /32 or /128). */
export interface Cidr {
  readonly text: string;
  readonly range: [IpAddress, number];
}

/** Longest text handed to ipaddr.js (its IPv6 parser uses regexps; bound their input). */
const MAX_IPV6_TEXT = 64;

const IPV4_SHAPE = /^[0-9a-fx.]+$/i;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Plain dotted decimal without leading zeros, which every parser reads the same way. */
function toPlainDottedQuad(text: string): ipaddr.IPv4 | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  const parts = text.split('.');
  const isPlain = parts.every(
    (part) => Number(part) <= 255 && (part === '0' || !part.startsWith('0')),
  );
  return isPlain ? new ipaddr.IPv4(parts.map(Number)) : undefined;
}

/** The IPv4 address a URL client would connect to for `text`, or undefined. */
function parseIpv4(text: string): ipaddr.IPv4 | undefined {
  const plain = toPlainDottedQuad(text);
  if (plain !== undefined) return plain;
  if (text === '' || !IPV4_SHAPE.test(text)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${text}/`).hostname;
  } catch {
    return undefined;
  }
  return DOTTED_QUAD.test(hostname) ? ipaddr.IPv4.parse(hostname) : undefined;
}

/** Unwraps IPv4-mapped IPv6 to IPv4. */
function toPrimary(address: IpAddress): IpAddress {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()
    ? address.toIPv4Address()
    : address;
}

/**
 * Parses an IP literal in any form a client accepts: dotted, decimal, hex or octal IPv4; IPv6 with
 * or without brackets (a zone id such as `%eth0` is dropped). IPv4-mapped IPv6 becomes IPv4.
 * Returns undefined for anything else, including host names and `address:port`.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  let t = text;
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (!t.includes(':')) return parseIpv4(t);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (t.length > MAX_IPV6_TEXT || !ipaddr.IPv6.isValid(t)) return undefined;
  return toPrimary(ipaddr.IPv6.parse(t));
}

/** IPv4 addresses embedded in an IPv6 address by the transition mechanisms listed above. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts;
  const v4 = (hi: number, lo: number): ipaddr.IPv4 =>
    new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const found: ipaddr.IPv4[] = [];
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = p;
  const isUpperZero = p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0;
  // IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1), excluding :: and ::1.
  if (isUpperZero && p5 === 0 && (p6 !== 0 || p7 > 1)) found.push(v4(p6, p7));
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
  if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) {
    found.push(v4(p6, p7));
  }
  // 6to4 2002:AABB:CCDD::/48 (RFC 3056).
  if (p0 === 0x2002) found.push(v4(p1, p2));
  return found;
}

/**
 * Parses `a.b.c.d/n`, `x::/n` or a bare address. Throws ConfigError `CONFIG_INVALID` otherwise.
 * Host bits below the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
 */
export function parseCidr(text: string): Cidr {
  if (!text.includes('/')) {
    const address = ipaddr.isValid(text) ? ipaddr.parse(text) : undefined;
    if (address === undefined)
      throw new ConfigError('CONFIG_INVALID', `not an IP address or CIDR range: ${text}`);
    return { text, range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  if (!ipaddr.isValidCIDR(text))
    throw new ConfigError('CONFIG_INVALID', `not a valid CIDR range: ${text}`);
  return { text, range: ipaddr.parseCIDR(text) };
}

/**
 * Whether `address` is inside `cidr`. An IPv4 address also matches an IPv6 range holding its
 * IPv4-mapped form; an IPv6 address matches an IPv4 range holding an address it embeds.
 */
export function isInCidr(address: IpAddress, cidr: Cidr): boolean {
  const [base, bits] = cidr.range;
  if (address.kind() === base.kind()) return address.match(base, bits);
  if (address instanceof ipaddr.IPv4) return address.toIPv4MappedAddress().match(base, bits);
  return embeddedIpv4(address).some((v4) => v4.match(base, bits));
}

/** The canonical text of an address: dotted IPv4, RFC 5952 IPv6 (no brackets). */
export function toIpText(address: IpAddress): string {
  return address instanceof ipaddr.IPv6 ? address.toRFC5952String() : address.toString();
}
