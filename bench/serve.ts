/**
 * Throughput and added latency of `holdfast serve` under concurrent clients, against a direct
 * connection to the same Streamable HTTP upstream in the same run (issue 6: at 32 clients, ≥ 50 %
 * of the direct throughput). Each path is N official SDK clients in a closed loop of `tools/call
 * echo`; the paths take turns in timed rounds so machine noise lands on both alike.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { stringify } from 'yaml';

import { HOLDFAST_BIN, REPO_ROOT } from './latency.js';
import { cpuNs } from './proc.js';
import type { Summary } from './stats.js';
import { median, summarize } from './stats.js';

/** The upstream MCP server (Streamable HTTP). */
export const ECHO_HTTP_SERVER = join(REPO_ROOT, 'bench', 'echo-http-server.ts');

/** Issue 6: throughput through `holdfast serve` ≥ 50 % of the direct throughput at 32 clients. */
export const SERVE_BUDGET = { minThroughputRatio: 0.5, atClients: 32 } as const;

/** How to run the serve benchmark. */
export interface ServeBenchOptions {
  /** Concurrent clients per path. */
  clients: number;
  /** Measured rounds; each path runs once per round. */
  rounds: number;
  /** Length of one path's turn in a round. */
  roundMs: number;
  /** Unmeasured load per path before the first round. */
  warmupMs: number;
  /** Calls one path may make in one turn (warm-up included), whatever the time. */
  maxCallsPerTurn: number;
  callTimeoutMs: number;
  /** Time allowed for a process to start listening or a path to connect its clients. */
  startTimeoutMs: number;
  progress: (line: string) => void;
}

/** One turn of one path. */
export interface ServeTurn {
  calls: number;
  wallMs: number;
  callsPerSecond: number;
  p50: number;
  p99: number;
}

/** What one path measured. */
export interface ServePathResult {
  id: 'direct' | 'holdfast';
  label: string;
  turns: ServeTurn[];
  /** Latency (ms) of every measured call. */
  summary: Summary;
  /** Measured calls over measured wall time, all rounds. */
  callsPerSecond: number;
  /** Set when a call failed or the path could not start; the path stopped there, and the turn
   * it failed in is not counted. */
  aborted?: string;
  /** On-CPU µs per measured call of each process; cores = CPU time / wall time. */
  cpu: Partial<Record<'gateway' | 'upstream' | 'client', { usPerCall: number; cores: number }>>;
}

/** Results of the serve benchmark. */
export interface ServeResults {
  options: Omit<ServeBenchOptions, 'progress'>;
  paths: ServePathResult[];
  /** holdfast calls/s ÷ direct calls/s, per round. */
  roundRatios: number[];
  wallMs: number;
}

type Role = 'gateway' | 'upstream' | 'client';

interface Path {
  id: ServePathResult['id'];
  label: string;
  clients: Client[];
  pids: Partial<Record<'gateway' | 'upstream', number>>;
  samples: number[];
  turns: ServeTurn[];
  cpuNs: Record<Role, number>;
  cpuOk: boolean;
  aborted?: string;
}

/** The processes this run started and the directories it made, all removed by {@link cleanUp}. */
interface Resources {
  children: ChildProcess[];
  dirs: string[];
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function cleanUp(resources: Resources, graceMs: number): Promise<void> {
  await Promise.all(resources.children.map((child) => stopChild(child, graceMs)));
  for (const dir of resources.dirs) rmSync(dir, { recursive: true, force: true });
}

function timeout(ms: number, what: string): { promise: Promise<never>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Starts bench/echo-http-server.ts; resolves with its port. */
async function startEcho(
  resources: Resources,
  limitMs: number,
): Promise<{ port: number; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ECHO_HTTP_SERVER], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  resources.children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 16 * 1024) stderr += chunk.toString('utf8');
  });
  // A listener, not `for await`: leaving that loop would pause stdout, and the pipe must drain.
  const portLine = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^PORT=(\d+)$/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', () => {
      reject(new Error(`the echo server exited before listening: ${stderr.slice(0, 1000)}`));
    });
  });
  void portLine.catch(() => undefined); // the race below reports it; this keeps it handled
  const limit = timeout(limitMs, 'starting the echo server');
  try {
    const port = await Promise.race([portLine, limit.promise]);
    return { port, pid: child.pid ?? -1 };
  } finally {
    limit.cancel();
  }
}

