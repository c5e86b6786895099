/**
 * Egress rules (DESIGN §6): hosts and addresses the arguments of a call may mention.
 *
 * - `deny`: a call is denied if any host found in its arguments (host-scan.ts) matches an entry.
 * - `allow`: if non-empty, every host found must match an entry; anything else is denied. This is
 *   strict by design: bare words that look like hosts (`report.zip`) must be allowed too.
 *
 * Entries are host globs (glob.ts `name` flavour, case-insensitive: `*.exfil.example` matches
 * `a.exfil.example` and deeper subdomains such as `a.b.exfil.example`, but not `exfil.example`
 * itself; list both to cover the apex), IP addresses, or CIDR ranges. Globs are also tested against
 * the text of IP addresses (`169.254.*`). CIDR entries match an address in any form (ip.ts),
 * including IPv4-mapped IPv6 and IPv6 forms that embed a denied IPv4 address.
 */
import { ConfigError } from '../shared/errors.js';
import type { JsonValue } from '../surface/types.js';
import type { Glob } from './glob.js';
import { parseGlob } from './glob.js';
import type { FoundHost, HostScanLimits } from './host-scan.js';
import { findHosts } from './host-scan.js';
import type { Cidr } from './ip.js';
import { isInCidr, parseCidr } from './ip.js';

/** One compiled egress entry. */
export type EgressEntry =
  | { readonly kind: 'glob'; readonly text: string; readonly glob: Glob }
  | { readonly kind: 'cidr'; readonly text: string; readonly cidr: Cidr };

/** Compiled `egress` lists. */
export interface CompiledEgress {
  readonly deny: readonly EgressEntry[];
  readonly allow: readonly EgressEntry[];
}

/** The outcome of the egress check. `rule` is the deny entry, or `egress.allow` for a miss. */
export type EgressCheck =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'denied';
      readonly host: string;
      readonly rule: string;
      readonly list: 'deny' | 'allow';
    }
  | { readonly kind: 'too-large' };

/** Rule text reported when a host is missing from a non-empty allow list. */
export const NOT_ALLOWED_RULE = 'egress.allow';

const HOST_GLOB_CHARS = /^[a-z0-9.\-_*?[\]{}!^,\\]+$/;
const IP_LIKE = /^[0-9a-f.:]+$/;

/**
 * Compiles one entry: a CIDR range or IP address, or else a host glob. Throws ConfigError
 * `CONFIG_INVALID` for URLs, ports, non-ASCII names (write punycode) or a malformed glob or range.
 */
export function parseEgressEntry(text: string): EgressEntry {
  const lower = text.toLowerCase();
  if (lower.includes('/') || (lower.includes(':') && IP_LIKE.test(lower))) {
    if (lower.includes('://')) {
      throw new ConfigError('CONFIG_INVALID', 'write a host, not a URL (evil.example)');
    }
    return { kind: 'cidr', text, cidr: parseCidr(lower) };
  }
  if (/^[0-9.]+$/.test(lower)) return { kind: 'cidr', text, cidr: parseCidr(lower) };
  if (!HOST_GLOB_CHARS.test(lower)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'an egress entry is a host glob ([a-z0-9.-_] and * ? [ ] { }; punycode for non-ASCII ' +
        'names, no port or scheme), an IP address or a CIDR range',
    );
  }
  let pattern = lower;
  while (pattern.endsWith('.')) pattern = pattern.slice(0, -1);
  return { kind: 'glob', text, glob: parseGlob(pattern, 'name') };
}

/** Compiles both lists; errors carry the entry's path (`egress.deny.2`). */
export function compileEgress(
  deny: readonly string[],
  allow: readonly string[],
  issues: { path: string; message: string }[],
): CompiledEgress {
  const compile = (list: readonly string[], name: string): EgressEntry[] =>
    list.flatMap((text, i) => {
      try {
        return [parseEgressEntry(text)];
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        issues.push({ path: `egress.${name}.${i}`, message: error.message });
        return [];
      }
    });
  return { deny: compile(deny, 'deny'), allow: compile(allow, 'allow') };
}

function matches(entry: EgressEntry, found: FoundHost): boolean {
  if (entry.kind === 'glob') return entry.glob.test(found.host);
  return found.address !== undefined && isInCidr(found.address, entry.cidr);
}

/** Whether the lists are empty (then the arguments need not be scanned at all). */
export function isEgressEmpty(egress: CompiledEgress): boolean {
  return egress.deny.length === 0 && egress.allow.length === 0;
}

/**
 * Checks every host found in `args` against the deny list, then against the allow list. The first
 * offending host (in scan order) is reported; `too-large` when the scan exceeded its budget.
 */
export function checkEgress(
  egress: CompiledEgress,
  args: JsonValue,
  limits: HostScanLimits,
): EgressCheck {
  if (isEgressEmpty(egress)) return { kind: 'ok' };
  const scan = findHosts(args, limits);
  if (scan.kind === 'too-large') return scan;
  for (const found of scan.hosts) {
    const hit = egress.deny.find((entry) => matches(entry, found));
    if (hit !== undefined)
      return { kind: 'denied', host: found.host, rule: hit.text, list: 'deny' };
  }
  if (egress.allow.length > 0) {
    for (const found of scan.hosts) {
      if (!egress.allow.some((entry) => matches(entry, found))) {
        return { kind: 'denied', host: found.host, rule: NOT_ALLOWED_RULE, list: 'allow' };
      }
    }
  }
  return { kind: 'ok' };
}
