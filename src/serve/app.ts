/**
 * The HTTP application of `holdfast serve`: MCP endpoints for agents, the console and its API for
 * humans, `/metrics`, one server. Request → Response only (Hono); the node:http adapter and every
 * dependency are given by the composition root, so the whole app is testable without sockets.
 *
 * Endpoints: `/mcp` fronts every configured server (namespaced `server__tool` when there are
 * several), `/mcp/<server>` one server with its own names.
 */
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';

import type { Permission } from '../auth/types.js';
import { principalLabel } from '../auth/types.js';
import type { ServeEnv } from './env.js';
import type { McpSessions } from './mcp-sessions.js';

/** What the app is assembled from. */
export interface ServeAppDeps {
  sessions: McpSessions;
  /** The configured server names, each with its own endpoint. */
  servers: readonly string[];
  /** Authenticates agents (agent keys, OAuth JWTs) on MCP endpoints. */
  agentAuth: MiddlewareHandler<ServeEnv>;
  /** Authenticates humans holding a permission (console, API, metrics). */
  humanAuth: (permission: Permission) => MiddlewareHandler<ServeEnv>;
  /** `/auth/*` (login, logout, me) and OAuth metadata. */
  authRoutes: Hono<ServeEnv>;
  /** `/console`, `/api/*`. */
  console: Hono<ServeEnv>;
  metrics: { render(): Promise<string>; contentType: string };
  /** Serve `/metrics` without authentication (`serve.metrics: public`). */
  isMetricsPublic: boolean;
  /** Run on every request, in order: security headers, origin check, access log. */
  middleware: readonly MiddlewareHandler<ServeEnv>[];
}

const MCP_METHODS = new Set(['GET', 'POST', 'DELETE']);

/** Builds the app. */
export function createServeApp(deps: ServeAppDeps): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();
  for (const handler of deps.middleware) app.use('*', handler);

  const servers = new Set(deps.servers);
  const mcp =
    (endpoint: (server: string | undefined) => string | undefined) =>
    async (c: Parameters<MiddlewareHandler<ServeEnv>>[0]): Promise<Response> => {
      if (!MCP_METHODS.has(c.req.method)) {
        return c.json({ error: 'method not allowed' }, 405, { Allow: 'GET, POST, DELETE' });
      }
      const name = endpoint(c.req.param('server'));
      if (name === undefined) return c.json({ error: 'no such server' }, 404);
      return deps.sessions.handle(c.req.raw, name, principalLabel(c.get('principal')));
    };
  app.all(
    '/mcp',
    deps.agentAuth,
    mcp(() => ''),
  );
  app.all(
    '/mcp/:server',
    deps.agentAuth,
    mcp((server) => (server !== undefined && servers.has(server) ? server : undefined)),
  );

  const metricsGuard: MiddlewareHandler<ServeEnv> = deps.isMetricsPublic
    ? async (_c, next) => next()
    : deps.humanAuth('read');
  app.get('/metrics', metricsGuard, async (c) => {
    const body = await deps.metrics.render();
    return c.body(body, 200, { 'Content-Type': deps.metrics.contentType });
  });
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.route('/', deps.authRoutes);
  app.route('/', deps.console);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((_error, c) => c.json({ error: 'internal error' }, 500));
  return app;
}
