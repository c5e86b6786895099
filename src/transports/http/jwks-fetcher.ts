/**
 * The OAuth issuer's signing keys (issue 6; docs/auth.md §OAuth), fetched from its JWKS URL
 * (RFC 7517 §5) for `verifyJwt`. HTTPS only, except plain HTTP to a loopback host (a local test
 * issuer); no redirects; a timeout and a size cap on the response. The set is cached for 10 minutes;
 * a token naming an unknown `kid` (the issuer rotated its keys) triggers a refetch, at most once
 * every 30 seconds, so forged kids cannot make Holdfast hammer the issuer. When a refresh fails,
 * the keys already held are used for up to an hour more; after that, tokens are refused (I3).
 */
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';

import type { Clock } from '../../shared/clock.js';
import { SYSTEM_CLOCK } from '../../shared/clock.js';
import { AuthError, ConfigError } from '../../shared/errors.js';

/** Options for {@link createJwksFetcher}. */
export interface JwksFetcherOptions {
  /** The issuer's `jwks_uri`. */
  url: URL | string;
  clock?: Clock;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Default 5000. */
  timeoutMs?: number;
  /** Largest response accepted, in bytes. Default 256 KiB. */
  maxBytes?: number;
  /** How long a fetched set is used before it is fetched again. Default 10 minutes. */
  ttlMs?: number;
  /** Least time between two fetches (unknown kids, failures). Default 30 seconds. */
  minRefetchMs?: number;
  /** How long past its TTL a set is still used while refreshes fail. Default 1 hour. */
  maxStaleMs?: number;
  /** One line per failed fetch (no key material, no response body). */
  log?: (line: string) => void;
}

/** The issuer's keys, looked up by `kid` and JWS algorithm. */
export interface JwksFetcher {
  /**
   * The public key for a token's `kid` and `alg`: the one with that kid that is usable for the
   * algorithm, or, for a token without a kid, the only key usable for it. Undefined when none is.
   * @throws AuthError `AUTH_JWKS_UNAVAILABLE` when no usable set can be had.
   */
  key(kid: string | undefined, alg: string): Promise<KeyObject | undefined>;
}

/** A key of the set, with the JWK fields that decide which tokens it verifies. */
interface HeldKey {
  kid: string | undefined;
  kty: string;
  crv: string | undefined;
  alg: string | undefined;
  key: KeyObject;
}

const MAX_KEYS = 100;
/** What each JWS algorithm needs of a JWK (RFC 7518 §6, RFC 8037 §2). */
const KEY_TYPES: Readonly<Record<string, { kty: string; crv?: readonly string[] }>> = {
  RS256: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
};

/**
 * Creates the fetcher; nothing is fetched until the first lookup.
 * @throws ConfigError `CONFIG_INVALID` for a URL that is not HTTPS (or HTTP to a loopback host).
 */
export function createJwksFetcher(options: JwksFetcherOptions): JwksFetcher {
  const url = new URL(options.url);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'serve.oauth.jwks_url must be https (plain http only to a loopback host)',
    );
  }
  const clock = options.clock ?? SYSTEM_CLOCK;
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const ttlMs = options.ttlMs ?? 10 * 60 * 1000;
  const minRefetchMs = options.minRefetchMs ?? 30 * 1000;
  const maxStaleMs = options.maxStaleMs ?? 60 * 60 * 1000;
  const log = options.log ?? ((): void => undefined);

  let held: { keys: HeldKey[]; fetchedAt: number } | undefined;
  let lastAttempt = -Infinity;
  let inFlight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      lastAttempt = clock.now();
      try {
        const keys = toHeldKeys(await download(url, fetchFn, timeoutMs, maxBytes));
        held = { keys, fetchedAt: clock.now() };
      } catch (error) {
        log(`oauth: cannot fetch the issuer keys from ${url.origin} (${describe(error)})`);
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  const mayFetch = (): boolean => clock.now() - lastAttempt >= minRefetchMs;
  const usable = (): HeldKey[] => {
    const age = held === undefined ? Infinity : clock.now() - held.fetchedAt;
    if (held === undefined || age >= ttlMs + maxStaleMs) {
      throw new AuthError('AUTH_JWKS_UNAVAILABLE', 'the issuer keys cannot be fetched');
    }
    return held.keys;
  };

  return {
    async key(kid, alg) {
      const isFresh = held !== undefined && clock.now() - held.fetchedAt < ttlMs;
      if (!isFresh && (mayFetch() || inFlight !== undefined)) await refresh();
      let found = pick(usable(), kid, alg);
      // A kid we do not hold may be a key the issuer just rotated in.
      if (found === undefined && kid !== undefined && (mayFetch() || inFlight !== undefined)) {
        await refresh();
        found = pick(usable(), kid, alg);
      }
      return found;
    },
  };
}

function pick(
  keys: readonly HeldKey[],
  kid: string | undefined,
  alg: string,
): KeyObject | undefined {
  const type = KEY_TYPES[alg];
  if (type === undefined) return undefined;
  const fits = keys.filter(
    (k) =>
      k.kty === type.kty &&
      (type.crv === undefined || (k.crv !== undefined && type.crv.includes(k.crv))) &&
      (k.alg === undefined || k.alg === alg),
  );
  if (kid !== undefined) return fits.find((k) => k.kid === kid)?.key;
  return fits.length === 1 ? fits[0]?.key : undefined;
}

/** The verification keys of a JWKS document (attacker-influenced input: every field is checked). */
function toHeldKeys(document: unknown): HeldKey[] {
  if (!isObject(document) || !Array.isArray(document['keys'])) {
    throw new Error('not a JWK set');
  }
  const held: HeldKey[] = [];
  for (const jwk of document['keys'].slice(0, MAX_KEYS)) {
    if (!isObject(jwk) || typeof jwk['kty'] !== 'string') continue;
    // Only public signature keys: never a private or symmetric key, nor one meant for encryption.
    if ('d' in jwk || jwk['kty'] === 'oct') continue;
    if (jwk['use'] !== undefined && jwk['use'] !== 'sig') continue;
    const ops = jwk['key_ops'];
    if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      continue;
    }
    held.push({
      kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined,
      kty: jwk['kty'],
      crv: typeof jwk['crv'] === 'string' ? jwk['crv'] : undefined,
      alg: typeof jwk['alg'] === 'string' ? jwk['alg'] : undefined,
      key,
    });
  }
  return held;
}

/** GETs `url` and parses the JSON body, refusing redirects, slow answers and big bodies. */
async function download(
  url: URL,
  fetchFn: typeof fetch,
  timeoutMs: number,
  maxBytes: number,
): Promise<unknown> {
  const response = await fetchFn(url, {
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/jwk-set+json, application/json' },
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error('the response is too large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    // undici types the body as ReadableStream<any>; fetch bodies are byte streams.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new Error('the response is too large');
      }
      chunks.push(value);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('the response is not JSON');
  }
}

/** `localhost`, 127.0.0.0/8 and ::1 (URL hostnames keep IPv6 in brackets). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short reason for the log: our own messages, or the error's name (fetch errors can be long). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'error';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  return error.name === 'Error' ? error.message : error.name;
}
