import type { Hono } from 'hono';
import type { Logger } from 'pino';

import { ConsoleSessions } from '../../auth/index.js';
import { toRiskSettings } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { RulesHolder } from '../../console/index.js';
import { createConsoleApp } from '../../console/index.js';
import { createAccessLog } from '../../serve/access-log.js';
import { createServeApp } from '../../serve/app.js';
import { createAuthenticator } from '../../serve/auth.js';
import type { ServeEnv } from '../../serve/env.js';
import { toLineLogger } from '../../serve/logger.js';
import type { McpSessions } from '../../serve/mcp-sessions.js';
import type { ServeMetrics } from '../../serve/metrics.js';
import { originCheck } from '../../serve/origin-check.js';
import { securityHeaders } from '../../serve/security-headers.js';
import type { Clock } from '../../shared/clock.js';
import type { Store } from '../../store/index.js';
import { createJwksFetcher } from '../../transports/http/jwks-fetcher.js';
import type { ListenAddress } from './listen-address.js';
import { toPublicUrl } from './listen-address.js';

/** Everything the HTTP app of `holdfast serve` is assembled from. */
export interface AssembleOptions {
  config: Config;
  /** Where the server actually listens (the real port when 0 was asked for). */
  address: ListenAddress;
  store: Store;
  sessions: McpSessions;
  servers: readonly string[];
  rules: RulesHolder;
  metrics: ServeMetrics;
  logger: Logger;
  /** The same stream without redaction: access log lines carry no secrets by construction. */
  accessLogger: Logger;
  clock: Clock;
  signCheckpoint: () => Promise<void>;
  verifierKey: string;
  /** The signer's own record of its last checkpoint, for "verify now". */
  signedHead: () => string | undefined;
}

/**
 * Builds the app once the address is known: the allowed origin and host, cookie security and the
 * OAuth resource metadata all follow from the URL clients use.
 */
export function assembleServeApp(options: AssembleOptions): { app: Hono<ServeEnv>; url: string } {
  const { config, store, metrics, logger, clock } = options;
  const url = toPublicUrl(config.serve.public_url, options.address);
  const listenUrl = new URL(toPublicUrl(undefined, options.address));
  const oauth = config.serve.oauth;
  const jwks =
    oauth === undefined
      ? undefined
      : createJwksFetcher({
          url: oauth.jwks_url,
          clock,
          log: toLineLogger(logger, { component: 'oauth' }),
        });
  const auth = createAuthenticator({
    store,
    sessions: new ConsoleSessions({ clock }),
    clock,
    publicUrl: url,
    log: toLineLogger(logger, { component: 'auth' }),
    ...(oauth === undefined || jwks === undefined
      ? {}
      : {
          oauth: {
            issuer: oauth.issuer,
            audience: oauth.audience,
            requiredScopes: oauth.required_scopes,
            keys: (kid, alg) => jwks.key(kid, alg),
          },
        }),
  });
  const consoleApp = createConsoleApp({
    store,
    clock,
    guard: auth.human,
    signCheckpoint: options.signCheckpoint,
    verifierKey: options.verifierKey,
    signedHead: options.signedHead,
    rules: options.rules,
    risk: toRiskSettings(config),
    log: toLineLogger(logger, { component: 'console' }),
  });
  const app = createServeApp({
    sessions: options.sessions,
    servers: options.servers,
    agentAuth: auth.agent,
    humanAuth: auth.human,
    authRoutes: auth.routes,
    console: consoleApp,
    metrics,
    isMetricsPublic: config.serve.metrics === 'public',
    middleware: [
      // First, so refusals below are logged and counted too.
      createAccessLog({ log: toLineLogger(options.accessLogger, { component: 'http' }), metrics }),
      securityHeaders(),
      originCheck({
        allowedOrigins: [new URL(url).origin, listenUrl.origin, ...config.serve.allowed_origins],
        allowedHosts: [new URL(url).host, listenUrl.host],
      }),
    ],
  });
  return { app, url };
}
