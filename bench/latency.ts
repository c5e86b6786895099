/**
 * Added latency per `tools/call` through `holdfast run`, against a direct connection to the same
 * upstream in the same run. Every path is driven by the official SDK client at concurrency 1; the
 * paths take turns in blocks so machine noise (2 shared cores) lands on all of them alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { childPids, cpuNs } from './proc.js';
import type { Summary } from './stats.js';
import { summarize } from './stats.js';

/** Repository root (bench/..). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built CLI. */
export const HOLDFAST_BIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');
/** The upstream MCP server. */
export const ECHO_SERVER = join(REPO_ROOT, 'bench', 'echo-server.ts');

/** How to run the latency benchmark. */
export interface LatencyOptions {
  /** Measured calls per path. */
  calls: number;
  /** Calls per block; paths alternate block by block. */
  blockSize: number;
  /** Unmeasured calls per path before measuring. */
  warmup: number;
  /** A path is abandoned once it has spent this long (warm-up included). */
  variantTimeLimitMs: number;
  /** Timeout of one call. */
  callTimeoutMs: number;
  progress: (line: string) => void;
}

/** One way of reaching the echo server. */
export interface PathSpec {
  id: string;
  label: string;
  /** Extra `holdfast run` options, or null for a direct connection. */
  holdfastArgs: string[] | null;
}

/** What one path measured. */
export interface PathResult {
  id: string;
  label: string;
  summary: Summary;
  /** p50 and p99 of each measured block, in round order (ms). */
  blockP50: number[];
  blockP99: number[];
  /** Why measuring stopped early, if it did. */
  aborted?: string;
  /** On-CPU time per measured call (µs): the gateway process, if any, and the upstream server. */
  cpuUsPerCall: { gateway?: number; upstream?: number };
  /** Messages the client sent during measurement, by method: proves one request per call. */
  sentPerCall: Record<string, number>;
}

/** Results of the latency benchmark. */
export interface LatencyResults {
  options: Omit<LatencyOptions, 'progress'>;
  paths: PathResult[];
  wallMs: number;
}

/** The paths measured: direct, holdfast with defaults, holdfast re-listing before every call. */
export const PATHS: readonly PathSpec[] = [
  { id: 'direct', label: 'direct (SDK client → echo server)', holdfastArgs: null },
  { id: 'holdfast', label: 'holdfast run (defaults: --recheck on-list)', holdfastArgs: [] },
  {
    id: 'holdfast-every-call',
    label: 'holdfast run --recheck every-call',
    holdfastArgs: ['--recheck', 'every-call'],
  },
];

interface Live {
  spec: PathSpec;
  client: Client;
  transport: StdioClientTransport;
  home: string | undefined;
  stderr: () => string;
  samples: number[];
  blockP50: number[];
  blockP99: number[];
  spentMs: number;
  aborted?: string;
  cpu: { gateway: number; upstream: number; ok: boolean };
  sent: Map<string, number>;
  counting: boolean;
  seq: number;
}

