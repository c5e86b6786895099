/**
 * The authentication routes of `holdfast serve` (docs/auth.md): console login and logout, who am
 * I, and, when agents may use OAuth, the protected resource metadata (RFC 9728) that tells their
 * clients which authorization server to ask and which resource to name.
 */
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';

import type { ConsoleSessions, LoginThrottle } from '../auth/index.js';
import { toAccessEvent, USER_NAME_PATTERN, verifyPassword } from '../auth/index.js';
import type { Permission } from '../auth/types.js';
import { errorCode } from '../gateway/describe-error.js';
import type { Clock } from '../shared/clock.js';
import type { AccessStore, AuditStore } from '../store/ports.js';
import type { ChallengeSettings, HumanCheck } from './auth-http.js';
import {
  cookieOptions,
  METADATA_PATH,
  refuse,
  SESSION_COOKIE,
  toPasswordStamp,
} from './auth-http.js';
import type { ServeEnv } from './env.js';

/** What the routes share with the middleware in serve/auth.ts. */
export interface AuthRoutesOptions {
  store: AccessStore & Pick<AuditStore, 'appendAudit'>;
  sessions: ConsoleSessions;
  clock: Clock;
  throttle: LoginThrottle;
  log: (line: string) => void;
  publicUrl: URL;
  settings: ChallengeSettings;
  /** Authenticates a human (faults already turned into 503 refusals). */
  checkHuman: HumanCheck;
  human: (permission: Permission) => MiddlewareHandler<ServeEnv>;
  oauth?: { issuer: string; audience: string; requiredScopes?: readonly string[] };
}

/** A login body is two short strings. */
const MAX_LOGIN_BYTES = 8 * 1024;
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** Builds the routes (absolute paths: mount with `app.route('/', routes)`). */
export function createAuthRoutes(options: AuthRoutesOptions): Hono<ServeEnv> {
  const { store, sessions, clock, throttle, log, publicUrl, settings } = options;
  const routes = new Hono<ServeEnv>();
  const unavailable = (what: string, error: unknown): Response => {
    log(`auth: cannot ${what} (${errorCode(error)})`);
    return Response.json({ error: 'authentication is unavailable' }, { status: 503 });
  };

  routes.post(
    '/auth/login',
    bodyLimit({
      maxSize: MAX_LOGIN_BYTES,
      onError: (c) => c.json({ error: 'payload too large' }, 413),
    }),
    async (c) => {
      // JSON only: a cross-site form cannot send it without a CORS preflight.
      if (!/^application\/json\s*(?:;|$)/i.test(c.req.header('content-type') ?? '')) {
        return c.json({ error: 'expected application/json' }, 415);
      }
      const body: unknown = await c.req.json().catch(() => undefined);
      const { user, password } = isObject(body) ? body : {};
      if (typeof user !== 'string' || typeof password !== 'string') {
        return c.json({ error: 'expected {"user": "...", "password": "..."}' }, 400);
      }
      // Names that cannot exist are checked like unknown ones, but not tracked by the throttle.
      const isName = USER_NAME_PATTERN.test(user);
      const wait = isName ? throttle.retryAfterS(user) : 0;
      if (wait > 0) {
        return c.json({ error: 'too many failed logins: try again later' }, 429, {
          ...NO_STORE,
          'Retry-After': String(wait),
        });
      }
      let record;
      try {
        record = isName ? await store.getUser(user) : undefined;
      } catch (error) {
        return unavailable('read the account', error);
      }
      const live = record?.disabledAt === null ? record : undefined;
      // The same scrypt runs for unknown and removed users (against a dummy hash).
      const isMatch = await verifyPassword(password, live?.passwordHash);
      if (!isMatch || live === undefined) {
        if (isName) throttle.recordFailure(user);
        log(`auth: failed console login${isName ? ` for ${user}` : ''}`);
        return refuse(c, { status: 401, error: 'invalid user name or password' }, settings);
      }
      throttle.recordSuccess(user);
      const session = sessions.create(live.name, toPasswordStamp(live.passwordHash));
      try {
        const by = `user:${live.name}`;
        const fields = { user: live.name, role: live.role, via: 'password' };
        await store.appendAudit([toAccessEvent(clock.now(), 'login', by, fields)]);
      } catch (error) {
        // Record before reply (I4): a login that is not in the log does not happen.
        sessions.delete(session.id);
        return unavailable('record the login', error);
      }
      setCookie(c, SESSION_COOKIE, session.id, cookieOptions(publicUrl));
      return c.json({ user: live.name, role: live.role, csrf: session.csrf }, 200, NO_STORE);
    },
  );

  routes.post('/auth/logout', async (c) => {
    if (c.req.header('authorization') !== undefined) {
      return c.json({ error: 'logout ends a console login; revoke API tokens instead' }, 400);
    }
    const result = await options.checkHuman(c);
    if ('status' in result) return refuse(c, result, settings);
    const { principal, session } = result;
    if (session === undefined) return refuse(c, { status: 401, error: 'unauthorized' }, settings);
    sessions.delete(session.id);
    deleteCookie(c, SESSION_COOKIE, cookieOptions(publicUrl));
    try {
      const event = toAccessEvent(clock.now(), 'logout', `user:${principal.name}`, {
        user: principal.name,
      });
      await store.appendAudit([event]);
    } catch (error) {
      // The session is gone either way: logging out must not depend on the log.
      log(`auth: logged out, but could not record it (${errorCode(error)})`);
    }
    return c.json({ ok: true }, 200, NO_STORE);
  });

  routes.get('/auth/me', options.human('read'), (c) => {
    const principal = c.get('principal');
    const role = principal.kind === 'human' ? principal.role : null;
    const csrf = c.get('consoleSession')?.csrf ?? null;
    return c.json({ user: principal.name, role, csrf }, 200, NO_STORE);
  });

  const { oauth } = options;
  if (oauth !== undefined) {
    // RFC 9728 §2-3; also under the resource's path suffix (§3.1), which clients may derive.
    const metadata = {
      resource: oauth.audience,
      authorization_servers: [oauth.issuer],
      bearer_methods_supported: ['header'],
      ...(oauth.requiredScopes !== undefined && oauth.requiredScopes.length > 0
        ? { scopes_supported: [...oauth.requiredScopes] }
        : {}),
      resource_name: 'Holdfast',
    };
    routes.get(METADATA_PATH, (c) => c.json(metadata));
    routes.get(`${METADATA_PATH}/*`, (c) => c.json(metadata));
  }
  return routes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
