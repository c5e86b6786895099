import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { toRiskSettings } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { errorCode } from '../../gateway/describe-error.js';
import type { RiskSettings, ScannableSurface } from '../../risk/index.js';
import { scanSurface } from '../../risk/index.js';
import { ConfigError, SurfaceError } from '../../shared/errors.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import {
  describeConfigProblem,
  EXIT,
  readConfigOption,
  toTerminalSafe,
  writeJson,
} from '../deps.js';
import { deriveServerName, parseHeaderOptions } from '../launch-options.js';
import { parseClientConfig, parseToolList } from '../scan/inputs.js';
import { probeServer } from '../scan/probe-server.js';
import { readInputText } from '../scan/read-input.js';
import { renderScan } from '../scan/render-scan.js';
import type { FailOn, ServerScan } from '../scan/report.js';
import { toScanJson, toScanReport } from '../scan/report.js';
import { toSarif } from '../scan/sarif.js';
import type { ScanTarget } from '../scan/targets.js';
import { createTargetTransport, describeProbeFailure } from '../scan/targets.js';

/** Where to read about Holdfast (SARIF `informationUri`). */
const INFORMATION_URI = 'https://www.npmjs.com/package/holdfast';

/** Options of `holdfast scan`. */
export interface ScanOptions extends GlobalOptions {
  name?: string;
  url?: string;
  transport?: 'auto' | 'streamable-http' | 'sse';
  header?: string[];
  file?: string;
  clientConfig?: string;
  server?: string[];
  config?: string;
  failOn?: FailOn;
  /** Milliseconds one server's whole probe may take. */
  timeout?: number;
  sarif?: boolean;
  command: string[];
}

/** What the scan command reads besides its options. */
export interface ScanIo {
  /** Read for `--file -`. */
  stdin: NodeJS.ReadableStream;
  cwd: string;
}

/** A server's name and where it came from. */
type ServerHead = Omit<ServerScan, 'outcome'>;

/** A server whose surface is known (probed, or read from a file), or why it is not. */
type Entry =
  | { scan: ServerHead; surface: ScannableSurface }
  | { scan: ServerHead; failure: Extract<ServerScan['outcome'], { kind: 'failed' }> };

/**
 * `holdfast scan`: reads one or more servers' whole surfaces (launching, connecting or reading a
 * saved list), runs the risk engine over every item, prints the findings and fails the build
 * (exit 6) when an item reaches `--fail-on`. Nothing is pinned or stored.
 */
export async function scanCommand(
  options: ScanOptions,
  deps: CliDeps,
  io: ScanIo,
): Promise<number> {
  const log = (line: string): void => void deps.stderr.write(`holdfast: ${line}\n`);
  const problem = usageProblem(options);
  if (problem !== undefined) {
    log(problem);
    return EXIT.USAGE;
  }
  let config: Config;
  try {
    config = readConfigOption(options.config);
  } catch (error) {
    log(describeConfigProblem(error, options.config));
    return EXIT.USAGE;
  }
  const settings = toRiskSettings(config);
  const failOn = options.failOn ?? 'high';
  const limits = { maxItems: config.limits.max_items, maxPages: config.limits.max_pages };
  const parseLimits = {
    maxBytes: config.limits.max_message_bytes,
    maxDepth: config.limits.max_depth,
    maxItems: config.limits.max_items,
  };

  let targets: ScanTarget[] = [];
  const entries: Entry[] = [];
  try {
    if (options.file !== undefined) {
      const text = await readInputText(options.file, io.stdin, parseLimits.maxBytes);
      const tools = parseToolList(text, parseLimits);
      const name = options.name ?? (options.file === '-' ? 'stdin' : basename(options.file));
      entries.push({
        scan: { name, source: 'file', file: options.file },
        surface: { server: {}, tools, prompts: {}, resources: {}, resourceTemplates: {} },
      });
    } else if (options.clientConfig !== undefined) {
      const file = options.clientConfig;
      const text = await readInputText(file, io.stdin, parseLimits.maxBytes);
      const servers = parseClientConfig(text, file, parseLimits);
      const unknown = (options.server ?? []).filter((n) => !servers.some((s) => s.name === n));
      if (unknown.length > 0) {
        log(`${file} has no server named ${unknown.map((n) => toTerminalSafe(n)).join(', ')}`);
        return EXIT.USAGE;
      }
      const wanted = options.server === undefined ? undefined : new Set(options.server);
      targets = servers
        .filter((s) => wanted?.has(s.name) ?? true)
        .map((s) => ({ name: s.name, source: 'client-config', file, launch: s.launch }));
    } else {
      const target = toCommandLineTarget(options);
      if (typeof target === 'string') {
        log(target);
        return EXIT.USAGE;
      }
      targets = [target];
    }
  } catch (error) {
    log(describeInputProblem(error, options.file ?? options.clientConfig ?? ''));
    return EXIT.USAGE;
  }

  const context = {
    baseEnv: deps.env,
    cwd: io.cwd,
    maxMessageBytes: config.limits.max_message_bytes,
    maxDepth: config.limits.max_depth,
  };
  const version = holdfastVersion();
  for (const target of targets) {
    const scan: ServerHead = { name: target.name, source: target.source };
    if (target.file !== undefined) scan.file = target.file;
    log(`scanning ${toTerminalSafe(target.name)}…`);
    try {
      const surface = await probeServer(createTargetTransport(target.launch, context), {
        timeoutMs: options.timeout ?? config.request_timeout_ms,
        limits,
        clientInfo: { name: 'holdfast-scan', version },
      });
      entries.push({ scan, surface });
    } catch (error) {
      const { code, message } = describeProbeFailure(error);
      log(`could not scan ${toTerminalSafe(target.name)}: ${code}: ${message}`);
      entries.push({ scan, failure: { kind: 'failed', code, message } });
    }
  }

  const report = toScanReport(assess(entries, settings), failOn);
  if (options.sarif === true) {
    writeJson(deps, toSarif(report, { version, informationUri: INFORMATION_URI }));
  } else if (options.json === true) {
    writeJson(deps, toScanJson(report));
  } else {
    deps.stdout.write(renderScan(report));
  }
  if (report.failed) return EXIT.RISK;
  return report.servers.some((s) => s.outcome.kind === 'failed') ? EXIT.FAILURE : EXIT.OK;
}

