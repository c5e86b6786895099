/**
 * Console passwords (issue 6; docs/auth.md §Passwords): scrypt (RFC 7914) from node:crypto, stored
 * as `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`, compared in constant time. Logging in as a
 * user that does not exist runs the same scrypt against a dummy hash, so the answer's timing does not
 * reveal which names exist.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { AuthError } from '../shared/errors.js';

/** scrypt cost parameters: CPU/memory cost `N` (a power of two), block size `r`, parallelism `p`. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** What new hashes use: 2^15 × 8 × 128 bytes = 32 MiB and tens of milliseconds per guess. */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
/** Shortest accepted password, in characters (code points). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted password, in UTF-16 units: bounds the work an attacker can ask for. */
export const MAX_PASSWORD_LENGTH = 1024;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/**
 * Bounds on stored parameters: a damaged or planted hash must not make one login cost seconds or
 * gigabytes, nor be weaker than 2^14.
 */
const MIN_LOG_N = 14;
const MAX_LOG_N = 20;
const MAX_R = 16;
const MAX_P = 4;
/** Largest scrypt working set allowed (128 × N × r bytes): 256 MiB. */
const MAX_MEMORY = 256 * 1024 * 1024;
/** Fixed-shape match: numbers without leading zeros, base64url fields (linear time). */
const HASH_FORMAT =
  /^scrypt\$([1-9][0-9]{0,7})\$([1-9][0-9]?)\$([1-9])\$([A-Za-z0-9_-]{16,88})\$([A-Za-z0-9_-]{16,88})$/;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/**
 * Hashes a new password with a fresh salt.
 * @throws AuthError `AUTH_PASSWORD_REJECTED` for a password outside the length policy.
 */
export async function hashPassword(
  password: string,
  params: Readonly<ScryptParams> = DEFAULT_SCRYPT,
): Promise<string> {
  assertPasswordPolicy(password);
  const salt = randomBytes(SALT_BYTES);
  if (!areParamsAllowed(params)) throw new RangeError('scrypt parameters out of bounds');
  const hash = await derive(password, salt, params, HASH_BYTES);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/**
 * Whether `password` matches `stored` (a user's hash, or undefined for an unknown or removed user).
 * Without a usable hash it derives against a dummy one with the default cost and answers false.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const parsed = stored === undefined ? undefined : parsePasswordHash(stored);
  const target = parsed ?? DUMMY;
  // An over-long password is refused, but only after the same work, so length reveals nothing.
  const candidate = password.length > MAX_PASSWORD_LENGTH ? '' : password;
  const derived = await derive(candidate, target.salt, target, target.hash.length);
  const isMatch = timingSafeEqual(derived, target.hash);
  return isMatch && parsed !== undefined && candidate === password;
}

/** Whether `text` is a well-formed password hash with parameters inside the allowed bounds. */
export function isPasswordHash(text: string): boolean {
  return parsePasswordHash(text) !== undefined;
}

/**
 * Checks a new password against the policy: 12 to 1024 characters.
 * @throws AuthError `AUTH_PASSWORD_REJECTED` (the message never quotes the password).
 */
export function assertPasswordPolicy(password: string): void {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthError(
      'AUTH_PASSWORD_REJECTED',
      `a password has at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
  if (countCodePoints(password) < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      'AUTH_PASSWORD_REJECTED',
      `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
}

/** A strong random password to hand out once: 24 random bytes, 32 base64url characters. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Characters as a person counts them, near enough: code points, not UTF-16 units. */
function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function parsePasswordHash(text: string): ParsedHash | undefined {
  const match = HASH_FORMAT.exec(text);
  if (match === null) return undefined;
  const [, n, r, p, salt, hash] = match;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!areParamsAllowed(params) || salt === undefined || hash === undefined) return undefined;
  const saltBytes = Buffer.from(salt, 'base64url');
  const hashBytes = Buffer.from(hash, 'base64url');
  if (saltBytes.toString('base64url') !== salt || hashBytes.toString('base64url') !== hash) {
    return undefined;
  }
  if (saltBytes.length < SALT_BYTES || hashBytes.length < HASH_BYTES || hashBytes.length > 64) {
    return undefined;
  }
  return { ...params, salt: saltBytes, hash: hashBytes };
}

function areParamsAllowed({ N, r, p }: Readonly<ScryptParams>): boolean {
  const logN = Math.log2(N);
  return (
    Number.isInteger(logN) &&
    logN >= MIN_LOG_N &&
    logN <= MAX_LOG_N &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= MAX_R &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= MAX_P &&
    128 * N * r <= MAX_MEMORY
  );
}

function derive(
  password: string,
  salt: Buffer,
  { N, r, p }: Readonly<ScryptParams>,
  length: number,
): Promise<Buffer> {
  // NFC first, so the same password typed on two systems derives the same key.
  const input = Buffer.from(password.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(input, salt, length, { N, r, p, maxmem: 128 * N * r + 1024 * 1024 }, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

/**
 * The stand-in target for unknown users: random salt and random "hash" bytes with the default
 * cost. Deriving against it costs what a real check costs, and nothing derives to random bytes.
 */
const DUMMY: ParsedHash = {
  ...DEFAULT_SCRYPT,
  salt: randomBytes(SALT_BYTES),
  hash: randomBytes(HASH_BYTES),
};
