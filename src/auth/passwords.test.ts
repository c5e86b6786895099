import { describe, expect, it } from 'vitest';

import { AuthError } from '../shared/errors.js';
import type { ScryptParams } from './passwords.js';
import {
  assertPasswordPolicy,
  generatePassword,
  hashPassword,
  isPasswordHash,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
} from './passwords.js';

/** The cheapest cost allowed, so the tests stay quick. */
const CHEAP: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
const PASSWORD = 'correct horse battery staple';

describe('hashPassword', () => {
  it('writes scrypt$N$r$p$salt$hash with a fresh salt each time', async () => {
    const first = await hashPassword(PASSWORD, CHEAP);
    const second = await hashPassword(PASSWORD, CHEAP);
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain(PASSWORD);
    expect(isPasswordHash(first)).toBe(true);
  });

  it('uses N = 2^15 by default', async () => {
    expect(await hashPassword(PASSWORD)).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('refuses cost parameters outside the bounds', async () => {
    await expect(hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});

describe('verifyPassword', () => {
  it('accepts the password and refuses any other', async () => {
    const stored = await hashPassword(PASSWORD, CHEAP);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats the NFC and NFD spellings of a password alike', async () => {
    const stored = await hashPassword('caf\u00e9-caf\u00e9-caf\u00e9', CHEAP);
    expect(await verifyPassword('cafe\u0301-cafe\u0301-cafe\u0301', stored)).toBe(true);
  });

  it('answers false for an unknown user (no hash) after doing the same work', async () => {
    expect(await verifyPassword(PASSWORD, undefined)).toBe(false);
  });

  it('answers false for a password over the length limit, even if it matches', async () => {
    expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1), undefined)).toBe(false);
  });

  it.each([
    [
      'another algorithm',
      'bcrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'a cost below 2^14',
      'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'a cost above 2^20',
      'scrypt$2097152$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'N not a power of two',
      'scrypt$20000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'too much memory',
      'scrypt$1048576$16$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['a short hash', 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA'],
    [
      'a leading zero',
      'scrypt$016384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'padding',
      'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    ],
  ])('refuses a stored hash with %s', async (_case, stored) => {
    expect(isPasswordHash(stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, stored)).toBe(false);
  });
});

describe('assertPasswordPolicy', () => {
  it('accepts 12 to 1024 characters, counting code points', () => {
    expect(() => assertPasswordPolicy('a'.repeat(12))).not.toThrow();
    expect(() => assertPasswordPolicy('\u{1f511}'.repeat(12))).not.toThrow();
    expect(() => assertPasswordPolicy('a'.repeat(MAX_PASSWORD_LENGTH))).not.toThrow();
  });

  it.each([
    ['too short', 'a'.repeat(11)],
    ['six astral characters (12 UTF-16 units)', '\u{1f511}'.repeat(6)],
    ['too long', 'a'.repeat(MAX_PASSWORD_LENGTH + 1)],
  ])('refuses a password that is %s, without quoting it', (_case, password) => {
    let error: unknown;
    try {
      assertPasswordPolicy(password);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'AUTH_PASSWORD_REJECTED' });
    expect((error as Error).message).not.toContain(password);
  });

  it('is applied by hashPassword', async () => {
    await expect(hashPassword('short', CHEAP)).rejects.toMatchObject({
      code: 'AUTH_PASSWORD_REJECTED',
    });
  });
});

describe('generatePassword', () => {
  it('makes 32 base64url characters that pass the policy, different each time', () => {
    const first = generatePassword();
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(() => assertPasswordPolicy(first)).not.toThrow();
    expect(generatePassword()).not.toBe(first);
  });
});
