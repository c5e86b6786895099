/**
 * A console under test: `createConsoleApp` over a real SQLite store in a temporary home, the real
 * rules holder on a real config file, checkpoints signed with the home's audit key (as the CLI
 * does), and a test guard that takes the caller's role and name from headers. State is seeded
 * through the real domain functions: observations through the pinning and risk transitions, holds
 * through `createHold`, anomalies and results through the gateway's audit-event builders.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Hono, MiddlewareHandler } from 'hono';
import { afterEach, beforeEach } from 'vitest';

import { createHold } from '../../src/approvals/index.js';
import { verifierKeyOf } from '../../src/audit/note.js';
import type { Permission, Role } from '../../src/auth/types.js';
import { hasPermission, ROLES } from '../../src/auth/types.js';
import { openAuditSigning } from '../../src/cli/deps.js';
import { parseConfig } from '../../src/config/load.js';
import type { ConsoleDeps } from '../../src/console/index.js';
import { createConsoleApp } from '../../src/console/index.js';
import { toAnomalyEvent, toResultEvent } from '../../src/gateway/audit-events.js';
import { toOtherTools, withRiskAssessment } from '../../src/pinning/risk-transition.js';
import { applyObservation } from '../../src/pinning/status.js';
import { DEFAULT_RISK_SETTINGS, scanSurface } from '../../src/risk/index.js';
import type { ServeEnv } from '../../src/serve/env.js';
import { createRulesHolder } from '../../src/serve/rules-holder.js';
import { loadOrCreateAuditKey } from '../../src/store/file/audit-key.js';
import type { Anomaly, Hold, Store } from '../../src/store/index.js';
import { defaultDbPath, ensureHome, openSqliteStore } from '../../src/store/index.js';
import type { JsonValue, Surface } from '../../src/surface/types.js';
import { NOW, observe } from '../support/cli-fixtures.js';

/** When the humans act: a minute after the seeded observations. */
export const LATER = NOW + 60_000;

/** The config file every test starts from: comments and keys the rules editor must keep. */
export const CONFIG_TEXT = `# Holdfast test gateway
posture: discovery # trust on first use
# Per-call rules
rules:
  - id: notes-review-sends # sends need a human
    match: { server: notes, tool: send_note }
    verdict: pending_approval
    reason: sending notes needs a human
limits:
  max_depth: 32
`;

/** Everything a test drives and inspects. */
export interface ConsoleHarness {
  readonly app: Hono<ServeEnv>;
  readonly store: Store;
  readonly home: string;
  readonly configPath: string;
  readonly deps: ConsoleDeps;
  /** Lines the console logged. */
  readonly logs: string[];
  /** How many times the console asked for a checkpoint. */
  signed(): number;
  /** A request as `role` (`name` defaults to the role's own name), or anonymous without a role. */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** Feeds `surfaces` to the real pinning and risk transitions for server `name`. */
  observe(name: string, ...surfaces: Surface[]): Promise<void>;
  /** Holds a call through the real hold factory, created at `createdAt`. */
  hold(input: { server: string; name: string; createdAt: number; ttlMs?: number }): Promise<Hold>;
  /** Records an anomaly with its gateway audit entry. */
  anomaly(anomaly: Anomaly): Promise<void>;
  /** Records a `result` entry whose raw result is kept as a payload; returns its index. */
  keptResult(server: string, result: JsonValue): Promise<number>;
}

/** Options of {@link ConsoleHarness.call}. */
export interface CallOptions {
  role?: Role;
  name?: string;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  headers?: Record<string, string>;
}

/** The test guard: `x-test-role` and `x-test-user` stand for an authenticated human. */
function testGuard(permission: Permission): MiddlewareHandler<ServeEnv> {
  return async (c, next) => {
    const role = c.req.header('x-test-role');
    if (role === undefined || !(ROLES as readonly string[]).includes(role)) {
      return c.json({ error: 'sign in first', code: 'UNAUTHENTICATED' }, 401);
    }
    if (!hasPermission(role as Role, permission)) {
      return c.json({ error: 'your role cannot do this', code: 'FORBIDDEN' }, 403);
    }
    const name = c.req.header('x-test-user') ?? role;
    c.set('principal', { kind: 'human', via: 'password', id: name, name, role: role as Role });
    await next();
    return undefined;
  };
}

