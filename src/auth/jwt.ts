/**
 * OAuth 2.1 bearer tokens for agents (issue 6; docs/auth.md §OAuth): a compact JWS (RFC 7515) whose
 * claims (RFC 7519, RFC 9068) are checked after its signature. Only asymmetric algorithms are
 * accepted, each bound to its key type, so neither `alg: none` nor an HMAC "signed" with the public
 * key (algorithm confusion) gets through. Every refusal is an AuthError whose message and details
 * never contain the token or anything read from it.
 */
import type { KeyObject } from 'node:crypto';
import { constants, verify } from 'node:crypto';

import type { Clock } from '../shared/clock.js';
import { AuthError } from '../shared/errors.js';

/** The JWS algorithms accepted (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
export const JWT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/**
 * Finds the issuer's public key for a token's `kid` (undefined when the header has none) and `alg`;
 * undefined when there is none. Usually backed by the issuer's JWKS (transports/http/jwks-fetcher).
 */
export type JwtKeyLookup = (
  kid: string | undefined,
  alg: JwtAlgorithm,
) => KeyObject | undefined | Promise<KeyObject | undefined>;

/** What a token must satisfy. */
export interface JwtVerifyOptions {
  /** The exact `iss` (compared as a string, RFC 7519 §4.1.1). */
  issuer: string;
  /** `aud` (a string or an array) must contain this value (RFC 7519 §4.1.3, RFC 8707). */
  audience: string;
  keys: JwtKeyLookup;
  clock: Clock;
  /** Allowed clock difference for `exp`, `nbf` and `iat`, in seconds. Default 60, at most 300. */
  clockSkewS?: number;
  /** Scopes the token must carry in `scope` (space-separated) or `scp` (array or string). */
  requiredScopes?: readonly string[];
}

/** The checked claims of a verified token. */
export interface JwtClaims {
  iss: string;
  sub: string;
  aud: string[];
  /** NumericDate (seconds since the epoch). */
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
  scopes: string[];
  /** Every claim as decoded (attacker-chosen beyond the checked ones: treat as untrusted). */
  payload: Readonly<Record<string, unknown>>;
}

/** Longest token read, in characters: far beyond real access tokens, small enough to parse cheaply. */
export const MAX_JWT_LENGTH = 16 * 1024;
const DEFAULT_SKEW_S = 60;
const MAX_SKEW_S = 300;
const MIN_RSA_BITS = 2048;
const MAX_SUB_LENGTH = 255;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** C0/C1 controls, bidi controls and line separators: never part of a subject we record. */
const UNSAFE_TEXT = /[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/**
 * Verifies a compact JWS and its claims, and returns them.
 * Steps: size and shape; header (`alg` allowed, no `crit`, `typ` JWT or at+jwt); key by `kid`
 * and `alg`, of the type the algorithm needs; signature; then `iss`, `aud`, `exp`, `nbf`, `iat`,
 * `sub` and the required scopes.
 * @throws AuthError `AUTH_JWT_*`, or whatever the key lookup throws (e.g. AUTH_JWKS_UNAVAILABLE).
 */
export async function verifyJwt(token: string, options: JwtVerifyOptions): Promise<JwtClaims> {
  const skewS = options.clockSkewS ?? DEFAULT_SKEW_S;
  if (!(skewS >= 0 && skewS <= MAX_SKEW_S)) throw new RangeError('clock skew out of bounds');
  if (token.length > MAX_JWT_LENGTH) throw fail('AUTH_JWT_MALFORMED', 'the token is too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw fail('AUTH_JWT_MALFORMED', 'not a compact JWS');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart, 'header');
  const alg = toAlgorithm(header['alg']);
  if (header['crit'] !== undefined) {
    throw fail('AUTH_JWT_MALFORMED', 'the token requires extensions (crit) that are not supported');
  }
  const typ = header['typ'];
  if (typ !== undefined && !(typeof typ === 'string' && /^(?:jwt|at\+jwt)$/i.test(typ))) {
    throw fail('AUTH_JWT_MALFORMED', 'the token type is not JWT');
  }
  const kid = header['kid'];
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > 256)) {
    throw fail('AUTH_JWT_MALFORMED', 'the key id is malformed');
  }
  const signature = decodeBase64url(signaturePart, 'signature');
  const payload = decodeJson(payloadPart, 'payload');

  const key = await options.keys(kid, alg);
  if (key === undefined)
    throw fail('AUTH_JWT_KEY_UNKNOWN', 'no key of the issuer matches the token');
  assertKeyFits(key, alg);
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!isSignatureValid(alg, key, signed, signature)) {
    throw fail('AUTH_JWT_BAD_SIGNATURE', 'the token signature does not verify');
  }
  return checkClaims(payload, options, skewS);
}

