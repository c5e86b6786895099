import type { KeyObject } from 'node:crypto';
import {
  constants,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  sign as cryptoSign,
} from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { AuthError } from '../shared/errors.js';
import type { JwtAlgorithm, JwtKeyLookup, JwtVerifyOptions } from './jwt.js';
import { verifyJwt } from './jwt.js';

/** 2026-01-01T00:00:00Z in seconds. */
const NOW_S = 1_767_225_600;
const ISSUER = 'https://issuer.example';
const AUDIENCE = 'http://127.0.0.1:8750/mcp';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const KEYS: Record<string, KeyObject> = {
  rsa: rsa.publicKey,
  ec: ec.publicKey,
  ed: ed.publicKey,
};

interface Signing {
  alg: string;
  key?: KeyObject;
  header?: Record<string, unknown>;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs `claims` ourselves, the way an issuer would, for the algorithm named in `alg`. */
function signJwt(claims: Record<string, unknown>, signing: Signing): string {
  const header = { alg: signing.alg, typ: 'JWT', kid: 'rsa', ...signing.header };
  const input = `${b64(header)}.${b64(claims)}`;
  const data = Buffer.from(input);
  const key = signing.key ?? rsa.privateKey;
  let signature: Buffer;
  switch (signing.alg) {
    case 'RS256':
      signature = cryptoSign('sha256', data, key);
      break;
    case 'PS256':
      signature = cryptoSign('sha256', data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
      break;
    case 'ES256':
      signature = cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
      break;
    case 'EdDSA':
      signature = cryptoSign(null, data, key);
      break;
    default:
      signature = Buffer.alloc(0);
  }
  return `${input}.${signature.toString('base64url')}`;
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'agent-7',
    aud: AUDIENCE,
    exp: NOW_S + 300,
    iat: NOW_S - 10,
    scope: 'mcp:tools mcp:read',
    ...overrides,
  };
}

/** Looks keys up by kid among {@link KEYS} and records every lookup. */
function lookup(calls: [string | undefined, JwtAlgorithm][] = []): JwtKeyLookup {
  return (kid, alg) => {
    calls.push([kid, alg]);
    return kid === undefined ? undefined : KEYS[kid];
  };
}

function options(overrides: Partial<JwtVerifyOptions> = {}): JwtVerifyOptions {
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: lookup(),
    clock: { now: () => NOW_S * 1000 },
    ...overrides,
  };
}

/** The AuthError `verifyJwt` rejects with; checks that it quotes nothing of the token. */
async function refusal(token: string, opts = options()): Promise<AuthError> {
  const error: unknown = await verifyJwt(token, opts).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AuthError);
  const text = `${(error as AuthError).message} ${JSON.stringify((error as AuthError).details)}`;
  for (const part of token.split('.')) if (part.length > 8) expect(text).not.toContain(part);
  return error as AuthError;
}

