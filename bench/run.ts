/**
 * `npm run bench`: builds, then measures what `holdfast run` adds to a `tools/call` against a
 * direct connection to the same server in the same run (DESIGN §14), plus micro-benchmarks of the
 * in-process pieces, the audit log against its budget (bench/audit.ts), and the throughput of
 * `holdfast serve` under concurrent clients against a direct connection (bench/serve.ts). Prints
 * a table and writes docs/benchmarks.md. Benchmarks are not tests.
 *
 * Environment:
 *   BENCH_CALLS   measured calls per path (default 5000)
 *   BENCH_BLOCK   calls per block; paths alternate block by block (default 500)
 *   BENCH_WARMUP  unmeasured calls per path first (default 500)
 *   BENCH_MICRO   0 to skip the micro-benchmarks
 *   BENCH_AUDIT   0 to skip the audit log benchmark (bench/audit.ts)
 *   BENCH_AUDIT_ENTRIES  size of the log for inclusion proofs and verification (default 1000000)
 *   BENCH_AUDIT_CPU_ENTRIES  entries appended for the CPU per entry (default 20000)
 *   BENCH_AUDIT_SECONDS  seconds per concurrency level of the throughput run (default 2)
 *   BENCH_AUDIT_PROOFS  inclusion proofs timed per path (default 10000)
 *   BENCH_SERVE   0 to skip the `holdfast serve` benchmark (bench/serve.ts)
 *   BENCH_SERVE_CLIENTS  concurrent clients per path (default 32, the size of the budget)
 *   BENCH_SERVE_ROUNDS   measured rounds; each path runs once per round (default 3)
 *   BENCH_SERVE_SECONDS  seconds per path per round, and of each path's warm-up (default 5)
 *   BENCH_CPU_PROF  a directory: write V8 CPU profiles of the gateway processes there
 *                 (summarize with bench/profile-summary.ts; they slow the run down)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, type } from 'node:os';
import { join } from 'node:path';

import { format, resolveConfig } from 'prettier';

import type { AuditResults } from './audit.js';
import { runAudit } from './audit.js';
import { HOLDFAST_BIN, REPO_ROOT, runLatency } from './latency.js';
import type { MicroResults } from './micro.js';
import { runMicro } from './micro.js';
import type { BenchReport, Environment } from './report.js';
import { renderMarkdown, renderText } from './report.js';
import type { ServeResults } from './serve.js';
import { runServeBench } from './serve.js';

const REPORT_PATH = join(REPO_ROOT, 'docs', 'benchmarks.md');

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Settings that change what is measured, in the order the reproduce command lists them. */
const REPRODUCED_ENV = [
  'BENCH_CALLS',
  'BENCH_BLOCK',
  'BENCH_WARMUP',
  'BENCH_MICRO',
  'BENCH_AUDIT',
  'BENCH_AUDIT_ENTRIES',
  'BENCH_AUDIT_CPU_ENTRIES',
  'BENCH_AUDIT_SECONDS',
  'BENCH_AUDIT_PROOFS',
  'BENCH_SERVE',
  'BENCH_SERVE_CLIENTS',
  'BENCH_SERVE_ROUNDS',
  'BENCH_SERVE_SECONDS',
] as const;

