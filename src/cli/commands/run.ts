import { join } from 'node:path';

import type { Transport } from '@modelcontextprotocol/server';

import { compileConfiguredPolicy } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { GatewaySession } from '../../gateway/index.js';
import type { CompiledPolicy } from '../../policy/index.js';
import { ensureHome } from '../../store/index.js';
import type { JsonObject } from '../../surface/types.js';
import { createHttpUpstream } from '../../transports/http/http-upstream.js';
import { createChildUpstream } from '../../transports/stdio/child-upstream.js';
import { openFileHashCache } from '../../transports/stdio/hash-cache.js';
import { toLaunchProvenance, toRemoteProvenance } from '../../transports/stdio/provenance.js';
import { createStdioDownstream } from '../../transports/stdio/stdio-downstream.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { describeConfigProblem, EXIT, readConfigOption, resolveHome } from '../deps.js';
import { toGatewayOptions } from '../gateway-options.js';
import { openGatewayServices } from '../gateway-services.js';
import { deriveServerName, parseHeaderOptions } from '../launch-options.js';

/** Options of `holdfast run`. */
export interface RunOptions extends GlobalOptions {
  name?: string;
  config?: string;
  posture?: 'discovery' | 'enforcing';
  recheck?: 'on-list' | 'every-call';
  url?: string;
  transport?: 'auto' | 'streamable-http' | 'sse';
  header?: string[];
  pinEnv?: string[];
  command: string[];
}

/** Process streams the run command relays MCP over (the real ones, or test doubles). */
export interface RunIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  cwd: string;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT). */
  stopSignal: Promise<string>;
}

/**
 * `holdfast run`: relays MCP between the client on stdin/stdout and one server, pinning its
 * surface. Exits when either side closes. Stdout carries only MCP; diagnostics go to stderr.
 */
export async function runCommand(options: RunOptions, deps: CliDeps, io: RunIo): Promise<number> {
  const log = (line: string): void => void deps.stderr.write(`holdfast: ${line}\n`);
  let config: Config;
  let policy: CompiledPolicy;
  try {
    config = readConfigOption(options.config);
    policy = compileConfiguredPolicy(config);
  } catch (error) {
    // Fail closed: without a valid configuration nothing is relayed.
    log(describeConfigProblem(error, options.config));
    return EXIT.USAGE;
  }
  if ((options.url === undefined) === (options.command.length === 0)) {
    log('give either a server command after -- or --url URL');
    return EXIT.USAGE;
  }
  const posture = options.posture ?? config.posture;
  const recheck = options.recheck ?? config.recheck;
  let upstream: Transport;
  let launch: JsonObject;
  let name: string;
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      log('--url is not a valid URL');
      return EXIT.USAGE;
    }
    const headers = parseHeaderOptions(options.header ?? []);
    if (headers === undefined) {
      log('--header must look like "Name: value"');
      return EXIT.USAGE;
    }
    const transport = options.transport ?? 'auto';
    upstream = createHttpUpstream({
      url,
      headers,
      transport,
      maxMessageBytes: config.limits.max_message_bytes,
      maxDepth: config.limits.max_depth,
    });
    launch = toRemoteProvenance(url, transport);
    name = options.name ?? url.hostname;
  } else {
    const [command, ...args] = options.command;
    if (command === undefined) return EXIT.USAGE;
    const env = Object.fromEntries(
      Object.entries(deps.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    upstream = createChildUpstream({
      command,
      args,
      env,
      cwd: io.cwd,
      maxMessageBytes: config.limits.max_message_bytes,
      maxDepth: config.limits.max_depth,
    });
    const home = resolveHome(options, deps.env);
    ensureHome(home);
    const hashCache = openFileHashCache(join(home, 'hash-cache.json'));
    launch = toLaunchProvenance({
      hashCache,
      command,
      args,
      envNames: options.pinEnv ?? [],
      cwd: io.cwd,
      path: deps.env['PATH'] ?? '',
    });
    hashCache.save();
    name = options.name ?? deriveServerName(command, args);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    log('--name must be 1-64 characters of letters, digits, ".", "_" or "-"');
    return EXIT.USAGE;
  }
  const services = await openGatewayServices(config, options, deps, log);
  if ('exit' in services) return services.exit;
  const { store, audit } = services;
  const downstream = createStdioDownstream({
    stdin: io.stdin,
    stdout: io.stdout,
    maxMessageBytes: config.limits.max_message_bytes,
    maxDepth: config.limits.max_depth,
  });
  const session = new GatewaySession(
    downstream,
    upstream,
    toGatewayOptions(config, () => policy, {
      name,
      store,
      launch,
      audit,
      clock: deps.clock,
      log,
      posture,
      recheck,
    }),
  );
  void io.stopSignal.then((signal) => session.close(`received ${signal}`));
  try {
    await session.start();
  } catch (error) {
    log(`could not start: ${(error as Error).message}`);
    await session.close('start failed');
    await services.close();
    return EXIT.FAILURE;
  }
  await session.done;
  await services.close();
  return session.endedByServer ? EXIT.FAILURE : EXIT.OK;
}