async function connect(spec: PathSpec): Promise<Live> {
  const upstream = [process.execPath, '--import', 'tsx', ECHO_SERVER];
  let home: string | undefined;
  let command: string;
  let args: string[];
  if (spec.holdfastArgs === null) {
    [command, ...args] = upstream as [string, ...string[]];
  } else {
    home = mkdtempSync(join(tmpdir(), 'holdfast-bench-'));
    command = process.execPath;
    // BENCH_CPU_PROF=DIR: V8 CPU profiles of the gateway processes, to see where their time goes.
    const profileDir = process.env['BENCH_CPU_PROF'];
    const profile =
      profileDir === undefined || profileDir === ''
        ? []
        : [
            '--cpu-prof',
            `--cpu-prof-dir=${profileDir}`,
            `--cpu-prof-name=holdfast-${spec.id}.cpuprofile`,
          ];
    args = [
      ...profile,
      HOLDFAST_BIN,
      'run',
      '--home',
      home,
      '--name',
      'echo',
      ...spec.holdfastArgs,
      '--',
      ...upstream,
    ];
  }
  // The SDK's default environment for children (PATH, HOME, ...); cwd lets `--import tsx` resolve.
  const transport = new StdioClientTransport({ command, args, cwd: REPO_ROOT, stderr: 'pipe' });
  let stderrText = '';
  (transport.stderr as PassThrough | null)?.on('data', (chunk: Buffer) => {
    if (stderrText.length < 64 * 1024) stderrText += chunk.toString('utf8');
  });
  const client = new Client({ name: 'holdfast-bench', version: '1.0.0' }, { capabilities: {} });
  const live: Live = {
    spec,
    client,
    transport,
    home,
    stderr: () => stderrText,
    samples: [],
    blockP50: [],
    blockP99: [],
    spentMs: 0,
    cpu: { gateway: 0, upstream: 0, ok: true },
    sent: new Map(),
    counting: false,
    seq: 0,
  };
  try {
    await client.connect(transport);
    // Count what the client puts on the wire while measuring (after connect wrapped `send`).
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage): Promise<void> => {
      if (live.counting) {
        const method = 'method' in message ? message.method : 'response';
        live.sent.set(method, (live.sent.get(method) ?? 0) + 1);
      }
      return send(message);
    };
    const { tools } = await client.listTools();
    if (!tools.some((t) => t.name === 'echo')) throw new Error('the echo tool is not listed');
  } catch (error) {
    await closeLive(live);
    const log = stderrText
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 3)
      .join(' | ')
      .slice(0, 400);
    throw new Error(`${(error as Error).message}${log === '' ? '' : `; stderr: ${log}`}`, {
      cause: error,
    });
  }
  return live;
}

/** The process ids whose CPU we attribute: the gateway (if any) and the upstream server. */
function pids(live: Live): { gateway?: number; upstream?: number } {
  const pid = live.transport.pid;
  if (pid === null) return {};
  if (live.spec.holdfastArgs === null) return { upstream: pid };
  const [child] = childPids(pid);
  return child === undefined ? { gateway: pid } : { gateway: pid, upstream: child };
}

function cpuSnapshot(live: Live): { gateway?: number; upstream?: number } {
  const p = pids(live);
  const out: { gateway?: number; upstream?: number } = {};
  if (p.gateway !== undefined) {
    const ns = cpuNs(p.gateway);
    if (ns !== undefined) out.gateway = ns;
  }
  if (p.upstream !== undefined) {
    const ns = cpuNs(p.upstream);
    if (ns !== undefined) out.upstream = ns;
  }
  return out;
}

async function callOnce(live: Live, timeoutMs: number): Promise<number> {
  const text = `bench ${live.spec.id} ${live.seq++}`;
  const start = process.hrtime.bigint();
  const result = await live.client.callTool(
    { name: 'echo', arguments: { text } },
    { timeout: timeoutMs },
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
  if (result.isError === true || first?.text !== text) {
    throw new Error(`unexpected result: ${JSON.stringify(result).slice(0, 300)}`);
  }
  return elapsed;
}

/** Runs `count` calls; returns their latencies (ms), or stops early past the time limit. */
async function runBlock(
  live: Live,
  count: number,
  options: LatencyOptions,
  measure: boolean,
): Promise<number[]> {
  const out: number[] = [];
  const before = measure ? cpuSnapshot(live) : {};
  live.counting = measure;
  const blockStart = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      if (live.spentMs + (performance.now() - blockStart) > options.variantTimeLimitMs) {
        live.aborted = `time limit of ${options.variantTimeLimitMs / 1000} s reached`;
        break;
      }
      out.push(await callOnce(live, options.callTimeoutMs));
    }
  } catch (error) {
    live.aborted = `call failed: ${(error as Error).message}`;
  } finally {
    live.counting = false;
    live.spentMs += performance.now() - blockStart;
  }
  if (measure) {
    const after = cpuSnapshot(live);
    for (const role of ['gateway', 'upstream'] as const) {
      const a = before[role];
      const b = after[role];
      if (a !== undefined && b !== undefined) live.cpu[role] += b - a;
      else if (role === 'upstream' || live.spec.holdfastArgs !== null) live.cpu.ok = false;
    }
  }
  return out;
}

/** Read through a call: `runBlock` sets it, which narrowing at the call site cannot see. */
function abortReason(live: Live): string | undefined {
  return live.aborted;
}

async function closeLive(live: Live): Promise<void> {
  try {
    await live.client.close();
  } catch {
    // Closing is best effort; the child is killed by the transport either way.
  }
  if (live.home !== undefined) rmSync(live.home, { recursive: true, force: true });
}