/**
 * One message saying why an input file cannot be scanned: the file and the reason, with the code
 * and JSON pointer of a parse fault (key names escaped), never the file's content.
 */
function describeInputProblem(error: unknown, file: string): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof SurfaceError) {
    const path = error.details['path'];
    const at = typeof path === 'string' ? ` at ${toTerminalSafe(path)}` : '';
    return `${file === '-' ? 'stdin' : file}: ${error.code}: ${error.message}${at}`;
  }
  return `cannot read ${file}: ${errorCode(error)}`;
}

/** Why the options cannot be used together, or undefined when they can. */
function usageProblem(options: ScanOptions): string | undefined {
  const inputs = [
    options.command.length > 0,
    options.url !== undefined,
    options.file !== undefined,
    options.clientConfig !== undefined,
  ].filter(Boolean).length;
  if (inputs !== 1) {
    return 'give exactly one of: a server command after --, --url URL, --file FILE, --client-config FILE';
  }
  if (options.json === true && options.sarif === true) return '--json and --sarif are exclusive';
  if (options.server !== undefined && options.clientConfig === undefined) {
    return '--server only selects servers of --client-config';
  }
  if (options.name !== undefined && options.clientConfig !== undefined) {
    return '--name cannot rename the servers of --client-config (their names come from the file)';
  }
  if (
    (options.header !== undefined || options.transport !== undefined) &&
    options.url === undefined
  ) {
    return '--header and --transport apply to --url only';
  }
  if (options.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(options.name)) {
    return '--name must be 1-64 characters of letters, digits, ".", "_" or "-"';
  }
  return undefined;
}

/** The one target of `-- CMD ARGS…` or `--url`, or a usage message. */
function toCommandLineTarget(options: ScanOptions): ScanTarget | string {
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      return '--url is not a valid URL';
    }
    const headers = parseHeaderOptions(options.header ?? []);
    if (headers === undefined) return '--header must look like "Name: value"';
    return {
      name: options.name ?? url.hostname,
      source: 'url',
      launch: { kind: 'remote', url, headers, transport: options.transport ?? 'auto' },
    };
  }
  const [command, ...args] = options.command;
  if (command === undefined) return 'give a server command after --';
  return {
    name: options.name ?? deriveServerName(command, args),
    source: 'command',
    launch: { kind: 'stdio', command, args, env: {} },
  };
}

/**
 * Runs the engine over every known surface, in order. Each server is told which of its tool names
 * other servers of the same scan also advertise (shadowing).
 */
function assess(entries: readonly Entry[], settings: RiskSettings): ServerScan[] {
  const owners = new Map<string, string[]>();
  for (const entry of entries) {
    if (!('surface' in entry)) continue;
    for (const tool of Object.keys(entry.surface.tools)) {
      owners.set(tool, [...(owners.get(tool) ?? []), entry.scan.name]);
    }
  }
  return entries.map((entry): ServerScan => {
    if (!('surface' in entry)) return { ...entry.scan, outcome: entry.failure };
    const otherTools = new Map<string, string[]>();
    for (const [tool, servers] of owners) {
      const others = servers.filter((s) => s !== entry.scan.name);
      if (others.length > 0) otherTools.set(tool, others);
    }
    try {
      const context = { server: entry.scan.name, otherTools };
      const assessment = scanSurface(entry.surface, context, settings);
      // A saved tool list has no server item: drop the empty one the surface had to carry.
      if (entry.scan.source === 'file') {
        assessment.items = assessment.items.filter((item) => item.kind !== 'server');
      }
      return { ...entry.scan, outcome: { kind: 'scanned', assessment } };
    } catch (error) {
      const failure = {
        kind: 'failed',
        code: errorCode(error),
        message: 'the risk engine failed',
      } as const;
      return { ...entry.scan, outcome: failure };
    }
  });
}

/** Holdfast's version, from its package.json (the same path from src/ and from dist/). */
function holdfastVersion(): string {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
