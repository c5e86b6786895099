/**
 * One log line and one metrics observation per HTTP request of `holdfast serve` (issue 6; the line
 * format is in docs/metrics.md). A line holds the method, a fixed route label, the status, the time
 * to the response headers and who asked: never the path's query string, a header or a body, which
 * can carry tokens, session cookies and tool arguments.
 */
import { performance } from 'node:perf_hooks';

import type { MiddlewareHandler } from 'hono';

import type { Principal } from '../auth/types.js';
import { principalLabel } from '../auth/types.js';
import type { ServeEnv } from './env.js';
import type { HttpRoute, ServeMetrics } from './metrics.js';

/** One access log line's fields. */
export interface AccessLogEntry {
  method: string;
  route: HttpRoute;
  status: number;
  /** Milliseconds to the response headers (a streamed body may flow for longer), to 1µs. */
  ms: number;
  /** `key:<name>`, `oauth:<sub>` or `user:<name>`, once authentication identified the caller. */
  principal?: string;
}

/**
 * Where the lines go: a line logger (`toLineLogger` in logger.ts), whose `fields` writes the entry
 * as top-level JSON fields; any other `(line) => void` gets the entry as one JSON text.
 */
export type AccessLogSink = ((line: string) => void) & {
  fields?: (fields: Readonly<Record<string, unknown>>, msg: string) => void;
};

/** Options for {@link createAccessLog}. */
export interface AccessLogOptions {
  log: AccessLogSink;
  metrics: Pick<ServeMetrics, 'observeHttp'>;
  /** The route label of a path; default {@link toHttpRoute}. */
  routeOf?: (path: string) => HttpRoute;
  /** A monotonic clock in milliseconds (default `performance.now`), injected for tests. */
  now?: () => number;
}

/** The `msg` of every access log line. */
export const ACCESS_LOG_MESSAGE = 'http request';

/** Path prefixes of the serve app's parts, each with its route label (app.ts has the routes). */
const ROUTE_PREFIXES: readonly (readonly [prefix: string, route: HttpRoute])[] = [
  ['/mcp', 'mcp'],
  ['/console', 'console'],
  ['/api', 'api'],
  ['/auth', 'auth'],
  ['/.well-known', 'auth'],
  ['/metrics', 'metrics'],
];

/** The route label of `path`: the part of the server it belongs to, else `other`. */
export function toHttpRoute(path: string): HttpRoute {
  for (const [prefix, route] of ROUTE_PREFIXES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return route;
  }
  return 'other';
}

/**
 * The middleware. Put it first, so requests refused by later middleware (origin check,
 * authentication) are logged and counted too.
 */
export function createAccessLog(options: AccessLogOptions): MiddlewareHandler<ServeEnv> {
  const now = options.now ?? (() => performance.now());
  const routeOf = options.routeOf ?? toHttpRoute;
  const record = (
    c: Parameters<MiddlewareHandler<ServeEnv>>[0],
    status: number,
    started: number,
  ): void => {
    const elapsed = Math.max(0, now() - started);
    const route = routeOf(c.req.path);
    // Set by the authentication middleware, when the request got that far.
    const principal = c.get('principal') as Principal | undefined;
    const entry: AccessLogEntry = {
      method: c.req.method,
      route,
      status,
      ms: Math.round(elapsed * 1000) / 1000,
      ...(principal === undefined ? {} : { principal: principalLabel(principal) }),
    };
    try {
      options.metrics.observeHttp(route, status, elapsed / 1000);
      if (options.log.fields === undefined) options.log(JSON.stringify(entry));
      else options.log.fields({ ...entry }, ACCESS_LOG_MESSAGE);
    } catch {
      // A failing log or metric must not turn an answered request into an error.
    }
  };
  return async (c, next) => {
    const started = now();
    try {
      await next();
    } catch (error) {
      // Hono turns handler errors into responses; this is for one that escaped anyway.
      record(c, 500, started);
      throw error;
    }
    record(c, c.res.status, started);
  };
}
