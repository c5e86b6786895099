import { join } from 'node:path';

import type { Transport } from '@modelcontextprotocol/server';

import type { Config } from '../../config/schema.js';
import type { UpstreamConfig } from '../../config/serve-schema.js';
import { ConfigError } from '../../shared/errors.js';
import type { JsonObject } from '../../surface/types.js';
import { createHttpUpstream } from '../../transports/http/http-upstream.js';
import { createChildUpstream } from '../../transports/stdio/child-upstream.js';
import { openFileHashCache } from '../../transports/stdio/hash-cache.js';
import { toLaunchProvenance, toRemoteProvenance } from '../../transports/stdio/provenance.js';

/** A configured upstream: its pinned launch provenance and a way to open a new session to it. */
export interface Upstream {
  name: string;
  launch: JsonObject;
  /** A fresh transport: one upstream session per client session (stdio: one process each). */
  connect(): Transport;
}

/** What the upstreams are built from. */
export interface UpstreamContext {
  config: Config;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
}

/**
 * The configured servers, with launch provenance computed once at start. Every variable a server
 * needs is read now, so a missing one is a start-up error, not a failure on some later session.
 * @throws ConfigError naming every server whose variables are missing (never their values).
 */
export function toUpstreams(context: UpstreamContext): Upstream[] {
  const { config, env } = context;
  const hashCache = openFileHashCache(join(context.home, 'hash-cache.json'));
  const missing: { path: string; message: string }[] = [];
  const need = (server: string, variable: string): string => {
    const value = env[variable];
    if (value === undefined) {
      missing.push({ path: `servers.${server}`, message: `$${variable} is not set` });
      return '';
    }
    return value;
  };
  const upstreams = Object.entries(config.servers).map(([name, server]) =>
    toUpstream(name, server, context, need, hashCache),
  );
  hashCache.save();
  if (missing.length > 0) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `servers need environment variables that are not set:\n${missing.map((m) => `  - ${m.path}: ${m.message}`).join('\n')}`,
      missing,
    );
  }
  return upstreams;
}

function toUpstream(
  name: string,
  server: UpstreamConfig,
  context: UpstreamContext,
  need: (server: string, variable: string) => string,
  hashCache: ReturnType<typeof openFileHashCache>,
): Upstream {
  const limits = {
    maxMessageBytes: context.config.limits.max_message_bytes,
    maxDepth: context.config.limits.max_depth,
  };
  if ('url' in server) {
    const url = new URL(server.url);
    const headers: Record<string, string> = {};
    for (const [header, variable] of Object.entries(server.headers_env)) {
      headers[header] = need(name, variable);
    }
    return {
      name,
      launch: toRemoteProvenance(url, server.transport),
      connect: () => createHttpUpstream({ url, headers, transport: server.transport, ...limits }),
    };
  }
  const cwd = server.cwd ?? context.cwd;
  let env: Record<string, string>;
  if (server.env === undefined) {
    env = Object.fromEntries(
      Object.entries(context.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
  } else {
    env = { PATH: context.env['PATH'] ?? '' };
    for (const [key, variable] of Object.entries(server.env)) env[key] = need(name, variable);
  }
  const launch = toLaunchProvenance({
    hashCache,
    command: server.command,
    args: server.args,
    envNames: [...server.pin_env, ...Object.keys(server.env ?? {})],
    cwd,
    path: env['PATH'] ?? context.env['PATH'] ?? '',
  });
  return {
    name,
    launch,
    connect: () =>
      createChildUpstream({ command: server.command, args: server.args, env, cwd, ...limits }),
  };
}