/**
 * Gives each test of the calling file a fresh {@link ConsoleHarness} (created in `beforeEach`,
 * closed and removed in `afterEach`); the returned getter reads the current test's.
 */
export function useConsoleHarness(): () => ConsoleHarness {
  let current: { harness: ConsoleHarness; dir: string } | undefined;
  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-console-'));
    current = { harness: createHarness(dir), dir };
  });
  afterEach(async () => {
    if (current === undefined) return;
    await current.harness.store.close();
    rmSync(current.dir, { recursive: true, force: true });
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('no test is running');
    return current.harness;
  };
}

function createHarness(dir: string): ConsoleHarness {
  const home = join(dir, 'home');
  ensureHome(home);
  const store = openSqliteStore({ path: defaultDbPath(home) });
  const configPath = join(dir, 'holdfast.yaml');
  writeFileSync(configPath, CONFIG_TEXT, { mode: 0o600 });
  const clock = { now: () => LATER };
  const logs: string[] = [];
  let signed = 0;
  const deps: ConsoleDeps = {
    store,
    clock,
    guard: testGuard,
    signCheckpoint: async () => {
      signed += 1;
      await store.addCheckpoint(openAuditSigning(home));
    },
    verifierKey: verifierKeyOf(loadOrCreateAuditKey(home)),
    rules: createRulesHolder({
      config: parseConfig(CONFIG_TEXT, configPath),
      path: configPath,
      store,
      clock,
    }),
    risk: DEFAULT_RISK_SETTINGS,
    log: (line) => logs.push(line),
  };
  const app = createConsoleApp(deps);
  return {
    app,
    store,
    home,
    configPath,
    deps,
    logs,
    signed: () => signed,
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.role !== undefined) {
        headers['x-test-role'] = options.role;
        headers['x-test-user'] = options.name ?? options.role;
      }
      const init: RequestInit = { method, headers };
      if (options.json !== undefined) {
        headers['Content-Type'] ??= 'application/json';
        init.body = JSON.stringify(options.json);
      }
      return app.request(path, init);
    },
    observe: async (name, ...surfaces) => {
      for (const surface of surfaces) {
        const observation = observe(surface);
        const others = toOtherTools(await store.listServers(), name);
        const assessment = scanSurface(
          surface,
          { server: name, otherTools: others },
          DEFAULT_RISK_SETTINGS,
        );
        await store.update(name, (current) => {
          const ctx = { name, now: NOW };
          const transition = applyObservation(current, observation, 'discovery', ctx);
          return withRiskAssessment(
            current,
            transition,
            observation,
            assessment,
            { newMode: 'quarantine' },
            ctx,
          );
        });
      }
    },
    hold: async ({ server, name, createdAt, ttlMs = 60_000 }) => {
      const hold = createHold(
        {
          server,
          method: 'tools/call',
          name,
          principal: 'key:agent-1',
          definitionDigest: null,
          argsDigest: `sha256:${'f'.repeat(64)}`,
          ruleId: 'notes-review-sends',
          reason: 'sending notes needs a human',
        },
        { now: () => createdAt },
        ttlMs,
      );
      await store.createHold(hold);
      return hold;
    },
    anomaly: async (anomaly) => {
      await store.recordAnomaly(anomaly, toAnomalyEvent(anomaly, null));
    },
    keptResult: async (server, result) => {
      const event = toResultEvent(
        { at: LATER, server, session: 'ses_test', id: 7, method: 'tools/call', keepPayloads: true },
        0,
        { result, isError: false, durationUs: 120 },
      );
      const [index] = await store.appendAudit([event]);
      if (index === undefined) throw new Error('nothing appended');
      return index;
    },
  };
}
