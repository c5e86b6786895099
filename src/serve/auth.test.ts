import { generateKeyPairSync, sign } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import {
  ACCOUNTS,
  bearer,
  createAuthApp,
  login,
  PASSWORD,
  PUBLIC_URL,
  withWrongSecret,
} from '../../test/support/serve-auth.js';
import { hashPassword, toAccessEvent } from '../auth/index.js';
import { AuthError, StoreError } from '../shared/errors.js';

const METADATA = `${PUBLIC_URL}/.well-known/oauth-protected-resource`;
const issuerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** An RS256 token from the test issuer for `${PUBLIC_URL}/mcp`, valid at `nowMs`. */
function issueJwt(nowMs: number, overrides: Record<string, unknown> = {}): string {
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: 'https://issuer.example',
    sub: 'build-bot',
    aud: `${PUBLIC_URL}/mcp`,
    exp: Math.floor(nowMs / 1000) + 300,
    scope: 'mcp:tools',
    ...overrides,
  };
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), issuerKey.privateKey).toString('base64url')}`;
}

const oauthKeys = (kid: string | undefined): Promise<typeof issuerKey.publicKey | undefined> =>
  Promise.resolve(kid === 'k1' ? issuerKey.publicKey : undefined);

async function bodyOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('the agent middleware (MCP endpoints)', () => {
  describe('when OAuth is off', () => {
    it('answers 401 with a bare Bearer challenge when there is no credential', async () => {
      const { app, reached } = await createAuthApp();
      const response = await app.request('/mcp', { method: 'POST' });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="holdfast"');
      expect(await bodyOf(response)).toEqual({ error: 'unauthorized' });
      expect(reached()).toBe(0);
    });

    it(verifies('serve:auth', 'lets a live agent key through as an agent principal'), async () => {
      const { app, key } = await createAuthApp();
      const response = await app.request('/mcp', { method: 'POST', headers: bearer(key.token) });
      expect(response.status).toBe(200);
      expect((await bodyOf(response))['principal']).toEqual({
        kind: 'agent',
        via: 'key',
        id: key.id,
        name: 'ci',
      });
    });

    it('accepts the scheme in any case', async () => {
      const { app, key } = await createAuthApp();
      const headers = { Authorization: `bearer ${key.token}` };
      expect((await app.request('/mcp', { headers })).status).toBe(200);
    });

    it.each([
      ['a wrong secret', withWrongSecret],
      ['an unknown key id', (token: string) => `hfk_key_${'Z'.repeat(16)}${token.slice(24)}`],
      ['a malformed key', (token: string) => token.slice(0, 30)],
      ['a JWT', () => 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
    ])('refuses %s with 401, without echoing it', async (_case, mutate) => {
      const { app, key, reached, lines } = await createAuthApp();
      const token = mutate(key.token);
      const response = await app.request('/mcp', { headers: bearer(token) });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).toBe('{"error":"unauthorized"}');
      expect(lines.join('\n')).not.toContain(token.slice(-20));
      expect(reached()).toBe(0);
    });

    it('refuses a revoked key', async () => {
      const { app, key, store, now } = await createAuthApp();
      await store.revokeAgentKey(key.id, now(), toAccessEvent(now(), 'key-revoke', 'cli:test'));
      expect((await app.request('/mcp', { headers: bearer(key.token) })).status).toBe(401);
    });

    it('refuses another scheme as a missing credential', async () => {
      const { app } = await createAuthApp();
      const headers = { Authorization: 'Basic YWxpY2U6aHVudGVyMg==' };
      expect((await app.request('/mcp', { headers })).status).toBe(401);
    });

    it(verifies('serve:auth', 'answers 403 to a human API token'), async () => {
      const { app, tokens, reached } = await createAuthApp();
      const response = await app.request('/mcp', { headers: bearer(tokens['ada']?.token ?? '') });
      expect(response.status).toBe(403);
      expect(await bodyOf(response)).toEqual({ error: 'forbidden: MCP needs an agent key' });
      expect(reached()).toBe(0);
    });

    it('answers 403 to a console login cookie', async () => {
      const { app } = await createAuthApp();
      const { cookie } = await login(app, 'ada');
      const response = await app.request('/mcp', { method: 'POST', headers: { Cookie: cookie } });
      expect(response.status).toBe(403);
    });

    it('answers 503 when the store fails, and lets nothing through', async () => {
      const { app, key, store, reached, lines } = await createAuthApp();
      store.setFault(new StoreError('STORE_UNAVAILABLE', 'down'));
      const response = await app.request('/mcp', { headers: bearer(key.token) });
      expect(response.status).toBe(503);
      expect(reached()).toBe(0);
      expect(lines).toContain('auth: cannot check an agent credential (STORE_UNAVAILABLE)');
    });
  });

  describe('when OAuth is on', () => {
    const withOAuth = (): ReturnType<typeof createAuthApp> =>
      createAuthApp({ oauth: { keys: oauthKeys, requiredScopes: ['mcp:tools'] } });

    it('points a client without a credential to the resource metadata', async () => {
      const { app } = await withOAuth();
      const response = await app.request('/mcp');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="holdfast", resource_metadata="${METADATA}"`,
      );
    });

    it('adds invalid_token to a garbled Bearer credential, not to another scheme', async () => {
      const { app } = await withOAuth();
      const challenge = async (authorization: string): Promise<string | null> =>
        (await app.request('/mcp', { headers: { Authorization: authorization } })).headers.get(
          'www-authenticate',
        );
      expect(await challenge('Bearer two words')).toContain('error="invalid_token"');
      expect(await challenge('Basic YWxpY2U6aHVudGVyMg==')).toBe(
        `Bearer realm="holdfast", resource_metadata="${METADATA}"`,
      );
    });

    it('lets a valid JWT through as an OAuth agent', async () => {
      const { app, now } = await withOAuth();
      const response = await app.request('/mcp', { headers: bearer(issueJwt(now())) });
      expect(response.status).toBe(200);
      expect((await bodyOf(response))['principal']).toEqual({
        kind: 'agent',
        via: 'oauth',
        id: 'https://issuer.example#build-bot',
        name: 'build-bot',
      });
    });

    it('still accepts agent keys', async () => {
      const { app, key } = await withOAuth();
      expect((await app.request('/mcp', { headers: bearer(key.token) })).status).toBe(200);
    });

    it.each([
      ['another audience', { aud: PUBLIC_URL }],
      ['another issuer', { iss: 'https://evil.example' }],
      ['an expired token', { exp: 1 }],
    ])('answers 401 invalid_token to %s', async (_case, overrides) => {
      const { app, now, lines } = await withOAuth();
      const response = await app.request('/mcp', { headers: bearer(issueJwt(now(), overrides)) });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="holdfast", resource_metadata="${METADATA}", error="invalid_token"`,
      );
      expect(lines.at(-1)).toMatch(/^auth: refused an OAuth token \(AUTH_JWT_[A-Z_]+\)$/);
    });

    it('answers 403 insufficient_scope to a token without the required scope', async () => {
      const { app, now } = await withOAuth();
      const response = await app.request('/mcp', {
        headers: bearer(issueJwt(now(), { scope: 'mcp:read' })),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="holdfast", resource_metadata="${METADATA}", error="insufficient_scope", scope="mcp:tools"`,
      );
    });

    it('answers 503 when the issuer keys cannot be had', async () => {
      const { app, now, reached } = await createAuthApp({
        oauth: {
          keys: () =>
            Promise.reject(
              new AuthError('AUTH_JWKS_UNAVAILABLE', 'the issuer keys cannot be fetched'),
            ),
        },
      });
      const response = await app.request('/mcp', { headers: bearer(issueJwt(now())) });
      expect(response.status).toBe(503);
      expect(reached()).toBe(0);
    });
  });
});