/** Runs `holdfast --json keys create bench` in `home`; returns the agent key. */
function createAgentKey(home: string): string {
  const result = spawnSync(
    process.execPath,
    [HOLDFAST_BIN, '--home', home, '--json', 'keys', 'create', 'bench'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  let key: unknown;
  try {
    key = (JSON.parse(result.stdout) as { key?: unknown }).key;
  } catch {
    key = undefined;
  }
  // Never print the key itself, only why it is missing.
  if (typeof key !== 'string' || !key.startsWith('hfk_')) {
    throw new Error(
      `holdfast keys create failed (exit ${result.status}): ${result.stderr.trim().slice(0, 500)}`,
    );
  }
  return key;
}

/** Starts `holdfast serve` in a fresh home fronting the echo server; resolves with its URL. */
async function startHoldfast(
  resources: Resources,
  echoPort: number,
  limitMs: number,
): Promise<{ url: string; key: string; pid: number }> {
  const home = mkdtempSync(join(tmpdir(), 'holdfast-bench-serve-'));
  resources.dirs.push(home);
  const config = {
    servers: { echo: { url: `http://127.0.0.1:${echoPort}/mcp`, transport: 'streamable-http' } },
    serve: { listen: '127.0.0.1:0' },
  };
  const configPath = join(home, 'holdfast.yaml');
  writeFileSync(configPath, stringify(config), { mode: 0o600 });
  const key = createAgentKey(home);
  // BENCH_CPU_PROF=DIR: a V8 CPU profile of the gateway, written when it exits.
  const profileDir = process.env['BENCH_CPU_PROF'] ?? '';
  const profile =
    profileDir === ''
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-name=holdfast-serve.cpuprofile'];
  // Its JSON log (one line per HTTP request) goes to a file, so reading it costs the clients nothing.
  const logPath = join(home, 'serve.log');
  const logFd = openSync(logPath, 'w', 0o600);
  const child = spawn(
    process.execPath,
    [...profile, HOLDFAST_BIN, '--home', home, 'serve', '--config', configPath],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      stdio: ['ignore', logFd, 'pipe'],
    },
  );
  closeSync(logFd);
  resources.children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 16 * 1024) stderr += chunk.toString('utf8');
  });
  const deadline = performance.now() + limitMs;
  for (let i = 0; i < 10_000 && performance.now() < deadline; i++) {
    for (const text of readFileSync(logPath, 'utf8').split('\n')) {
      const url = listeningUrl(text);
      if (url !== undefined) return { url, key, pid: child.pid ?? -1 };
    }
    if (!isRunning(child)) break;
    await sleep(50);
  }
  throw new Error(
    `holdfast serve did not start listening (${isRunning(child) ? 'timed out' : `exit ${child.exitCode}`}): ${stderr.trim().slice(0, 1000)}`,
  );
}

/** The `url` of a `listening` log line; undefined for any other line (or half of one). */
function listeningUrl(text: string): string | undefined {
  if (!text.includes('"listening"')) return undefined;
  try {
    const line = JSON.parse(text) as { msg?: unknown; url?: unknown };
    return line.msg === 'listening' && typeof line.url === 'string' ? line.url : undefined;
  } catch {
    return undefined;
  }
}

async function connectClients(
  url: string,
  count: number,
  headers: Record<string, string>,
): Promise<Client[]> {
  const connectOne = async (i: number): Promise<Client> => {
    const client = new Client(
      { name: `holdfast-bench-${i}`, version: '1.0.0' },
      { capabilities: {} },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
    );
    const { tools } = await client.listTools();
    if (!tools.some((t) => t.name === 'echo')) throw new Error('the echo tool is not listed');
    return client;
  };
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => connectOne(i)));
  const clients = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure !== undefined) {
    await closeClients(clients);
    throw new Error(`connecting failed: ${(failure.reason as Error).message}`);
  }
  return clients;
}

async function closeClients(clients: Client[]): Promise<void> {
  await Promise.allSettled(
    clients.map(async (client) => {
      await (client.transport as StreamableHTTPClientTransport | undefined)?.terminateSession();
      await client.close();
    }),
  );
}

