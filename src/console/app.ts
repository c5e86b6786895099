/**
 * The web console of `holdfast serve` (issue 6): static files under `/console` (a shell and ES
 * modules, no build step) and a JSON API under `/api` that the page calls. Every API route is
 * behind `deps.guard` (authentication, role, CSRF on writes); every write goes through the same
 * domain functions as the CLI with the human's principal label as the actor, so it is audited with
 * their identity. Nothing here reaches MCP: agents cannot approve (I7).
 */
import { Hono } from 'hono';

import type { ServeEnv } from '../serve/env.js';
import { createErrorHandler } from './api-support.js';
import type { ConsoleDeps } from './deps.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerQueueRoutes } from './routes/queue-routes.js';
import { registerRulesRoutes } from './routes/rules-routes.js';
import { registerServerRoutes } from './routes/server-routes.js';
import { createStaticHandler } from './static-files.js';

/** Options for {@link createConsoleApp} beyond its deps (tests point `assets` elsewhere). */
export interface ConsoleAppOptions {
  /** The folder of the static files (default `web/console/` of the package). */
  assets?: string;
}

/** Builds the console's routes; `holdfast serve` mounts them at `/`. */
export function createConsoleApp(
  deps: ConsoleDeps,
  options: ConsoleAppOptions = {},
): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();
  app.onError(createErrorHandler(deps.log));

  const serveStatic = createStaticHandler(options.assets);
  app.get('/', (c) => c.redirect('/console', 302));
  app.get('/console', serveStatic);
  app.get('/console/*', serveStatic);

  registerServerRoutes(app, deps);
  registerQueueRoutes(app, deps);
  registerRulesRoutes(app, deps);
  registerAuditRoutes(app, deps);
  return app;
}