function checkClaims(
  payload: Record<string, unknown>,
  options: JwtVerifyOptions,
  skewS: number,
): JwtClaims {
  const { iss, sub, aud, exp, nbf, iat } = payload;
  if (iss !== options.issuer)
    throw fail('AUTH_JWT_WRONG_ISSUER', 'the token is from another issuer');
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (
    !Array.isArray(audiences) ||
    !audiences.every((a): a is string => typeof a === 'string') ||
    !audiences.includes(options.audience)
  ) {
    throw fail('AUTH_JWT_WRONG_AUDIENCE', 'the token is not meant for this resource');
  }
  const now = options.clock.now() / 1000;
  if (!isNumericDate(exp)) throw fail('AUTH_JWT_MALFORMED', 'the token has no valid exp');
  if (now >= exp + skewS) throw fail('AUTH_JWT_EXPIRED', 'the token has expired');
  if (nbf !== undefined && !isNumericDate(nbf))
    throw fail('AUTH_JWT_MALFORMED', 'nbf is not a date');
  if (nbf !== undefined && now + skewS < nbf) {
    throw fail('AUTH_JWT_NOT_YET_VALID', 'the token is not valid yet');
  }
  if (iat !== undefined && !isNumericDate(iat))
    throw fail('AUTH_JWT_MALFORMED', 'iat is not a date');
  if (iat !== undefined && now + skewS < iat) {
    throw fail('AUTH_JWT_NOT_YET_VALID', 'the token was issued in the future');
  }
  if (
    typeof sub !== 'string' ||
    sub === '' ||
    sub.length > MAX_SUB_LENGTH ||
    UNSAFE_TEXT.test(sub)
  ) {
    throw fail('AUTH_JWT_MALFORMED', 'the token has no usable subject');
  }
  const scopes = readScopes(payload);
  const missing = (options.requiredScopes ?? []).filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) {
    throw new AuthError('AUTH_JWT_INSUFFICIENT_SCOPE', 'the token lacks a required scope', {
      // Configured names, not token content: safe to log and to put in WWW-Authenticate.
      details: { required: (options.requiredScopes ?? []).join(' ') },
    });
  }
  return {
    iss: options.issuer,
    sub,
    aud: audiences,
    exp,
    nbf,
    iat,
    scopes,
    payload,
  };
}

/** `scope` (RFC 9068 §2.2.3, space-separated) and `scp` (an array or a string), merged. */
function readScopes(payload: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const value of [payload['scope'], payload['scp']]) {
    if (typeof value === 'string') found.push(...value.split(' ').filter((s) => s !== ''));
    else if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'string' && item !== '') found.push(item);
    }
  }
  return [...new Set(found)];
}

function toAlgorithm(value: unknown): JwtAlgorithm {
  // `none`, HS256/384/512 and everything else unlisted are refused before any key is looked up.
  const allowed: readonly unknown[] = JWT_ALGORITHMS;
  if (!allowed.includes(value))
    throw fail('AUTH_JWT_ALG_REFUSED', 'the token algorithm is not accepted');
  return value as JwtAlgorithm;
}

/** The key must be a public key of the type the algorithm is defined for (RFC 8725 §3.1). */
function assertKeyFits(key: KeyObject, alg: JwtAlgorithm): void {
  const refuse = (): AuthError =>
    fail('AUTH_JWT_ALG_REFUSED', 'the token algorithm does not fit the key');
  if (key.type !== 'public') throw refuse();
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (alg) {
    case 'RS256':
    case 'PS256': {
      const isRsa = type === 'rsa' || (alg === 'PS256' && type === 'rsa-pss');
      if (!isRsa || (details.modulusLength ?? 0) < MIN_RSA_BITS) throw refuse();
      return;
    }
    case 'ES256':
      if (type !== 'ec' || details.namedCurve !== 'prime256v1') throw refuse();
      return;
    case 'EdDSA':
      if (type !== 'ed25519' && type !== 'ed448') throw refuse();
      return;
  }
}

function isSignatureValid(alg: JwtAlgorithm, key: KeyObject, data: Buffer, sig: Buffer): boolean {
  try {
    switch (alg) {
      case 'RS256':
        return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
      case 'PS256':
        return verify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          sig,
        );
      case 'ES256':
        // JWS carries R ‖ S (64 bytes), not DER (RFC 7518 §3.4).
        return sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
      case 'EdDSA':
        return verify(null, data, key, sig);
    }
  } catch {
    return false;
  }
}

/**
 * Decodes one base64url JSON object of the token (attacker input). `JSON.parse` keeps the last of
 * duplicate names, which RFC 7519 §4 allows; nothing else parses these bytes.
 */
function decodeJson(part: string, what: string): Record<string, unknown> {
  const text = decodeBase64url(part, what).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('AUTH_JWT_MALFORMED', `the token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('AUTH_JWT_MALFORMED', `the token ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

/** Strict unpadded base64url: one spelling per value, so signatures are not malleable. */
function decodeBase64url(part: string, what: string): Buffer {
  if (!BASE64URL.test(part)) throw fail('AUTH_JWT_MALFORMED', `the token ${what} is not base64url`);
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) {
    throw fail('AUTH_JWT_MALFORMED', `the token ${what} is not base64url`);
  }
  return bytes;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function fail(code: AuthError['code'], message: string): AuthError {
  return new AuthError(code, message);
}
