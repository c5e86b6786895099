import { describe, expect, it } from 'vitest';

import { bearer, createAuthApp, login, PASSWORD } from '../../test/support/serve-auth.js';
import { parseEntry } from '../audit/entry.js';
import { toAccessEvent } from '../auth/index.js';
import { StoreError } from '../shared/errors.js';

const FIFTEEN_MINUTES = 15 * 60_000;

function postLogin(body: unknown, contentType = 'application/json'): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

describe('POST /auth/login', () => {
  describe('when the password is right', () => {
    it('sets a strict, HttpOnly session cookie and returns user, role and CSRF value', async () => {
      const { app, sessions } = await createAuthApp();
      const { response, cookie, csrf } = await login(app, 'dev');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user: 'dev', role: 'developer', csrf });
      expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const setCookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^holdfast_session=[A-Za-z0-9_-]{43}$/);
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Strict');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).not.toContain('Secure');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(sessions.size).toBe(1);
    });

    it('marks the cookie Secure behind an https public URL', async () => {
      const { app } = await createAuthApp({ publicUrl: 'https://holdfast.example' });
      const { response } = await login(app, 'dev');
      expect(response.headers.get('set-cookie')).toContain('Secure');
    });

    it('records an access entry naming the user and role, and nothing secret', async () => {
      const { app, store } = await createAuthApp();
      const before = (await store.auditHead()).size;
      const { cookie, csrf } = await login(app, 'ada');
      const rows = await store.readEntries(before, 10);
      expect(rows.map((row) => parseEntry(row.entry))).toEqual([
        {
          index: before,
          at: expect.any(Number) as unknown,
          server: '',
          kind: 'access',
          data: { action: 'login', by: 'user:ada', user: 'ada', role: 'admin', via: 'password' },
        },
      ]);
      const text = rows.map((row) => row.entry.toString('utf8')).join('');
      for (const secret of [PASSWORD, cookie.split('=')[1] ?? '', csrf]) {
        expect(text).not.toContain(secret);
      }
    });

    it('gives a new session id on every login', async () => {
      const { app } = await createAuthApp();
      const first = await login(app, 'dev');
      const second = await login(app, 'dev');
      expect(second.cookie).not.toBe(first.cookie);
    });
  });

  describe('when the login fails', () => {
    it.each([
      ['a wrong password', 'dev', 'not the password'],
      ['an unknown user', 'nobody', PASSWORD],
      ['a name that cannot exist', 'no such/user', PASSWORD],
    ])('answers the same 401 to %s', async (_case, user, password) => {
      const { app, lines } = await createAuthApp();
      const response = await app.request('/auth/login', postLogin({ user, password }));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'invalid user name or password' });
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(lines.join('\n')).not.toContain(password);
    });

    it('refuses a removed account with the same 401', async () => {
      const { app, store } = await createAuthApp();
      const user = await store.getUser('dev');
      if (user === undefined) throw new Error('seeded user missing');
      await store.putUser({ ...user, disabledAt: 1 }, toAccessEvent(0, 'user-remove', 'cli:t'));
      const { response } = await login(app, 'dev');
      expect(response.status).toBe(401);
    });

    it('answers 429 after five failures, even to the right password, until 15 minutes pass', async () => {
      const { app, advance } = await createAuthApp();
      for (let i = 0; i < 5; i++) {
        expect((await login(app, 'dev', 'wrong password')).response.status).toBe(401);
      }
      const blocked = await login(app, 'dev');
      expect(blocked.response.status).toBe(429);
      expect(blocked.response.headers.get('retry-after')).toBe('900');
      expect(blocked.response.headers.get('set-cookie')).toBeNull();
      expect((await login(app, 'ada')).response.status).toBe(200);
      advance(FIFTEEN_MINUTES);
      expect((await login(app, 'dev')).response.status).toBe(200);
    });

    it('throttles unknown names like real ones', async () => {
      const { app } = await createAuthApp();
      for (let i = 0; i < 5; i++) await login(app, 'ghost', 'guess');
      expect((await login(app, 'ghost', 'guess')).response.status).toBe(429);
    });

    it.each([
      ['a form body', postLogin('user=dev&password=x', 'application/x-www-form-urlencoded'), 415],
      ['text that is not JSON', postLogin('{user', 'application/json'), 400],
      ['a missing password', postLogin({ user: 'dev' }), 400],
      ['a number as the user', postLogin({ user: 7, password: PASSWORD }), 400],
      ['a body over 8 KiB', postLogin({ user: 'dev', password: 'x'.repeat(9000) }), 413],
    ])('refuses %s', async (_case, init, status) => {
      const { app } = await createAuthApp();
      expect((await app.request('/auth/login', init)).status).toBe(status);
    });

    it('answers 503 and starts no session when the login cannot be recorded', async () => {
      const { app, store, sessions } = await createAuthApp();
      store.setAuditFault(new StoreError('STORE_UNAVAILABLE', 'disk full'));
      const { response } = await login(app, 'dev');
      expect(response.status).toBe(503);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(sessions.size).toBe(0);
    });
  });
});

