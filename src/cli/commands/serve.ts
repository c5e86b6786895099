import type { AddressInfo } from 'node:net';

import { serve as listen } from '@hono/node-server';

import { verifierKeyOf } from '../../audit/note.js';
import { compileConfiguredPolicy } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { CompiledPolicy } from '../../policy/index.js';
import { createJsonLogger, toLineLogger } from '../../serve/logger.js';
import { McpSessions } from '../../serve/mcp-sessions.js';
import { createServeMetrics } from '../../serve/metrics.js';
import { createRulesHolder } from '../../serve/rules-holder.js';
import { createSignedHeadGuard, loadOrCreateAuditKey } from '../../store/file/audit-key.js';
import type { Store } from '../../store/index.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import {
  describeConfigProblem,
  EXIT,
  readConfigOption,
  resolveHome,
  signDecisionCheckpoint,
} from '../deps.js';
import { openGatewayServices } from '../gateway-services.js';
import { assembleServeApp } from '../serve/assemble.js';
import type { ListenAddress } from '../serve/listen-address.js';
import { isLoopbackHost, toListenAddress } from '../serve/listen-address.js';
import { createSessionFactory } from '../serve/open-session.js';
import type { Upstream } from '../serve/upstreams.js';
import { toUpstreams } from '../serve/upstreams.js';

/** Options of `holdfast serve`. */
export interface ServeOptions extends GlobalOptions {
  config?: string;
  listen?: string;
}

/** What the serve command needs from the process. */
export interface ServeIo {
  cwd: string;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT). */
  stopSignal: Promise<string>;
}

/** How often the held-calls gauge is refreshed. */
const HOLD_GAUGE_MS = 5_000;
const VERSION = '0.1.0';

interface Prepared {
  config: Config;
  policy: CompiledPolicy;
  upstreams: Upstream[];
  address: ListenAddress;
}

/**
 * `holdfast serve`: the shared gateway (docs/serve.md). Agents connect over Streamable HTTP with
 * agent keys or OAuth tokens; humans use the console. Logs are JSON lines on stdout; start-up
 * problems go to stderr, as for every other command.
 */
export async function serveCommand(
  options: ServeOptions,
  deps: CliDeps,
  io: ServeIo,
): Promise<number> {
  const fail = (line: string): void => void deps.stderr.write(`holdfast: ${line}\n`);
  const home = resolveHome(options, deps.env);
  let prepared: Prepared;
  try {
    const config = readConfigOption(options.config);
    prepared = {
      config,
      policy: compileConfiguredPolicy(config),
      address: toListenAddress(options.listen ?? config.serve.listen),
      upstreams: toUpstreams({ config, env: deps.env, cwd: io.cwd, home }),
    };
  } catch (error) {
    fail(describeConfigProblem(error, options.config));
    return EXIT.USAGE;
  }
  const { config, upstreams } = prepared;
  if (upstreams.length === 0) {
    fail('no servers to serve: add a `servers:` section to the configuration (docs/serve.md)');
    return EXIT.USAGE;
  }
  const metrics = createServeMetrics();
  const services = await openGatewayServices(config, options, deps, fail, (opened) =>
    metrics.instrumentAuditStore(opened),
  );
  if ('exit' in services) return services.exit;
  const { store, audit } = services;
  let verifierKey: string;
  try {
    verifierKey = verifierKeyOf(loadOrCreateAuditKey(home));
  } catch (error) {
    fail(`cannot read the audit key: ${(error as Error).message}`);
    await services.close();
    return EXIT.FAILURE;
  }
  const logger = createJsonLogger({ stream: deps.stdout, level: 'info' });
  const log = toLineLogger(logger, {});
  const rules = createRulesHolder({
    config,
    policy: prepared.policy,
    path: options.config,
    store,
    clock: deps.clock,
    log: toLineLogger(logger, { component: 'rules' }),
  });
  const sessions = new McpSessions({
    open: createSessionFactory({
      config,
      upstreams,
      policy: () => rules.current(),
      shared: {
        store,
        audit,
        clock: deps.clock,
        posture: config.posture,
        recheck: config.recheck,
      },
      logFor: (server, principal) => toLineLogger(logger, { server, principal }),
      version: VERSION,
    }),
    maxSessions: config.serve.max_sessions,
    idleTimeoutMs: config.serve.session_idle_timeout * 1000,
    clock: deps.clock,
    log,
    onCount: (count) => metrics.setSessions(count),
  });
  const shutdown = async (): Promise<void> => {
    await sessions.closeAll('holdfast is stopping');
    await services.close();
  };

  // Listen first: with port 0 the URL (and so the allowed origin) is known only then.
  let handler: (request: Request) => Response | Promise<Response> = () =>
    Response.json({ error: 'starting' }, { status: 503 });
  let server: ReturnType<typeof listen> | undefined;
  const bound = await new Promise<AddressInfo>((resolve, reject) => {
    server = listen(
      {
        fetch: (request: Request) => handler(request),
        hostname: prepared.address.host,
        port: prepared.address.port,
      },
      resolve,
    );
    server.once('error', reject);
  }).catch((error: unknown) => {
    fail(
      `cannot listen on ${prepared.address.host}:${prepared.address.port}: ${(error as Error).message}`,
    );
    return undefined;
  });
  if (bound === undefined || server === undefined) {
    await shutdown();
    return EXIT.FAILURE;
  }
  const { app, url } = assembleServeApp({
    config,
    address: { host: prepared.address.host, port: bound.port },
    store,
    sessions,
    servers: upstreams.map((u) => u.name),
    rules,
    metrics,
    logger,
    accessLogger: createJsonLogger({ stream: deps.stdout, level: 'info', redact: false }),
    clock: deps.clock,
    signCheckpoint: () => signDecisionCheckpoint(store, options, deps),
    verifierKey,
    signedHead: () => createSignedHeadGuard(home).read(),
  });
  handler = (request) => app.fetch(request);

  const holdGauge = setInterval(() => {
    store.listHolds({ state: 'pending' }).then(
      (holds) => metrics.setPendingHolds(holds.length),
      () => undefined,
    );
  }, HOLD_GAUGE_MS);
  holdGauge.unref();
  logger.info(
    {
      url,
      endpoints: ['/mcp', ...upstreams.map((u) => `/mcp/${u.name}`)],
      console: `${url}/console`,
    },
    'listening',
  );
  if (!isLoopbackHost(prepared.address.host)) {
    log(
      `listening on ${prepared.address.host}, not only loopback: put TLS in front and set serve.public_url`,
    );
  }
  await warnIfUnusable(store, log);

  const signal = await io.stopSignal;
  logger.info({ signal }, 'stopping');
  clearInterval(holdGauge);
  const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
  await shutdown();
  // Open SSE streams would keep the listener alive; they have been ended with their sessions.
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  await closed;
  return EXIT.OK;
}

/** Says how to create the first key and user when there are none yet. */
async function warnIfUnusable(store: Store, log: (line: string) => void): Promise<void> {
  const keys = (await store.listAgentKeys()).filter((k) => k.revokedAt === null);
  const users = (await store.listUsers()).filter((u) => u.disabledAt === null);
  if (keys.length === 0) {
    log('no agent keys yet: agents cannot connect until you run `holdfast keys create NAME`');
  }
  if (users.length === 0) {
    log('no console users yet: run `holdfast users add NAME --role admin` to create one');
  }
}