describe('verifyJwt', () => {
  describe('when the token is well signed and its claims hold', () => {
    it.each<[JwtAlgorithm, KeyObject, string]>([
      ['RS256', rsa.privateKey, 'rsa'],
      ['PS256', rsa.privateKey, 'rsa'],
      ['ES256', ec.privateKey, 'ec'],
      ['EdDSA', ed.privateKey, 'ed'],
    ])('accepts %s and returns the claims', async (alg, key, kid) => {
      const calls: [string | undefined, JwtAlgorithm][] = [];
      const token = signJwt(claims(), { alg, key, header: { kid } });
      const result = await verifyJwt(token, options({ keys: lookup(calls) }));
      expect(calls).toEqual([[kid, alg]]);
      expect(result).toMatchObject({
        iss: ISSUER,
        sub: 'agent-7',
        aud: [AUDIENCE],
        exp: NOW_S + 300,
        iat: NOW_S - 10,
        nbf: undefined,
        scopes: ['mcp:tools', 'mcp:read'],
      });
    });

    it('accepts an audience array that contains the resource', async () => {
      const token = signJwt(claims({ aud: ['other', AUDIENCE] }), { alg: 'RS256' });
      expect((await verifyJwt(token, options())).aud).toEqual(['other', AUDIENCE]);
    });

    it('accepts a typ of at+jwt (RFC 9068) and no typ at all', async () => {
      for (const typ of ['at+jwt', undefined]) {
        const token = signJwt(claims(), { alg: 'RS256', header: { typ } });
        await expect(verifyJwt(token, options())).resolves.toMatchObject({ sub: 'agent-7' });
      }
    });

    it('accepts exp and nbf within the clock skew', async () => {
      const token = signJwt(claims({ exp: NOW_S - 30, nbf: NOW_S + 30 }), { alg: 'RS256' });
      await expect(verifyJwt(token, options())).resolves.toMatchObject({ nbf: NOW_S + 30 });
    });

    it('merges scopes from scope and scp, and passes the required ones', async () => {
      const token = signJwt(claims({ scope: 'a b', scp: ['c', 'a'] }), { alg: 'RS256' });
      const result = await verifyJwt(token, options({ requiredScopes: ['c', 'b'] }));
      expect(result.scopes).toEqual(['a', 'b', 'c']);
    });

    it('passes an undefined kid to the lookup when the header has none', async () => {
      const calls: [string | undefined, JwtAlgorithm][] = [];
      const token = signJwt(claims(), { alg: 'RS256', header: { kid: undefined } });
      const keys: JwtKeyLookup = (kid, alg) => {
        calls.push([kid, alg]);
        return Promise.resolve(rsa.publicKey);
      };
      await verifyJwt(token, options({ keys }));
      expect(calls).toEqual([[undefined, 'RS256']]);
    });
  });

  describe('when the algorithm is not acceptable', () => {
    it('refuses alg none before looking up any key', async () => {
      const calls: [string | undefined, JwtAlgorithm][] = [];
      const token = `${b64({ alg: 'none', kid: 'rsa' })}.${b64(claims())}.`;
      const error = await refusal(token, options({ keys: lookup(calls) }));
      expect(error.code).toBe('AUTH_JWT_ALG_REFUSED');
      expect(calls).toEqual([]);
    });

    it('refuses HS256 signed with the public key as the HMAC secret (key confusion)', async () => {
      const input = `${b64({ alg: 'HS256', kid: 'rsa' })}.${b64(claims())}`;
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
      const mac = createHmac('sha256', pem).update(input).digest('base64url');
      expect((await refusal(`${input}.${mac}`)).code).toBe('AUTH_JWT_ALG_REFUSED');
    });

    it.each(['HS384', 'HS512', 'RS512', 'ES384', 'none ', 'rs256', 42])(
      'refuses alg %j',
      async (alg) => {
        const token = `${b64({ alg, kid: 'rsa' })}.${b64(claims())}.AAAA`;
        expect((await refusal(token)).code).toBe('AUTH_JWT_ALG_REFUSED');
      },
    );

    it.each<[string, JwtAlgorithm, string]>([
      ['an RS256 header on an EC key', 'RS256', 'ec'],
      ['an ES256 header on an RSA key', 'ES256', 'rsa'],
      ['an EdDSA header on an RSA key', 'EdDSA', 'rsa'],
      ['a PS256 header on an Ed25519 key', 'PS256', 'ed'],
    ])('refuses %s', async (_case, alg, kid) => {
      // Signed by the key the kid names, with that key's own algorithm: only the header lies.
      const own = { rsa: 'RS256', ec: 'ES256', ed: 'EdDSA' }[kid] ?? 'RS256';
      const key = { rsa: rsa.privateKey, ec: ec.privateKey, ed: ed.privateKey }[kid];
      const genuine = signJwt(claims(), { alg: own, header: { kid }, ...(key ? { key } : {}) });
      const [, payload, signature] = genuine.split('.');
      const token = `${b64({ alg, typ: 'JWT', kid })}.${payload ?? ''}.${signature ?? ''}`;
      expect((await refusal(token)).code).toBe('AUTH_JWT_ALG_REFUSED');
    });

    it('refuses a secret or private key handed out by the lookup', async () => {
      const token = signJwt(claims(), { alg: 'RS256' });
      for (const key of [createSecretKey(Buffer.alloc(32, 1)), rsa.privateKey]) {
        const error = await refusal(token, options({ keys: () => key }));
        expect(error.code).toBe('AUTH_JWT_ALG_REFUSED');
      }
    });

    it('refuses an RSA key shorter than 2048 bits', async () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const token = signJwt(claims(), { alg: 'RS256', key: weak.privateKey });
      const error = await refusal(token, options({ keys: () => weak.publicKey }));
      expect(error.code).toBe('AUTH_JWT_ALG_REFUSED');
    });
  });

  describe('when no key matches', () => {
    it('refuses an unknown kid', async () => {
      const token = signJwt(claims(), { alg: 'RS256', header: { kid: 'rotated-away' } });
      expect((await refusal(token)).code).toBe('AUTH_JWT_KEY_UNKNOWN');
    });

    it('passes on what the lookup throws', async () => {
      const token = signJwt(claims(), { alg: 'RS256' });
      const down = new AuthError('AUTH_JWKS_UNAVAILABLE', 'the issuer keys cannot be fetched');
      await expect(verifyJwt(token, options({ keys: () => Promise.reject(down) }))).rejects.toBe(
        down,
      );
    });
  });

  describe('when the signature does not verify', () => {
    it('refuses a token signed by another key', async () => {
      const token = signJwt(claims(), { alg: 'RS256', key: otherRsa.privateKey });
      expect((await refusal(token)).code).toBe('AUTH_JWT_BAD_SIGNATURE');
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const [header, , signature] = signJwt(claims(), { alg: 'RS256' }).split('.');
      const forged = `${header ?? ''}.${b64(claims({ sub: 'admin' }))}.${signature ?? ''}`;
      expect((await refusal(forged)).code).toBe('AUTH_JWT_BAD_SIGNATURE');
    });

    it('refuses an ES256 signature in DER form', async () => {
      const input = `${b64({ alg: 'ES256', kid: 'ec' })}.${b64(claims())}`;
      const der = cryptoSign('sha256', Buffer.from(input), ec.privateKey).toString('base64url');
      expect((await refusal(`${input}.${der}`)).code).toBe('AUTH_JWT_BAD_SIGNATURE');
    });

    it('refuses an empty signature', async () => {
      const [header, payload] = signJwt(claims(), { alg: 'RS256' }).split('.');
      const code = (await refusal(`${header ?? ''}.${payload ?? ''}.`)).code;
      expect(code).toBe('AUTH_JWT_MALFORMED');
    });
  });

  describe('when a claim does not hold', () => {
    it.each<[string, Record<string, unknown>, AuthError['code']]>([
      ['another issuer', { iss: 'https://issuer.example/' }, 'AUTH_JWT_WRONG_ISSUER'],
      ['no issuer', { iss: undefined }, 'AUTH_JWT_WRONG_ISSUER'],
      ['another audience', { aud: 'http://127.0.0.1:8750' }, 'AUTH_JWT_WRONG_AUDIENCE'],
      ['an audience array without it', { aud: ['a', 'b'] }, 'AUTH_JWT_WRONG_AUDIENCE'],
      ['an empty audience array', { aud: [] }, 'AUTH_JWT_WRONG_AUDIENCE'],
      ['no audience', { aud: undefined }, 'AUTH_JWT_WRONG_AUDIENCE'],
      ['an expired exp', { exp: NOW_S - 61 }, 'AUTH_JWT_EXPIRED'],
      ['no exp', { exp: undefined }, 'AUTH_JWT_MALFORMED'],
      ['a string exp', { exp: String(NOW_S + 300) }, 'AUTH_JWT_MALFORMED'],
      ['an nbf in the future', { nbf: NOW_S + 61 }, 'AUTH_JWT_NOT_YET_VALID'],
      ['an iat in the future', { iat: NOW_S + 3600 }, 'AUTH_JWT_NOT_YET_VALID'],
      ['no subject', { sub: undefined }, 'AUTH_JWT_MALFORMED'],
      ['a subject with a control character', { sub: 'agent\u001b[31m' }, 'AUTH_JWT_MALFORMED'],
      ['a subject with a bidi override', { sub: 'agent\u202e' }, 'AUTH_JWT_MALFORMED'],
    ])('refuses %s', async (_case, overrides, code) => {
      const token = signJwt(claims(overrides), { alg: 'RS256' });
      expect((await refusal(token)).code).toBe(code);
    });

    it('refuses a token without a required scope, naming the configured scopes only', async () => {
      const token = signJwt(claims({ scope: 'mcp:read' }), { alg: 'RS256' });
      const error = await refusal(token, options({ requiredScopes: ['mcp:tools'] }));
      expect(error.code).toBe('AUTH_JWT_INSUFFICIENT_SCOPE');
      expect(error.details).toEqual({ required: 'mcp:tools' });
    });

    it('refuses a token whose signature is valid but whose issuer is checked exactly', async () => {
      const token = signJwt(claims({ iss: 'HTTPS://issuer.example' }), { alg: 'RS256' });
      expect((await refusal(token)).code).toBe('AUTH_JWT_WRONG_ISSUER');
    });
  });

  describe('when the token is malformed', () => {
    const good = signJwt(claims(), { alg: 'RS256' });
    const [header = '', payload = '', signature = ''] = good.split('.');

    it.each([
      ['two parts', `${header}.${payload}`],
      ['five parts (a JWE)', `${header}.${payload}.${signature}.a.b`],
      ['padding', `${header}=.${payload}.${signature}`],
      ['characters outside base64url', `${header}.${payload}.${signature.slice(0, -1)}+`],
      [
        'a header that is not JSON',
        `${Buffer.from('{alg').toString('base64url')}.${payload}.${signature}`,
      ],
      ['a header that is an array', `${b64(['RS256'])}.${payload}.${signature}`],
      ['a payload that is not an object', `${header}.${b64('claims')}.${signature}`],
      ['a crit header', signJwt(claims(), { alg: 'RS256', header: { crit: ['b64'] } })],
      ['a typ of JOSE+JSON', signJwt(claims(), { alg: 'RS256', header: { typ: 'JOSE+JSON' } })],
      ['a numeric kid', signJwt(claims(), { alg: 'RS256', header: { kid: 7 } })],
      ['over 16 KiB', signJwt(claims({ pad: 'x'.repeat(17_000) }), { alg: 'RS256' })],
    ])('refuses %s', async (_case, token) => {
      expect((await refusal(token)).code).toMatch(/^AUTH_JWT_(MALFORMED|ALG_REFUSED)$/);
    });

    it('refuses a non-canonical base64url signature (one spelling per value)', async () => {
      // The last character of a 256-byte signature carries 4 unused bits: set one of them.
      const last = signature.at(-1) ?? 'A';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const tweaked = alphabet[alphabet.indexOf(last) ^ 1] ?? 'B';
      const token = `${header}.${payload}.${signature.slice(0, -1)}${tweaked}`;
      expect((await refusal(token)).code).toBe('AUTH_JWT_MALFORMED');
    });
  });

  it('refuses a clock skew above five minutes', async () => {
    const token = signJwt(claims(), { alg: 'RS256' });
    await expect(verifyJwt(token, options({ clockSkewS: 301 }))).rejects.toBeInstanceOf(RangeError);
  });
});