describe('the human middleware (console and API routes)', () => {
  describe('with an API token', () => {
    it('sets a human principal with the account role', async () => {
      const { app, tokens } = await createAuthApp();
      const token = tokens['vera'];
      const response = await app.request('/api/state', { headers: bearer(token?.token ?? '') });
      expect(response.status).toBe(200);
      expect(await bodyOf(response)).toEqual({
        principal: { kind: 'human', via: 'token', id: token?.id, name: 'vera', role: 'viewer' },
        session: null,
      });
    });

    it.each([
      ['vera', '/api/approve', 403],
      ['dev', '/api/approve', 200],
      ['dev', '/api/keys', 403],
      ['ada', '/api/keys', 200],
      ['ada', '/api/approve', 200],
    ])(
      verifies('console:roles', 'gives %s on POST %s: %i (no CSRF header needed)'),
      async (user, path, status) => {
        const { app, tokens } = await createAuthApp();
        const response = await app.request(path, {
          method: 'POST',
          headers: bearer(tokens[user]?.token ?? ''),
        });
        expect(response.status).toBe(status);
        if (status === 403) {
          const role = path === '/api/keys' ? 'admin' : 'developer';
          expect(await bodyOf(response)).toEqual({ error: `forbidden: needs the ${role} role` });
        }
      },
    );

    it('reads the role on every request: a demotion takes effect at once', async () => {
      const { app, tokens, store } = await createAuthApp();
      const headers = bearer(tokens['dev']?.token ?? '');
      expect((await app.request('/api/approve', { method: 'POST', headers })).status).toBe(200);
      const user = await store.getUser('dev');
      if (user === undefined) throw new Error('seeded user missing');
      await store.putUser({ ...user, role: 'viewer' }, toAccessEvent(0, 'user-role', 'cli:test'));
      expect((await app.request('/api/approve', { method: 'POST', headers })).status).toBe(403);
    });

    it('refuses the token of a removed account, and a revoked token', async () => {
      const { app, tokens, store } = await createAuthApp();
      const user = await store.getUser('dev');
      if (user === undefined) throw new Error('seeded user missing');
      await store.putUser({ ...user, disabledAt: 1 }, toAccessEvent(0, 'user-remove', 'cli:test'));
      const dev = bearer(tokens['dev']?.token ?? '');
      expect((await app.request('/api/state', { headers: dev })).status).toBe(401);
      const vera = tokens['vera'];
      await store.revokeUserToken(vera?.id ?? '', 1, toAccessEvent(0, 'token-revoke', 'cli:test'));
      const response = await app.request('/api/state', { headers: bearer(vera?.token ?? '') });
      expect(response.status).toBe(401);
    });

    it('refuses a wrong secret with 401', async () => {
      const { app, tokens } = await createAuthApp();
      const forged = withWrongSecret(tokens['ada']?.token ?? '');
      expect((await app.request('/api/state', { headers: bearer(forged) })).status).toBe(401);
    });

    it('answers 403 to an agent key', async () => {
      const { app, key, reached } = await createAuthApp();
      const response = await app.request('/api/state', { headers: bearer(key.token) });
      expect(response.status).toBe(403);
      expect(reached()).toBe(0);
    });
  });

  describe('with a console login', () => {
    it('sets the principal and the session for reads', async () => {
      const { app } = await createAuthApp();
      const { cookie, csrf } = await login(app, 'dev');
      const response = await app.request('/api/state', { headers: { Cookie: cookie } });
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(body['principal']).toEqual({
        kind: 'human',
        via: 'password',
        id: 'dev',
        name: 'dev',
        role: 'developer',
      });
      expect(body['session']).toMatchObject({ user: 'dev', csrf });
    });

    it(
      verifies('console:roles', 'requires the CSRF header on writes, compared exactly'),
      async () => {
        const { app, reached } = await createAuthApp();
        const { cookie, csrf } = await login(app, 'dev');
        const post = async (headers: Record<string, string>): Promise<Response> =>
          app.request('/api/approve', { method: 'POST', headers: { Cookie: cookie, ...headers } });
        expect((await post({})).status).toBe(403);
        expect((await post({ 'X-CSRF-Token': `${csrf}x` })).status).toBe(403);
        expect((await post({ 'X-CSRF-Token': csrf.toLowerCase() })).status).toBe(403);
        expect(reached()).toBe(0);
        expect((await post({ 'X-CSRF-Token': csrf })).status).toBe(200);
      },
    );

    it('ends after 30 idle minutes', async () => {
      const { app, advance } = await createAuthApp();
      const { cookie } = await login(app, 'dev');
      advance(30 * 60_000);
      expect((await app.request('/api/state', { headers: { Cookie: cookie } })).status).toBe(401);
    });

    it('ends when the password changes', async () => {
      const { app, store } = await createAuthApp();
      const { cookie } = await login(app, 'dev');
      const user = await store.getUser('dev');
      if (user === undefined) throw new Error('seeded user missing');
      const passwordHash = await hashPassword(`${PASSWORD}!`, { N: 2 ** 14, r: 8, p: 1 });
      await store.putUser({ ...user, passwordHash }, toAccessEvent(0, 'user-password', 'cli:t'));
      expect((await app.request('/api/state', { headers: { Cookie: cookie } })).status).toBe(401);
    });

    it('ends when the account is removed', async () => {
      const { app, store } = await createAuthApp();
      const { cookie } = await login(app, 'dev');
      const user = await store.getUser('dev');
      if (user === undefined) throw new Error('seeded user missing');
      await store.putUser({ ...user, disabledAt: 1 }, toAccessEvent(0, 'user-remove', 'cli:t'));
      expect((await app.request('/api/state', { headers: { Cookie: cookie } })).status).toBe(401);
    });

    it('refuses an unknown cookie', async () => {
      const { app } = await createAuthApp();
      const headers = { Cookie: `holdfast_session=${'A'.repeat(43)}` };
      expect((await app.request('/api/state', { headers })).status).toBe(401);
    });
  });

  it('answers 401 without any credential, and 503 when the store fails', async () => {
    const { app, tokens, store } = await createAuthApp();
    expect((await app.request('/api/state')).status).toBe(401);
    store.setFault(new StoreError('STORE_UNAVAILABLE', 'down'));
    const response = await app.request('/api/state', {
      headers: bearer(tokens['ada']?.token ?? ''),
    });
    expect(response.status).toBe(503);
  });

  it('has a seeded account per role', () => {
    expect(Object.values(ACCOUNTS).sort()).toEqual(['admin', 'developer', 'viewer']);
  });
});
