/**
 * Authentication on every request of `holdfast serve` (issue 6; docs/auth.md). Agents reach only
 * MCP, with an agent key (`hfk_…`) or, when configured, an OAuth 2.1 bearer JWT; humans reach only
 * the console and its API, with a login cookie or an API token (`hfu_…`), and a role read from
 * their account on every request, so a role change or a removal takes effect at once. Any fault
 * while authenticating refuses (I3). The agent's Authorization header stops here: the MCP layer
 * does not copy request headers upstream, so no token is passed through.
 */
import type { MiddlewareHandler } from 'hono';
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';

import type { ConsoleSessions, JwtKeyLookup, LoginThrottle } from '../auth/index.js';
import {
  createLoginThrottle,
  credentialKindOf,
  hasPermission,
  parseCredential,
  PERMISSION_ROLE,
  verifyJwt,
  verifySecret,
} from '../auth/index.js';
import type { Permission, Principal } from '../auth/types.js';
import { errorCode } from '../gateway/describe-error.js';
import type { Clock } from '../shared/clock.js';
import { AuthError } from '../shared/errors.js';
import type { AccessStore, AuditStore } from '../store/ports.js';
import type { ChallengeSettings, HumanCheck, HumanResult, Refusal } from './auth-http.js';
import {
  CSRF_HEADER,
  METADATA_PATH,
  readBearer,
  refuse,
  secretEquals,
  SESSION_COOKIE,
  toPasswordStamp,
  UNSAFE_METHODS,
} from './auth-http.js';
import { createAuthRoutes } from './auth-routes.js';
import type { ServeEnv } from './env.js';

/** Accepting OAuth bearer JWTs from agents (`serve.oauth`). */
export interface OAuthOptions {
  /** The exact `iss` of accepted tokens; also advertised as the authorization server. */
  issuer: string;
  /** The audience tokens must name (RFC 8707 resource): usually the public MCP URL. */
  audience: string;
  /** The issuer's public keys by `kid` and algorithm (transports/http/jwks-fetcher.ts). */
  keys: JwtKeyLookup;
  requiredScopes?: readonly string[];
}

/** Options for {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Keys, accounts and tokens, and the audit log (console logins are recorded). */
  store: AccessStore & Pick<AuditStore, 'appendAudit'>;
  sessions: ConsoleSessions;
  clock: Clock;
  oauth?: OAuthOptions;
  /** The URL clients use (e.g. `http://127.0.0.1:8750`): cookie security and OAuth metadata. */
  publicUrl: string;
  /** One line per refusal worth knowing about; never a credential. */
  log: (line: string) => void;
  /** The failed-login brake; a fresh one (5 failures per 15 minutes) by default. */
  throttle?: LoginThrottle;
}

/** The middleware and routes `holdfast serve` mounts. */
export interface Authenticator {
  /** For MCP endpoints: sets an agent principal, or answers 401/403/503. */
  agent: MiddlewareHandler<ServeEnv>;
  /** For console and API routes: sets a human principal holding `permission`, or answers. */
  human: (permission: Permission) => MiddlewareHandler<ServeEnv>;
  /** `POST /auth/login`, `POST /auth/logout`, `GET /auth/me`, and OAuth metadata when on. */
  routes: Hono<ServeEnv>;
}

const UNAUTHORIZED: Refusal = { status: 401, error: 'unauthorized' };
const INVALID: Refusal = { status: 401, error: 'unauthorized', challenge: 'invalid_token' };
const UNAVAILABLE: Refusal = { status: 503, error: 'authentication is unavailable' };
const AGENTS_ONLY: Refusal = { status: 403, error: 'forbidden: MCP needs an agent key' };
const HUMANS_ONLY: Refusal = {
  status: 403,
  error: 'forbidden: the console needs a user login or API token',
};
const BAD_CSRF: Refusal = { status: 403, error: `forbidden: missing or wrong ${CSRF_HEADER}` };

