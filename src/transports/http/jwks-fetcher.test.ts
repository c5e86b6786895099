import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AuthError, ConfigError } from '../../shared/errors.js';
import type { JwksFetcherOptions } from './jwks-fetcher.js';
import { createJwksFetcher } from './jwks-fetcher.js';

const START = 1_767_225_600_000;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

function jwk(key: KeyObject, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...key.export({ format: 'jwk' }), ...fields };
}

/** What the local issuer answers; tests change it between fetches. */
let answer: (req: IncomingMessage, res: ServerResponse) => void;
let requests = 0;
let baseUrl = '';
let now = START;
const server = createServer((req, res) => {
  requests++;
  answer(req, res);
});

function serveJson(body: unknown): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

beforeEach(async () => {
  requests = 0;
  now = START;
  answer = serveJson({ keys: [jwk(rsa.publicKey, { kid: 'k1', use: 'sig', alg: 'RS256' })] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function fetcher(
  overrides: Partial<JwksFetcherOptions> = {},
): ReturnType<typeof createJwksFetcher> {
  return createJwksFetcher({
    url: `${baseUrl}/jwks`,
    clock: { now: () => now },
    timeoutMs: 2000,
    ...overrides,
  });
}

function sameKey(a: KeyObject | undefined, b: KeyObject): boolean {
  return a?.equals(b) === true;
}

describe('createJwksFetcher', () => {
  describe('when the issuer serves its keys', () => {
    it('finds a key by kid and algorithm, fetching once for many lookups', async () => {
      const jwks = fetcher();
      expect(sameKey(await jwks.key('k1', 'RS256'), rsa.publicKey)).toBe(true);
      expect(sameKey(await jwks.key('k1', 'RS256'), rsa.publicKey)).toBe(true);
      expect(requests).toBe(1);
    });

    it('shares one fetch between concurrent lookups', async () => {
      const jwks = fetcher();
      await Promise.all([
        jwks.key('k1', 'RS256'),
        jwks.key('k1', 'RS256'),
        jwks.key('k1', 'PS256'),
      ]);
      expect(requests).toBe(1);
    });

    it('fetches again once the set is 10 minutes old', async () => {
      const jwks = fetcher();
      await jwks.key('k1', 'RS256');
      now += 10 * 60_000 - 1;
      await jwks.key('k1', 'RS256');
      expect(requests).toBe(1);
      now += 1;
      await jwks.key('k1', 'RS256');
      expect(requests).toBe(2);
    });

    it('fetches again for an unknown kid, at most every 30 seconds', async () => {
      const jwks = fetcher();
      await jwks.key('k1', 'RS256');
      answer = serveJson({ keys: [jwk(rotated.publicKey, { kid: 'k2' })] });
      now += 29_999;
      expect(await jwks.key('k2', 'RS256')).toBeUndefined();
      expect(await jwks.key('forged', 'RS256')).toBeUndefined();
      expect(requests).toBe(1);
      now += 1;
      expect(sameKey(await jwks.key('k2', 'RS256'), rotated.publicKey)).toBe(true);
      expect(await jwks.key('forged', 'RS256')).toBeUndefined();
      expect(requests).toBe(2);
    });

    it('matches keys to algorithms by type, curve and alg', async () => {
      answer = serveJson({
        keys: [
          jwk(rsa.publicKey, { kid: 'r', alg: 'PS256' }),
          jwk(ec.publicKey, { kid: 'e' }),
          jwk(ed.publicKey, { kid: 'd' }),
        ],
      });
      const jwks = fetcher();
      expect(await jwks.key('r', 'RS256')).toBeUndefined(); // pinned to PS256 by its alg
      expect(sameKey(await jwks.key('r', 'PS256'), rsa.publicKey)).toBe(true);
      expect(sameKey(await jwks.key('e', 'ES256'), ec.publicKey)).toBe(true);
      expect(await jwks.key('e', 'RS256')).toBeUndefined();
      expect(sameKey(await jwks.key('d', 'EdDSA'), ed.publicKey)).toBe(true);
      expect(await jwks.key('d', 'HS256')).toBeUndefined();
    });

    it('uses the only fitting key for a token without kid, and none when several fit', async () => {
      const jwks = fetcher();
      expect(sameKey(await jwks.key(undefined, 'RS256'), rsa.publicKey)).toBe(true);
      answer = serveJson({
        keys: [jwk(rsa.publicKey, { kid: 'a' }), jwk(rotated.publicKey, { kid: 'b' })],
      });
      now += 10 * 60_000;
      expect(await jwks.key(undefined, 'RS256')).toBeUndefined();
    });

    it('skips private, symmetric, encryption and malformed keys', async () => {
      answer = serveJson({
        keys: [
          jwk(rsa.privateKey, { kid: 'private' }),
          { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
          jwk(rsa.publicKey, { kid: 'enc', use: 'enc' }),
          jwk(rsa.publicKey, { kid: 'wrap', key_ops: ['wrapKey'] }),
          { kty: 'RSA', kid: 'broken', n: 'AQAB', e: 5 },
          'not a key',
          jwk(rotated.publicKey, { kid: 'good', key_ops: ['verify'] }),
        ],
      });
      const jwks = fetcher();
      for (const kid of ['private', 'hmac', 'enc', 'wrap', 'broken']) {
        expect(await jwks.key(kid, 'RS256')).toBeUndefined();
      }
      expect(sameKey(await jwks.key('good', 'RS256'), rotated.publicKey)).toBe(true);
    });
  });

  describe('when the issuer cannot be used', () => {
    const lines: string[] = [];
    const failing = (): ReturnType<typeof createJwksFetcher> =>
      fetcher({ log: (line) => lines.push(line), timeoutMs: 200 });

    beforeEach(() => {
      lines.length = 0;
    });

    async function expectUnavailable(op: () => Promise<unknown>): Promise<void> {
      const error: unknown = await op().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'AUTH_JWKS_UNAVAILABLE' });
    }

    it.each<[string, (req: IncomingMessage, res: ServerResponse) => void, RegExp]>([
      ['an error status', (_req, res) => res.writeHead(500).end('{}'), /HTTP 500/],
      ['a body that is not JSON', (_req, res) => res.writeHead(200).end('<html>'), /not JSON/],
      ['a document without keys', serveJson({ keys: 'none' }), /not a JWK set/],
      [
        'a body over the size cap',
        (_req, res) =>
          res.writeHead(200).end(JSON.stringify({ keys: [], pad: 'x'.repeat(300_000) })),
        /too large/,
      ],
      [
        'a streamed body over the size cap',
        (_req, res) => {
          res.writeHead(200, { 'transfer-encoding': 'chunked' });
          for (let i = 0; i < 300; i++) res.write('x'.repeat(1024));
          res.end();
        },
        /too large/,
      ],
      ['no answer in time', () => undefined, /timed out/],
    ])('refuses tokens after %s, and logs why', async (_case, handler, reason) => {
      answer = handler;
      await expectUnavailable(() => failing().key('k1', 'RS256'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(reason);
      expect(lines[0]).toContain(baseUrl);
    });

    it('does not follow a redirect, even to a set of keys', async () => {
      const keys = serveJson({ keys: [jwk(rsa.publicKey, { kid: 'k1' })] });
      answer = (req, res) => {
        if (req.url === '/jwks') res.writeHead(302, { location: `${baseUrl}/moved` }).end();
        else keys(req, res);
      };
      await expectUnavailable(() => failing().key('k1', 'RS256'));
      expect(requests).toBe(1);
      expect(lines).toHaveLength(1);
    });

    it('does not retry a failed fetch for 30 seconds', async () => {
      answer = (_req, res) => res.writeHead(503).end();
      const jwks = failing();
      await expectUnavailable(() => jwks.key('k1', 'RS256'));
      await expectUnavailable(() => jwks.key('k1', 'RS256'));
      expect(requests).toBe(1);
      now += 30_000;
      await expectUnavailable(() => jwks.key('k1', 'RS256'));
      expect(requests).toBe(2);
    });

    it('keeps using the keys it has for an hour past their TTL while refreshes fail', async () => {
      const jwks = failing();
      await jwks.key('k1', 'RS256');
      answer = (_req, res) => res.writeHead(503).end();
      now += 10 * 60_000;
      expect(sameKey(await jwks.key('k1', 'RS256'), rsa.publicKey)).toBe(true);
      expect(requests).toBe(2);
      now += 60 * 60_000 - 1;
      expect(sameKey(await jwks.key('k1', 'RS256'), rsa.publicKey)).toBe(true);
      now += 1;
      await expectUnavailable(() => jwks.key('k1', 'RS256'));
    });
  });

  describe('when the URL is not safe to fetch', () => {
    it.each(['http://issuer.example/jwks', 'http://10.0.0.1/jwks', 'ftp://127.0.0.1/jwks'])(
      'refuses %s at creation',
      (url) => {
        expect(() => createJwksFetcher({ url })).toThrow(ConfigError);
      },
    );

    it.each(['https://issuer.example/jwks', 'http://localhost:9/jwks', 'http://[::1]:9/jwks'])(
      'accepts %s',
      (url) => {
        expect(() => createJwksFetcher({ url })).not.toThrow();
      },
    );
  });
});
