/**
 * A small Hono app around `createAuthenticator` for the serve authentication tests: a memory store
 * with three accounts (viewer, developer, admin), an agent key and API tokens, a clock the test
 * moves, and routes that echo the principal they were given.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';

import type { JwtKeyLookup, MintedCredential, ScryptParams } from '../../src/auth/index.js';
import {
  ConsoleSessions,
  hashPassword,
  mintAgentKey,
  mintUserToken,
  toAccessEvent,
} from '../../src/auth/index.js';
import type { Role } from '../../src/auth/types.js';
import type { Authenticator } from '../../src/serve/auth.js';
import { createAuthenticator } from '../../src/serve/auth.js';
import type { ServeEnv } from '../../src/serve/env.js';
import type { MemoryStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/index.js';
import { SAMPLE_TIME } from './records.js';

/** The cheapest scrypt cost the store accepts, so logins in tests stay quick. */
export const CHEAP_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
/** Every seeded account's password. */
export const PASSWORD = 'correct horse battery staple';
export const PUBLIC_URL = 'http://127.0.0.1:8750';

/** The seeded accounts: name → role. */
export const ACCOUNTS: Readonly<Record<string, Role>> = {
  vera: 'viewer',
  dev: 'developer',
  ada: 'admin',
};

/** Options of {@link createAuthApp}. */
export interface AuthAppOptions {
  oauth?: { keys: JwtKeyLookup; requiredScopes?: readonly string[] };
  publicUrl?: string;
}

/** What a test gets. */
export interface AuthApp {
  app: Hono<ServeEnv>;
  auth: Authenticator;
  store: MemoryStore;
  sessions: ConsoleSessions;
  /** The seeded agent key (`ci`). */
  key: MintedCredential;
  /** An API token per seeded account. */
  tokens: Readonly<Record<string, MintedCredential>>;
  /** Lines the authenticator logged. */
  lines: string[];
  /** How many requests reached a protected handler. */
  reached: () => number;
  advance: (ms: number) => void;
  now: () => number;
}

let passwordHash: Promise<string> | undefined;

/** Builds the app over a freshly seeded memory store. */
export async function createAuthApp(options: AuthAppOptions = {}): Promise<AuthApp> {
  passwordHash ??= hashPassword(PASSWORD, CHEAP_SCRYPT);
  const hash = await passwordHash;
  let now = SAMPLE_TIME;
  const clock = { now: () => now };
  const store = createMemoryStore();
  const event = toAccessEvent(now, 'user-add', 'cli:test');
  const tokens: Record<string, MintedCredential> = {};
  for (const [name, role] of Object.entries(ACCOUNTS)) {
    await store.putUser(
      { name, role, passwordHash: hash, createdAt: now, createdBy: 'cli:test', disabledAt: null },
      event,
    );
    const token = mintUserToken();
    await store.createUserToken(
      {
        id: token.id,
        user: name,
        label: 'test',
        secretHash: token.secretHash,
        createdAt: now,
        revokedAt: null,
      },
      event,
    );
    tokens[name] = token;
  }
  const key = mintAgentKey();
  await store.createAgentKey(
    {
      id: key.id,
      name: 'ci',
      secretHash: key.secretHash,
      createdAt: now,
      createdBy: 'cli:test',
      revokedAt: null,
    },
    event,
  );

  const lines: string[] = [];
  const sessions = new ConsoleSessions({ clock });
  const auth = createAuthenticator({
    store,
    sessions,
    clock,
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    log: (line) => lines.push(line),
    ...(options.oauth === undefined
      ? {}
      : {
          oauth: {
            issuer: 'https://issuer.example',
            audience: `${PUBLIC_URL}/mcp`,
            ...options.oauth,
          },
        }),
  });
  let reached = 0;
  const echo = (c: Context<ServeEnv>): Response => {
    reached++;
    return c.json({ principal: c.get('principal'), session: c.get('consoleSession') ?? null });
  };
  const app = new Hono<ServeEnv>();
  app.all('/mcp', auth.agent, echo);
  app.get('/api/state', auth.human('read'), echo);
  app.post('/api/state', auth.human('read'), echo);
  app.post('/api/approve', auth.human('review'), echo);
  app.post('/api/keys', auth.human('admin'), echo);
  app.route('/', auth.routes);
  return {
    app,
    auth,
    store,
    sessions,
    key,
    tokens,
    lines,
    reached: () => reached,
    advance: (ms) => (now += ms),
    now: () => now,
  };
}

/** Headers carrying `token` as a bearer credential. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Logs `user` in through the app; returns the cookie header value and the CSRF value. */
export async function login(
  app: Hono<ServeEnv>,
  user: string,
  password = PASSWORD,
): Promise<{ cookie: string; csrf: string; response: Response }> {
  const response = await app.request('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const body = (await response.clone().json()) as { csrf?: string };
  return { cookie, csrf: body.csrf ?? '', response };
}

/** `token` with one character of its secret changed (still well-formed): a wrong secret. */
export function withWrongSecret(token: string): string {
  const at = token.length - 2;
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}
