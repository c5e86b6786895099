/**
 * Bearer credentials Holdfast mints (issue 6; docs/auth.md §Credentials):
 * - agent keys `hfk_<id>_<secret>`, id `key_` + 16 URL-safe characters;
 * - human API tokens `hfu_<id>_<secret>`, id `tok_` + 16 URL-safe characters;
 * the secret is 32 random bytes in unpadded base64url (43 characters). The id is the public part
 * (safe to log and to look a record up by); only the lowercase hex SHA-256 of the secret's ASCII
 * text is stored, and it is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { createId } from '../shared/ids.js';

/** Who a credential is for: an agent (MCP only) or a human (console API only). */
export type CredentialKind = 'agent' | 'user';

/** Random bytes in every secret part. */
export const SECRET_BYTES = 32;

const TOKEN_PREFIX = { agent: 'hfk_', user: 'hfu_' } as const satisfies Record<
  CredentialKind,
  string
>;
const ID_PREFIX = { agent: 'key', user: 'tok' } as const satisfies Record<CredentialKind, string>;

/**
 * The whole credential, anchored with fixed lengths (a linear-time match on attacker input):
 * prefix, `key_`/`tok_` id, `_`, 43-character secret. Base64url has `_` in its alphabet, so the
 * parts are told apart by position, never by splitting on `_`.
 */
const CREDENTIAL_PATTERN = /^hf([ku])_((?:key|tok)_[A-Za-z0-9_-]{16})_([A-Za-z0-9_-]{43})$/;
/** Length of every well-formed credential: `hfk_` + 20 + `_` + 43. */
const CREDENTIAL_LENGTH = 68;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** Compared against when there is no stored hash, so an unknown id costs the same as a known one. */
const DUMMY_HASH = Buffer.alloc(32);

/** A freshly minted credential: show `token` once, store only `id` and `secretHash`. */
export interface MintedCredential {
  kind: CredentialKind;
  id: string;
  /** The full bearer credential. Never log or store it. */
  token: string;
  /** Lowercase hex SHA-256 of the secret part. */
  secretHash: string;
}

/** A credential split into its parts; `secret` is still a secret. */
export interface ParsedCredential {
  kind: CredentialKind;
  id: string;
  secret: string;
}

/** Mints a new agent key (`hfk_key_…_…`). */
export function mintAgentKey(): MintedCredential {
  return mint('agent');
}

/** Mints a new human API token (`hfu_tok_…_…`). */
export function mintUserToken(): MintedCredential {
  return mint('user');
}

function mint(kind: CredentialKind): MintedCredential {
  const id = createId(ID_PREFIX[kind]);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return {
    kind,
    id,
    token: `${TOKEN_PREFIX[kind]}${id}_${secret}`,
    secretHash: hashSecret(secret),
  };
}

/**
 * The kind a presented bearer value claims by its prefix alone, or undefined. Lets a route refuse
 * the wrong kind of credential (403) without looking at the rest of it.
 */
export function credentialKindOf(text: string): CredentialKind | undefined {
  if (text.startsWith(TOKEN_PREFIX.agent)) return 'agent';
  if (text.startsWith(TOKEN_PREFIX.user)) return 'user';
  return undefined;
}

/**
 * Splits a presented credential (attacker input) into kind, id and secret; undefined unless it is
 * exactly one of the two formats with a canonical 32-byte secret and an id of the matching kind.
 */
export function parseCredential(text: string): ParsedCredential | undefined {
  if (text.length !== CREDENTIAL_LENGTH) return undefined;
  const match = CREDENTIAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, letter, id, secret] = match;
  if (id === undefined || secret === undefined) return undefined;
  const kind: CredentialKind = letter === 'k' ? 'agent' : 'user';
  if (!id.startsWith(`${ID_PREFIX[kind]}_`)) return undefined;
  // 43 characters hold 258 bits: only one spelling of each 32-byte value is accepted.
  const bytes = Buffer.from(secret, 'base64url');
  if (bytes.length !== SECRET_BYTES || bytes.toString('base64url') !== secret) return undefined;
  return { kind, id, secret };
}

/** Lowercase hex SHA-256 of a secret part's ASCII text: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Whether `secret` hashes to `storedHash`, compared with `timingSafeEqual`. With no stored hash (an
 * unknown id) or a malformed one it still hashes and compares, then answers false.
 */
export function verifySecret(secret: string, storedHash: string | undefined): boolean {
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  const isWellFormed = storedHash !== undefined && HASH_PATTERN.test(storedHash);
  const stored = isWellFormed ? Buffer.from(storedHash, 'hex') : DUMMY_HASH;
  return timingSafeEqual(presented, stored) && isWellFormed;
}