/** Builds the authentication middleware and routes. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { store, sessions, clock, oauth, log } = options;
  const publicUrl = new URL(options.publicUrl);
  const base = options.publicUrl.replace(/\/+$/, '');
  const settings: ChallengeSettings = {
    resourceMetadata: oauth === undefined ? undefined : `${base}${METADATA_PATH}`,
  };
  const throttle = options.throttle ?? createLoginThrottle({ clock });

  /** Runs an authentication step; a fault (store, JWKS) becomes a 503 and a log line. */
  const guarded = async <T>(what: string, step: () => Promise<T>): Promise<T | Refusal> => {
    try {
      return await step();
    } catch (error) {
      log(`auth: cannot check ${what} (${errorCode(error)})`);
      return UNAVAILABLE;
    }
  };

  const checkAgent = async (token: string): Promise<Principal | Refusal> => {
    const kind = credentialKindOf(token);
    if (kind === 'user') return AGENTS_ONLY;
    if (kind === 'agent') {
      const parsed = parseCredential(token);
      const key = parsed?.kind === 'agent' ? await store.getAgentKey(parsed.id) : undefined;
      const isValid = verifySecret(parsed?.secret ?? '', key?.secretHash);
      // Unknown (undefined), wrong secret, or revoked (a time): refused alike.
      if (!isValid || key?.revokedAt !== null) {
        log(`auth: refused an agent key${key === undefined ? '' : ` (${key.id})`}`);
        return INVALID;
      }
      return { kind: 'agent', via: 'key', id: key.id, name: key.name };
    }
    if (oauth === undefined) return INVALID;
    try {
      const claims = await verifyJwt(token, {
        issuer: oauth.issuer,
        audience: oauth.audience,
        keys: oauth.keys,
        clock,
        requiredScopes: oauth.requiredScopes ?? [],
      });
      return { kind: 'agent', via: 'oauth', id: `${claims.iss}#${claims.sub}`, name: claims.sub };
    } catch (error) {
      if (!(error instanceof AuthError) || error.code === 'AUTH_JWKS_UNAVAILABLE') throw error;
      log(`auth: refused an OAuth token (${error.code})`);
      if (error.code !== 'AUTH_JWT_INSUFFICIENT_SCOPE') return INVALID;
      const scope = (oauth.requiredScopes ?? []).join(' ');
      return {
        status: 403,
        error: 'forbidden: insufficient scope',
        challenge: 'insufficient_scope',
        scope,
      };
    }
  };

  const agent: MiddlewareHandler<ServeEnv> = async (c, next) => {
    const header = c.req.header('authorization');
    const token = readBearer(header);
    if (token === undefined) {
      // A browser with a console login is a human, whatever it tries to reach.
      if (header === undefined && getCookie(c, SESSION_COOKIE) !== undefined) {
        return refuse(c, AGENTS_ONLY, settings);
      }
      // Another scheme counts as no credential (RFC 6750 §3.1); a garbled Bearer one as invalid.
      const isBearer = header !== undefined && /^bearer /i.test(header);
      return refuse(c, isBearer ? INVALID : UNAUTHORIZED, settings);
    }
    const result = await guarded('an agent credential', () => checkAgent(token));
    if ('status' in result) return refuse(c, result, settings);
    c.set('principal', result);
    await next();
    return undefined;
  };

  const checkToken = async (token: string): Promise<HumanResult> => {
    const kind = credentialKindOf(token);
    if (kind === 'agent') return HUMANS_ONLY;
    const parsed = kind === 'user' ? parseCredential(token) : undefined;
    if (parsed?.kind !== 'user') return UNAUTHORIZED;
    const record = await store.getUserToken(parsed.id);
    const isValid = verifySecret(parsed.secret, record?.secretHash);
    const user = record === undefined ? undefined : await store.getUser(record.user);
    if (!isValid || record?.revokedAt !== null || user?.disabledAt !== null) {
      log(`auth: refused an API token${record === undefined ? '' : ` (${record.id})`}`);
      return UNAUTHORIZED;
    }
    const principal = {
      kind: 'human',
      via: 'token',
      id: record.id,
      name: user.name,
      role: user.role,
    } as const;
    return { principal, session: undefined };
  };

  const checkCookie = async (c: Parameters<HumanCheck>[0], id: string): Promise<HumanResult> => {
    const login = sessions.get(id);
    if (login === undefined) return UNAUTHORIZED;
    const user = await store.getUser(login.session.user);
    const isCurrent =
      user?.disabledAt === null && secretEquals(toPasswordStamp(user.passwordHash), login.stamp);
    if (!isCurrent) {
      sessions.delete(id);
      return UNAUTHORIZED;
    }
    if (UNSAFE_METHODS.has(c.req.method)) {
      const presented = c.req.header(CSRF_HEADER) ?? '';
      if (!secretEquals(presented, login.session.csrf)) return BAD_CSRF;
    }
    const principal = {
      kind: 'human',
      via: 'password',
      id: user.name,
      name: user.name,
      role: user.role,
    } as const;
    return { principal, session: login.session };
  };

  const checkHuman: HumanCheck = async (c) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const token = readBearer(header);
      return token === undefined ? UNAUTHORIZED : checkToken(token);
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    return cookie === undefined ? UNAUTHORIZED : checkCookie(c, cookie);
  };

  const human =
    (permission: Permission): MiddlewareHandler<ServeEnv> =>
    async (c, next) => {
      const result = await guarded('a user credential', () => checkHuman(c));
      if ('status' in result) return refuse(c, result, settings);
      const { principal, session } = result;
      if (!hasPermission(principal.role, permission)) {
        const error = `forbidden: needs the ${PERMISSION_ROLE[permission]} role`;
        return refuse(c, { status: 403, error }, settings);
      }
      c.set('principal', principal);
      if (session !== undefined) c.set('consoleSession', session);
      await next();
      return undefined;
    };

  const routes = createAuthRoutes({
    store,
    sessions,
    clock,
    throttle,
    log,
    publicUrl,
    settings,
    checkHuman: (c) => guarded('a user credential', () => checkHuman(c)),
    human,
    ...(oauth === undefined ? {} : { oauth }),
  });
  return { agent, human, routes };
}