describe('POST /auth/logout', () => {
  it('needs the CSRF header, then ends the session, clears the cookie and records it', async () => {
    const { app, store } = await createAuthApp();
    const { cookie, csrf } = await login(app, 'dev');
    const logout = async (headers: Record<string, string>): Promise<Response> =>
      app.request('/auth/logout', { method: 'POST', headers: { Cookie: cookie, ...headers } });
    expect((await logout({})).status).toBe(403);
    const response = await logout({ 'X-CSRF-Token': csrf });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/^holdfast_session=; Max-Age=0; Path=\//);
    expect((await app.request('/api/state', { headers: { Cookie: cookie } })).status).toBe(401);
    const head = await store.auditHead();
    const [last] = await store.readEntries(head.size - 1, 1);
    expect(parseEntry(last?.entry ?? Buffer.alloc(0)).data).toEqual({
      action: 'logout',
      by: 'user:dev',
      user: 'dev',
    });
  });

  it('answers 401 without a session, and 400 to an API token', async () => {
    const { app, tokens } = await createAuthApp();
    expect((await app.request('/auth/logout', { method: 'POST' })).status).toBe(401);
    const headers = bearer(tokens['dev']?.token ?? '');
    expect((await app.request('/auth/logout', { method: 'POST', headers })).status).toBe(400);
  });
});

describe('GET /auth/me', () => {
  it('tells a console login who it is, with its CSRF value', async () => {
    const { app } = await createAuthApp();
    const { cookie, csrf } = await login(app, 'vera');
    const response = await app.request('/auth/me', { headers: { Cookie: cookie } });
    expect(await response.json()).toEqual({ user: 'vera', role: 'viewer', csrf });
  });

  it('tells a token holder who it is, without a CSRF value', async () => {
    const { app, tokens } = await createAuthApp();
    const response = await app.request('/auth/me', { headers: bearer(tokens['ada']?.token ?? '') });
    expect(await response.json()).toEqual({ user: 'ada', role: 'admin', csrf: null });
  });

  it('answers 401 to anyone else', async () => {
    const { app } = await createAuthApp();
    expect((await app.request('/auth/me')).status).toBe(401);
  });
});

describe('GET /.well-known/oauth-protected-resource', () => {
  it('describes the resource and its authorization server when OAuth is on (RFC 9728)', async () => {
    const { app } = await createAuthApp({
      oauth: { keys: () => undefined, requiredScopes: ['mcp:tools'] },
    });
    const expected = {
      resource: 'http://127.0.0.1:8750/mcp',
      authorization_servers: ['https://issuer.example'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['mcp:tools'],
      resource_name: 'Holdfast',
    };
    for (const path of ['', '/mcp']) {
      const response = await app.request(`/.well-known/oauth-protected-resource${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(expected);
    }
  });

  it('is not served when OAuth is off', async () => {
    const { app } = await createAuthApp();
    expect((await app.request('/.well-known/oauth-protected-resource')).status).toBe(404);
  });
});