/** Runs the latency benchmark over `paths`. */
export async function runLatency(
  options: LatencyOptions,
  paths: readonly PathSpec[] = PATHS,
): Promise<LatencyResults> {
  const started = performance.now();
  const lives: Live[] = [];
  const failed: PathResult[] = [];
  try {
    for (const spec of paths) {
      options.progress(`starting ${spec.label}`);
      try {
        lives.push(await connect(spec));
      } catch (error) {
        // Report the path as aborted and measure the others.
        const reason = `could not start: ${(error as Error).message}`;
        options.progress(`  ${spec.id} ${reason}`);
        failed.push({
          id: spec.id,
          label: spec.label,
          summary: summarize([]),
          blockP50: [],
          blockP99: [],
          aborted: reason,
          cpuUsPerCall: {},
          sentPerCall: {},
        });
      }
    }
    for (const live of lives) {
      options.progress(`warming up ${live.spec.id}: ${options.warmup} calls`);
      await runBlock(live, options.warmup, options, false);
      if (live.aborted !== undefined) {
        options.progress(`  ${live.spec.id} aborted during warm-up: ${live.aborted}`);
        const log = live.stderr().trim();
        if (log !== '') options.progress(`  its stderr: ${log.slice(0, 2000)}`);
      }
    }
    const rounds = Math.ceil(options.calls / options.blockSize);
    for (let round = 0; round < rounds; round++) {
      const size = Math.min(options.blockSize, options.calls - round * options.blockSize);
      // Rotate the order each round so no path always runs first (or right after another).
      const shift = round % lives.length;
      const order = [...lives.slice(shift), ...lives.slice(0, shift)];
      const parts: string[] = [];
      for (const live of order) {
        if (live.aborted !== undefined) continue;
        const samples = await runBlock(live, size, options, true);
        live.samples.push(...samples);
        if (samples.length > 0) {
          const { p50, p99 } = summarize(samples);
          live.blockP50.push(p50);
          live.blockP99.push(p99);
          parts.push(`${live.spec.id} p50 ${p50.toFixed(3)} ms`);
        }
        const reason = abortReason(live);
        if (reason !== undefined) parts.push(`${live.spec.id} ABORTED (${reason})`);
      }
      options.progress(`round ${round + 1}/${rounds} (${size} calls each): ${parts.join(', ')}`);
    }
    return {
      options: {
        calls: options.calls,
        blockSize: options.blockSize,
        warmup: options.warmup,
        variantTimeLimitMs: options.variantTimeLimitMs,
        callTimeoutMs: options.callTimeoutMs,
      },
      paths: paths.flatMap((spec) => {
        const live = lives.find((l) => l.spec === spec);
        const result = live === undefined ? failed.find((f) => f.id === spec.id) : toResult(live);
        return result === undefined ? [] : [result];
      }),
      wallMs: performance.now() - started,
    };
  } finally {
    await Promise.all(lives.map((live) => closeLive(live)));
  }
}

function toResult(live: Live): PathResult {
  const n = live.samples.length;
  const cpuUsPerCall: PathResult['cpuUsPerCall'] = {};
  if (live.cpu.ok && n > 0) {
    if (live.spec.holdfastArgs !== null) cpuUsPerCall.gateway = live.cpu.gateway / 1000 / n;
    cpuUsPerCall.upstream = live.cpu.upstream / 1000 / n;
  }
  const sentPerCall: Record<string, number> = {};
  for (const [method, count] of [...live.sent].sort()) {
    sentPerCall[method] = n === 0 ? 0 : count / n;
  }
  const result: PathResult = {
    id: live.spec.id,
    label: live.spec.label,
    summary: summarize(live.samples),
    blockP50: live.blockP50,
    blockP99: live.blockP99,
    cpuUsPerCall,
    sentPerCall,
  };
  if (live.aborted !== undefined) result.aborted = live.aborted;
  return result;
}

/** Per-round differences of block percentiles (path − direct), for a noise estimate. */
export function pairedBlockDiffs(
  direct: PathResult,
  other: PathResult,
  which: 'blockP50' | 'blockP99' = 'blockP50',
): number[] {
  const a = direct[which];
  const b = other[which];
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) diffs.push((b[i] ?? 0) - (a[i] ?? 0));
  return diffs;
}
