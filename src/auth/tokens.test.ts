import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  credentialKindOf,
  hashSecret,
  mintAgentKey,
  mintUserToken,
  parseCredential,
  verifySecret,
} from './tokens.js';

describe('minted credentials', () => {
  it('are hfk_<key id>_<secret> for agents and hfu_<tok id>_<secret> for humans', () => {
    const key = mintAgentKey();
    const token = mintUserToken();
    expect(key.token).toMatch(/^hfk_key_[A-Za-z0-9_-]{16}_[A-Za-z0-9_-]{43}$/);
    expect(token.token).toMatch(/^hfu_tok_[A-Za-z0-9_-]{16}_[A-Za-z0-9_-]{43}$/);
    expect(key.token.startsWith(`hfk_${key.id}_`)).toBe(true);
    expect(token.token.startsWith(`hfu_${token.id}_`)).toBe(true);
  });

  it('carry the lowercase hex SHA-256 of the secret part, never the secret', () => {
    const key = mintAgentKey();
    const secret = key.token.slice(-43);
    expect(key.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(key.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.token).not.toContain(key.secretHash);
  });

  it('are different every time', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => mintAgentKey().token));
    expect(tokens.size).toBe(50);
  });
});

describe('parseCredential', () => {
  it('splits a minted credential back into kind, id and secret', () => {
    for (const minted of [mintAgentKey(), mintUserToken()]) {
      const parsed = parseCredential(minted.token);
      expect(parsed).toEqual({ kind: minted.kind, id: minted.id, secret: minted.token.slice(-43) });
      expect(verifySecret(parsed?.secret ?? '', minted.secretHash)).toBe(true);
    }
  });

  it('tells the parts apart when the id and secret contain underscores', () => {
    const id = `key_${'_-'.repeat(8)}`;
    const secret = Buffer.alloc(32, 0xff).toString('base64url'); // "____…_w"
    expect(parseCredential(`hfk_${id}_${secret}`)).toEqual({ kind: 'agent', id, secret });
    // 43 underscores decode to 32 bytes but are not the canonical spelling of them.
    expect(parseCredential(`hfk_${id}_${'_'.repeat(43)}`)).toBeUndefined();
  });

  it.each([
    ['an agent prefix on a token id', () => mintUserToken().token.replace(/^hfu_/, 'hfk_')],
    ['a human prefix on a key id', () => mintAgentKey().token.replace(/^hfk_/, 'hfu_')],
    ['a truncated secret', () => mintAgentKey().token.slice(0, -1)],
    ['an extra character', () => `${mintAgentKey().token}A`],
    ['trailing whitespace', () => `${mintAgentKey().token.slice(0, -1)} `],
    ['another prefix', () => mintAgentKey().token.replace(/^hfk_/, 'hfx_')],
    ['a non-canonical secret', () => `${mintAgentKey().token.slice(0, -1)}B`],
    ['nothing', () => ''],
  ])('refuses %s', (_case, make) => {
    const text = make();
    // A canonical last character has its 2 unused bits clear ('A', 'Q', 'g', 'w'); 'B' has one set.
    expect(parseCredential(text)).toBeUndefined();
  });
});

describe('credentialKindOf', () => {
  it('reads the kind from the prefix only', () => {
    expect(credentialKindOf('hfk_anything')).toBe('agent');
    expect(credentialKindOf('hfu_')).toBe('user');
    expect(credentialKindOf('eyJhbGciOi')).toBeUndefined();
  });
});

describe('verifySecret', () => {
  const secret = 'a'.repeat(43);

  it('accepts the secret whose hash is stored', () => {
    expect(verifySecret(secret, hashSecret(secret))).toBe(true);
  });

  it('refuses another secret, no stored hash, and a malformed one', () => {
    expect(verifySecret('b'.repeat(43), hashSecret(secret))).toBe(false);
    expect(verifySecret(secret, undefined)).toBe(false);
    expect(verifySecret(secret, hashSecret(secret).toUpperCase())).toBe(false);
    expect(verifySecret(secret, '0'.repeat(64))).toBe(false);
    expect(verifySecret(secret, '')).toBe(false);
  });
});