/** `npm run bench` with every setting given in the environment (not BENCH_CPU_PROF). */
function reproduceCommand(): string {
  const settings: string[] = [];
  for (const name of REPRODUCED_ENV) {
    const value = process.env[name]?.trim() ?? '';
    if (value === '') continue;
    settings.push(
      `${name}=${/^[\w.-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`}`,
    );
  }
  return [...settings, 'npm run bench'].join(' ');
}

function gitCommit(): string {
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 5000 }).trim();
    const head = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

function progress(line: string): void {
  const t = new Date().toISOString().slice(11, 19);
  console.log(`[${t}] ${line}`);
}

async function main(): Promise<void> {
  if (!existsSync(HOLDFAST_BIN)) {
    throw new Error(`${HOLDFAST_BIN} is missing; run \`npm run build\` (npm run bench does)`);
  }
  const calls = intFromEnv('BENCH_CALLS', 5000, 10, 1_000_000);
  const blockSize = Math.min(calls, intFromEnv('BENCH_BLOCK', 500, 10, 1_000_000));
  const warmup = intFromEnv('BENCH_WARMUP', 500, 0, 1_000_000);
  const auditEntries = intFromEnv('BENCH_AUDIT_ENTRIES', 1_000_000, 1000, 100_000_000);
  const auditCpuEntries = intFromEnv('BENCH_AUDIT_CPU_ENTRIES', 20_000, 100, 10_000_000);
  const auditSeconds = intFromEnv('BENCH_AUDIT_SECONDS', 2, 1, 600);
  const auditProofs = intFromEnv('BENCH_AUDIT_PROOFS', 10_000, 100, 10_000_000);
  const serveClients = intFromEnv('BENCH_SERVE_CLIENTS', 32, 1, 1024);
  const serveRounds = intFromEnv('BENCH_SERVE_ROUNDS', 3, 1, 100);
  const serveSeconds = intFromEnv('BENCH_SERVE_SECONDS', 5, 1, 600);
  const cpu = cpus();
  const env: Environment = {
    date: new Date().toISOString(),
    os: `${type()} ${release()}`,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpuCount: cpu.length,
    node: process.version,
    loadStart: loadavg(),
    loadEnd: [],
    commit: gitCommit(),
    command: reproduceCommand(),
  };
  progress(
    `holdfast bench: ${env.cpuCount} × ${env.cpuModel}, node ${env.node}, load ${env.loadStart.map((x) => x.toFixed(2)).join(' ')}`,
  );
  const latency = await runLatency({
    calls,
    blockSize,
    warmup,
    variantTimeLimitMs: 120_000,
    callTimeoutMs: 10_000,
    progress,
  });
  let serve: ServeResults | undefined;
  if (process.env['BENCH_SERVE'] !== '0') {
    progress(`holdfast serve: ${serveClients} clients per path`);
    serve = await runServeBench({
      clients: serveClients,
      rounds: serveRounds,
      roundMs: serveSeconds * 1000,
      warmupMs: serveSeconds * 1000,
      maxCallsPerTurn: 1_000_000,
      callTimeoutMs: 10_000,
      startTimeoutMs: 60_000,
      progress,
    });
  }
  let micro: MicroResults | undefined;
  if (process.env['BENCH_MICRO'] !== '0') {
    progress('micro-benchmarks');
    micro = await runMicro({ timePerOpMs: 400, progress });
  }
  let audit: AuditResults | undefined;
  if (process.env['BENCH_AUDIT'] !== '0') {
    progress('audit log');
    audit = await runAudit({
      entries: auditEntries,
      cpuEntries: auditCpuEntries,
      cpuBatch: 100,
      cpuSingleEntries: Math.min(auditCpuEntries, 1000),
      concurrency: [1, 8, 64, 256],
      throughputMs: auditSeconds * 1000,
      throughputMaxEntries: 1_000_000,
      buildBatch: 5000,
      buildTimeLimitMs: 900_000,
      proofs: auditProofs,
      progress,
    });
  }
  env.loadEnd = loadavg();
  const report: BenchReport = { env, latency, micro, audit, serve };
  console.log(`\n${renderText(report)}\n`);
  // Formatted like the rest of the repository, so `npm run format:check` stays clean.
  const markdown = renderMarkdown(report);
  const config = (await resolveConfig(REPORT_PATH)) ?? {};
  writeFileSync(REPORT_PATH, await format(markdown, { ...config, filepath: REPORT_PATH }));
  progress(`wrote ${REPORT_PATH}`);
}

await main();