function cpuSnapshot(path: Path): Partial<Record<Role, number>> {
  const out: Partial<Record<Role, number>> = {};
  for (const role of ['gateway', 'upstream'] as const) {
    const pid = path.pids[role];
    const ns = pid === undefined ? undefined : cpuNs(pid);
    if (ns !== undefined) out[role] = ns;
  }
  const own = process.cpuUsage();
  out.client = (own.user + own.system) * 1000;
  return out;
}

/** One turn: every client calls `echo` in a closed loop until the time or call limit. */
async function runTurn(
  path: Path,
  ms: number,
  options: ServeBenchOptions,
  samples: number[] | undefined,
): Promise<{ calls: number; wallMs: number }> {
  const start = performance.now();
  const deadline = start + ms;
  let started = 0;
  let completed = 0;
  const loop = async (client: Client, index: number): Promise<void> => {
    for (let seq = 0; started < options.maxCallsPerTurn && performance.now() < deadline; seq++) {
      started++;
      const text = `bench ${path.id} ${index} ${seq}`;
      const t0 = performance.now();
      const result = await client.callTool(
        { name: 'echo', arguments: { text } },
        { timeout: options.callTimeoutMs },
      );
      const elapsed = performance.now() - t0;
      const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
      if (result.isError === true || first?.text !== text) {
        throw new Error(`unexpected result: ${JSON.stringify(result).slice(0, 300)}`);
      }
      completed++;
      samples?.push(elapsed);
    }
  };
  const settled = await Promise.allSettled(path.clients.map((client, i) => loop(client, i)));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure !== undefined) path.aborted = `call failed: ${(failure.reason as Error).message}`;
  return { calls: completed, wallMs: performance.now() - start };
}

/** A measured turn; undefined (nothing recorded) if the path aborted during it. */
async function measureTurn(path: Path, options: ServeBenchOptions): Promise<ServeTurn | undefined> {
  const samples: number[] = [];
  const before = cpuSnapshot(path);
  const { calls, wallMs } = await runTurn(path, options.roundMs, options, samples);
  const after = cpuSnapshot(path);
  if (abortReason(path) !== undefined) return undefined;
  for (const role of ['gateway', 'upstream', 'client'] as const) {
    const a = before[role];
    const b = after[role];
    if (a !== undefined && b !== undefined) path.cpuNs[role] += b - a;
    else if (role !== 'gateway' || path.pids.gateway !== undefined) path.cpuOk = false;
  }
  path.samples.push(...samples);
  const { p50, p99 } = summarize(samples);
  const turn = { calls, wallMs, callsPerSecond: (calls * 1000) / wallMs, p50, p99 };
  path.turns.push(turn);
  return turn;
}

function toResult(path: Path): ServePathResult {
  const calls = path.turns.reduce((sum, t) => sum + t.calls, 0);
  const wallMs = path.turns.reduce((sum, t) => sum + t.wallMs, 0);
  const cpu: ServePathResult['cpu'] = {};
  if (path.cpuOk && calls > 0) {
    for (const role of ['gateway', 'upstream', 'client'] as const) {
      if (role === 'gateway' && path.pids.gateway === undefined) continue;
      cpu[role] = {
        usPerCall: path.cpuNs[role] / 1000 / calls,
        cores: path.cpuNs[role] / 1e6 / wallMs,
      };
    }
  }
  const result: ServePathResult = {
    id: path.id,
    label: path.label,
    turns: path.turns,
    summary: summarize(path.samples),
    callsPerSecond: wallMs > 0 ? (calls * 1000) / wallMs : Number.NaN,
    cpu,
  };
  if (path.aborted !== undefined) result.aborted = path.aborted;
  return result;
}

function newPath(id: Path['id'], label: string, pids: Path['pids']): Path {
  const cpu = { gateway: 0, upstream: 0, client: 0 };
  return { id, label, clients: [], pids, samples: [], turns: [], cpuNs: cpu, cpuOk: true };
}

