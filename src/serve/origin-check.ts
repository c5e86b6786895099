/**
 * Refuses requests from web pages that should not reach the gateway (issue 6; MCP Streamable HTTP
 * transport, "Security Warning": servers MUST validate the `Origin` header to prevent DNS rebinding
 * attacks, and SHOULD bind to localhost when running locally).
 *
 * Two checks, both exact matches against lists fixed at start-up:
 * - `Host` must name this server. A DNS-rebinding page is same-origin with the attacker's domain,
 *   so its plain GETs carry no `Origin` at all; its `Host` is still the attacker's name.
 * - `Origin`, when present, must be an allowed `scheme://host[:port]`. Browsers send it on every
 *   cross-origin request and every POST; non-browser MCP clients usually send none, which is fine.
 *   The opaque origin `null` (sandboxed frames, `file:` pages, some redirects) is always refused.
 *
 * Both refusals answer 403 `{"error": …}` (not 421: a client may retry a 421 on a new connection,
 * and the MCP SDK's own host check answers 403 too). They run before authentication, so a refused
 * page learns nothing else about the server.
 */
import type { MiddlewareHandler } from 'hono';

import { ConfigError } from '../shared/errors.js';

/** Options for {@link originCheck}. */
export interface OriginCheckOptions {
  /** Origins (`scheme://host[:port]`, http or https) whose pages may call the gateway. */
  allowedOrigins: readonly string[];
  /** `Host` values (`host[:port]`, IPv6 in brackets) this server answers to; at least one. */
  allowedHosts: readonly string[];
}

/** The longest header value looked at; longer ones are refused unparsed. */
const MAX_VALUE = 2048;
/**
 * An http(s) origin: no user info, path, query or fragment (a trailing `/` is tolerated in
 * configuration). Linear time: one character class per part, nothing nested.
 */
const ORIGIN_SHAPE = /^https?:\/\/[^/?#@\\\s]+\/?$/i;
/** `host[:port]`: a name or IPv4 address, or an IPv6 address in brackets. */
const HOST_SHAPE = /^(\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::([0-9]{1,5}))?$/i;

/**
 * The canonical form of an origin (`Origin` header or configured value): lower-case scheme and
 * host, IDN as punycode, the default port dropped, IP addresses in canonical form. Undefined for
 * `null`, non-http(s) schemes and anything that is not exactly an origin.
 */
export function normalizeOrigin(value: string): string | undefined {
  // Attacker-controlled input: length-capped, then a linear-time shape check, then the URL parser.
  const text = value.trim();
  if (text.length > MAX_VALUE || !ORIGIN_SHAPE.test(text)) return undefined;
  try {
    return new URL(text).origin;
  } catch {
    return undefined;
  }
}

/**
 * The canonical form of a `Host` value: lower case, IP addresses in canonical form, one trailing
 * dot dropped (`localhost.` names the same host), the port as a plain number. The port is kept as
 * given, since the scheme (and so the default port) is not known here. Undefined when malformed.
 */
export function normalizeHost(value: string): string | undefined {
  // Attacker-controlled input: length-capped, then a linear-time shape check, then the URL parser.
  const text = value.trim();
  if (text.length > MAX_VALUE) return undefined;
  const match = HOST_SHAPE.exec(text);
  const name = match?.[1];
  if (name === undefined) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${name}/`).hostname;
  } catch {
    return undefined;
  }
  if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  if (hostname === '') return undefined;
  const portText = match?.[2];
  if (portText === undefined) return hostname;
  const port = Number(portText);
  return port >= 1 && port <= 65_535 ? `${hostname}:${port}` : undefined;
}

/**
 * The middleware (see the file comment). Every configured value is checked at start-up.
 * @throws ConfigError `CONFIG_INVALID` listing every malformed value, or when no host is allowed.
 */
export function originCheck(options: OriginCheckOptions): MiddlewareHandler {
  const issues: { path: string; message: string }[] = [];
  const origins = toAllowSet(options.allowedOrigins, normalizeOrigin, 'allowedOrigins', issues);
  const hosts = toAllowSet(options.allowedHosts, normalizeHost, 'allowedHosts', issues);
  if (options.allowedHosts.length === 0) {
    issues.push({ path: 'allowedHosts', message: 'name at least one host this server answers to' });
  }
  if (issues.length > 0) {
    throw new ConfigError('CONFIG_INVALID', 'the allowed origins or hosts are invalid', issues);
  }
  return async (c, next) => {
    // Without a Host header (HTTP/2 sends :authority), the adapter built the URL from the authority.
    const host = normalizeHost(c.req.header('host') ?? new URL(c.req.url).host);
    if (host === undefined || !hosts.has(host)) {
      return c.json({ error: 'host not allowed' }, 403);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.has(normalizeOrigin(origin) ?? '')) {
      return c.json({ error: 'origin not allowed' }, 403);
    }
    await next();
    return undefined;
  };
}

function toAllowSet(
  values: readonly string[],
  normalize: (value: string) => string | undefined,
  name: string,
  issues: { path: string; message: string }[],
): ReadonlySet<string> {
  const allowed = new Set<string>();
  values.forEach((value, index) => {
    const normal = normalize(value);
    if (normal === undefined) {
      issues.push({ path: `${name}[${index}]`, message: `"${value}" is not a valid value` });
    } else {
      allowed.add(normal);
    }
  });
  return allowed;
}
