/**
 * The HTTP side of authentication for `holdfast serve` (docs/auth.md): reading bearer credentials,
 * the console cookie and its attributes, RFC 6750 challenges, and refusals as small JSON bodies
 * that never repeat what the client sent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { Context } from 'hono';

import type { LoginSession } from '../auth/index.js';
import type { Principal } from '../auth/types.js';
import type { ServeEnv } from './env.js';

/** The console session cookie. */
export const SESSION_COOKIE = 'holdfast_session';
/** The header a console page sends its CSRF value in, on every write. */
export const CSRF_HEADER = 'X-CSRF-Token';
/** Methods that change state: cookie-authenticated ones need the CSRF header. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** RFC 9728 §3: where the protected resource metadata is served. */
export const METADATA_PATH = '/.well-known/oauth-protected-resource';
/** Longest Authorization header read; credentials are far shorter (a JWT is capped at 16 KiB). */
const MAX_AUTHORIZATION_LENGTH = 17 * 1024;

/** How a refusal is told to the client. */
export interface Refusal {
  status: 401 | 403 | 503;
  /** Short, fixed text: never anything the client sent. */
  error: string;
  /** RFC 6750 §3.1 error code for the challenge, if any. */
  challenge?: 'invalid_token' | 'insufficient_scope';
  /** For `insufficient_scope`: the configured scopes the resource needs. */
  scope?: string;
}

/** A human authenticated by a {@link HumanCheck}, with their login when it was a cookie. */
export type HumanResult =
  { principal: Extract<Principal, { kind: 'human' }>; session: LoginSession | undefined } | Refusal;

/** Authenticates a human from the request: an API token, else the console cookie (and CSRF). */
export type HumanCheck = (c: Context<ServeEnv>) => Promise<HumanResult>;

/** The settings a challenge is built from. */
export interface ChallengeSettings {
  /** The metadata URL to advertise (OAuth on), or undefined (OAuth off). */
  resourceMetadata: string | undefined;
}

/**
 * The credential of an `Authorization: Bearer …` header (RFC 6750 §2.1; the scheme is
 * case-insensitive), undefined when the header is absent, another scheme, or malformed.
 */
export function readBearer(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  // b64token (RFC 6750 §2.1): one run of token68 characters after one space. Linear: no nesting.
  const match = /^[Bb][Ee][Aa][Rr][Ee][Rr] ([A-Za-z0-9\-._~+/]+=*)$/.exec(header);
  return match?.[1];
}

/** The `WWW-Authenticate` value for a refusal (RFC 6750 §3, RFC 9728 §5.1). */
export function toChallenge(refusal: Refusal, settings: ChallengeSettings): string {
  const params = ['realm="holdfast"'];
  if (settings.resourceMetadata !== undefined) {
    params.push(`resource_metadata="${settings.resourceMetadata}"`);
    if (refusal.challenge !== undefined) params.push(`error="${refusal.challenge}"`);
    if (refusal.scope !== undefined) params.push(`scope="${refusal.scope}"`);
  }
  return `Bearer ${params.join(', ')}`;
}

/** Answers a refusal as JSON, with a challenge on 401 and on an insufficient scope. */
export function refuse(
  c: Context<ServeEnv>,
  refusal: Refusal,
  settings: ChallengeSettings,
): Response {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (refusal.status === 401 || refusal.challenge === 'insufficient_scope') {
    headers['WWW-Authenticate'] = toChallenge(refusal, settings);
  }
  return c.json({ error: refusal.error }, refusal.status, headers);
}

/** Constant-time equality of two secrets of any length (their SHA-256 digests are compared). */
export function secretEquals(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The stamp a console session is bound to: a digest of the user's password hash. Changing the
 * password, or removing and re-adding the account, ends every session made before.
 */
export function toPasswordStamp(passwordHash: string): string {
  return createHash('sha256').update(passwordHash, 'utf8').digest('hex');
}

/** Cookie attributes: HttpOnly, SameSite=Strict, Path=/, and Secure behind an https public URL. */
export function cookieOptions(publicUrl: URL): {
  httpOnly: true;
  sameSite: 'Strict';
  path: '/';
  secure: boolean;
} {
  return { httpOnly: true, sameSite: 'Strict', path: '/', secure: publicUrl.protocol === 'https:' };
}