/** Runs the serve benchmark: starts both processes, measures, and stops them again. */
export async function runServeBench(options: ServeBenchOptions): Promise<ServeResults> {
  const started = performance.now();
  const resources: Resources = { children: [], dirs: [] };
  // Last resort if this process dies mid-run: no orphaned servers.
  const killAll = (): void => {
    for (const child of resources.children) if (isRunning(child)) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const paths: Path[] = [];
  try {
    const echo = await startEcho(resources, options.startTimeoutMs);
    options.progress(`serve: echo server on 127.0.0.1:${echo.port}; starting holdfast serve`);
    const holdfast = await startHoldfast(resources, echo.port, options.startTimeoutMs);
    paths.push(
      newPath('direct', 'direct (SDK clients → echo server)', { upstream: echo.pid }),
      newPath('holdfast', 'holdfast serve (/mcp/echo, agent key)', {
        gateway: holdfast.pid,
        upstream: echo.pid,
      }),
    );
    const targets = {
      direct: { url: `http://127.0.0.1:${echo.port}/mcp`, headers: {} },
      holdfast: {
        url: `${holdfast.url}/mcp/echo`,
        headers: { Authorization: `Bearer ${holdfast.key}` },
      },
    };
    for (const path of paths) {
      options.progress(`serve: connecting ${options.clients} clients to ${path.id}`);
      const limit = timeout(options.startTimeoutMs, `connecting to ${path.id}`);
      try {
        const { url, headers } = targets[path.id];
        const connecting = connectClients(url, options.clients, headers);
        // Clients that connect after the time limit are closed with their servers' processes.
        void connecting.catch(() => undefined);
        path.clients = await Promise.race([connecting, limit.promise]);
      } catch (error) {
        path.aborted = `could not start: ${(error as Error).message}`;
      } finally {
        limit.cancel();
      }
    }
    for (const path of paths) {
      if (path.aborted !== undefined) continue;
      options.progress(`serve: warming up ${path.id} for ${options.warmupMs / 1000} s`);
      await runTurn(path, options.warmupMs, options, undefined);
    }
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which path goes first, so neither always runs right after the other.
      const order = round % 2 === 0 ? paths : [...paths].reverse();
      const parts: string[] = [];
      for (const path of order) {
        if (path.aborted !== undefined) continue;
        const turn = await measureTurn(path, options);
        parts.push(
          turn === undefined
            ? `${path.id} ABORTED (${abortReason(path) ?? 'unknown'})`
            : `${path.id} ${turn.callsPerSecond.toFixed(0)} calls/s (p50 ${turn.p50.toFixed(2)} ms, p99 ${turn.p99.toFixed(2)} ms)`,
        );
      }
      options.progress(`serve round ${round + 1}/${options.rounds}: ${parts.join(', ')}`);
    }
    for (const path of paths) {
      if (path.aborted !== undefined)
        options.progress(`serve: ${path.id} aborted: ${path.aborted}`);
    }
    const results = paths.map(toResult);
    return {
      options: {
        clients: options.clients,
        rounds: options.rounds,
        roundMs: options.roundMs,
        warmupMs: options.warmupMs,
        maxCallsPerTurn: options.maxCallsPerTurn,
        callTimeoutMs: options.callTimeoutMs,
        startTimeoutMs: options.startTimeoutMs,
      },
      paths: results,
      roundRatios: roundRatios(results),
      wallMs: performance.now() - started,
    };
  } finally {
    // Ending the sessions is a courtesy; a hung server must not hang the benchmark.
    const closing = timeout(10_000, 'closing the clients');
    await Promise.race([
      Promise.all(paths.map((path) => closeClients(path.clients))),
      closing.promise,
    ]).catch(() => undefined);
    closing.cancel();
    // A profiled gateway needs time to write its profile on the way out.
    await cleanUp(resources, (process.env['BENCH_CPU_PROF'] ?? '') === '' ? 10_000 : 30_000);
    process.removeListener('exit', killAll);
  }
}

/** Read through a call: `runTurn` sets it, which narrowing at the call site cannot see. */
function abortReason(path: Path): string | undefined {
  return path.aborted;
}

/** holdfast ÷ direct calls/s for each round both paths completed. */
export function roundRatios(paths: readonly ServePathResult[]): number[] {
  const direct = paths.find((p) => p.id === 'direct')?.turns ?? [];
  const holdfast = paths.find((p) => p.id === 'holdfast')?.turns ?? [];
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(direct.length, holdfast.length); i++) {
    const d = direct[i]?.callsPerSecond ?? Number.NaN;
    const h = holdfast[i]?.callsPerSecond ?? Number.NaN;
    if (d > 0) ratios.push(h / d);
  }
  return ratios;
}

/** Median of the per-round throughput ratios (NaN when no round has both paths). */
export function medianRatio(results: ServeResults): number {
  return results.roundRatios.length === 0 ? Number.NaN : median(results.roundRatios);
}
