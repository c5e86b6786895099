/**
 * Renders benchmark results: a plain-text table for the terminal and docs/benchmarks.md.
 * Pure functions of the results, so the report can be regenerated or tested without re-running.
 */
import type { AuditResults } from './audit.js';
import { AUDIT_BUDGET } from './audit.js';
import type { LatencyResults, PathResult } from './latency.js';
import { pairedBlockDiffs } from './latency.js';
import type { MicroResults } from './micro.js';
import type { ServePathResult, ServeResults } from './serve.js';
import { medianRatio, SERVE_BUDGET } from './serve.js';
import { median } from './stats.js';

/** DESIGN §14: added latency per tools/call through `holdfast run`, concurrency 1. */
export const BUDGET = { addedP50Ms: 0.3, addedP99Ms: 1 } as const;

/** Where and how the benchmark ran. */
export interface Environment {
  date: string;
  os: string;
  cpuModel: string;
  cpuCount: number;
  node: string;
  /** os.loadavg() at start and end (1, 5, 15 minutes). */
  loadStart: number[];
  loadEnd: number[];
  commit: string;
  command: string;
}

/** Everything one `npm run bench` produced. */
export interface BenchReport {
  env: Environment;
  latency: LatencyResults;
  micro: MicroResults | undefined;
  /** Absent in reports made with BENCH_AUDIT=0. */
  audit?: AuditResults | undefined;
  /** Absent in reports made with BENCH_SERVE=0. */
  serve?: ServeResults | undefined;
}

/** Added latency of one gateway path over the direct one. */
export interface Added {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  /** Median and range of per-round block-p50 differences (a noise check). */
  blockMedian: number;
  blockMin: number;
  blockMax: number;
  /** Median of per-round block-p99 differences: robust to one bad round. */
  blockP99Median: number;
}

/** Differences `other − direct`. */
export function addedLatency(direct: PathResult, other: PathResult): Added {
  const diffs = pairedBlockDiffs(direct, other);
  const diffs99 = pairedBlockDiffs(direct, other, 'blockP99');
  return {
    p50: other.summary.p50 - direct.summary.p50,
    p90: other.summary.p90 - direct.summary.p90,
    p99: other.summary.p99 - direct.summary.p99,
    mean: other.summary.mean - direct.summary.mean,
    blockMedian: diffs.length === 0 ? Number.NaN : median(diffs),
    blockMin: diffs.length === 0 ? Number.NaN : Math.min(...diffs),
    blockMax: diffs.length === 0 ? Number.NaN : Math.max(...diffs),
    blockP99Median: diffs99.length === 0 ? Number.NaN : median(diffs99),
  };
}

/** Whether the default gateway path meets the budget; undefined if it was not fully measured. */
export function verdict(report: BenchReport):
  | {
      added: Added;
      p50Ok: boolean;
      p99Ok: boolean;
      complete: boolean;
    }
  | undefined {
  const direct = find(report.latency, 'direct');
  const holdfast = find(report.latency, 'holdfast');
  if (direct === undefined || holdfast === undefined) return undefined;
  const added = addedLatency(direct, holdfast);
  return {
    added,
    p50Ok: added.p50 <= BUDGET.addedP50Ms,
    p99Ok: added.p99 <= BUDGET.addedP99Ms,
    complete:
      direct.aborted === undefined &&
      holdfast.aborted === undefined &&
      holdfast.summary.count === report.latency.options.calls,
  };
}

function find(latency: LatencyResults, id: string): PathResult | undefined {
  return latency.paths.find((p) => p.id === id);
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const signed = (x: number): string =>
  Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(3) : 'n/a';
const ratio = (a: number, b: number): string =>
  Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
const us = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(0));
const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');

interface Row {
  cells: string[];
}

function latencyRows(latency: LatencyResults): { header: string[]; rows: Row[] } {
  const direct = find(latency, 'direct');
  const header = [
    'path',
    'calls',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'mean ms',
    'added p50',
    'added p99',
    'p50 ratio',
    'gateway CPU µs/call',
    'server CPU µs/call',
  ];
  const rows = latency.paths.map((p) => {
    const s = p.summary;
    const isDirect = p.id === 'direct' || direct === undefined;
    const added = isDirect ? undefined : addedLatency(direct, p);
    return {
      cells: [
        p.id + (p.aborted === undefined ? '' : ' (aborted)'),
        String(s.count),
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.mean),
        added === undefined ? '—' : signed(added.p50),
        added === undefined ? '—' : signed(added.p99),
        isDirect ? '1.00×' : ratio(s.p50, direct.summary.p50),
        p.id === 'direct' ? '—' : us(p.cpuUsPerCall.gateway),
        us(p.cpuUsPerCall.upstream),
      ],
    };
  });
  return { header, rows };
}

function microRows(micro: MicroResults): { header: string[]; rows: Row[] } {
  return {
    header: ['operation', 'input', 'µs/op (median)', 'µs/op (best batch)'],
    rows: micro.results.map((r) => ({
      cells: [r.name, r.input, r.usPerOp.toFixed(2), r.minUsPerOp.toFixed(2)],
    })),
  };
}

/** One row of the audit table: a measurement against its budget, if it has one. */
interface AuditRow {
  measurement: string;
  result: string;
  budget: string;
  /** PASS, FAIL, n/a (not measured at the budget's size) or — (no budget). */
  verdict: string;
}

const count = (n: number): string =>
  n === 1_000_000 ? '10⁶' : Math.round(n).toLocaleString('en-US');
const fixed = (x: number, digits: number): string =>
  Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
const perSecond = (x: number): string =>
  Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} entries/s` : 'n/a';
const mark = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

/** The audit measurements against DESIGN §14. */
export function auditRows(audit: AuditResults): AuditRow[] {
  const rows: AuditRow[] = [];
  const grouped = audit.cpu.find((c) => c.batch !== 1) ?? audit.cpu[0];
  const single = audit.cpu.find((c) => c.batch === 1);
  if (grouped !== undefined) {
    rows.push({
      measurement: `CPU per recorded entry, ${grouped.batch} per transaction (fsync excluded)`,
      result: `${fixed(grouped.cpuUsPerEntry, 1)} µs (user ${fixed(grouped.userUsPerEntry, 1)} + system ${fixed(grouped.systemUsPerEntry, 1)}); ${perSecond(grouped.entriesPerSecond)}, ${count(grouped.entries)} entries in ${fixed(grouped.wallMs / 1000, 2)} s`,
      budget: `≤ ${AUDIT_BUDGET.cpuUsPerEntry} µs`,
      verdict: mark(grouped.cpuUsPerEntry <= AUDIT_BUDGET.cpuUsPerEntry),
    });
  }
  if (single !== undefined) {
    rows.push({
      measurement: 'CPU per entry, 1 per transaction (context: a whole transaction per entry)',
      result: `${fixed(single.cpuUsPerEntry, 1)} µs (user ${fixed(single.userUsPerEntry, 1)} + system ${fixed(single.systemUsPerEntry, 1)}); ${perSecond(single.entriesPerSecond)}, ${count(single.entries)} entries in ${fixed(single.wallMs / 1000, 2)} s`,
      budget: '—',
      verdict: '—',
    });
  }
  rows.push({
    measurement: 'CPU to build an event (toDecisionEvent / toResultEvent; gateway side, not above)',
    result: `${fixed(audit.eventBuildUsPerEntry, 1)} µs`,
    budget: '—',
    verdict: '—',
  });
  const best = audit.throughput.reduce<AuditResults['throughput'][number] | undefined>(
    (a, b) => (a === undefined || b.entriesPerSecond > a.entriesPerSecond ? b : a),
    undefined,
  );
  if (best !== undefined) {
    rows.push({
      measurement: `Throughput with group commit (best of ${audit.throughput.map((t) => t.concurrency).join(' / ')} callers)`,
      result: `${perSecond(best.entriesPerSecond)} at ${best.concurrency} callers (mean batch ${fixed(best.meanBatch, 1)})`,
      budget: `≥ ${count(AUDIT_BUDGET.entriesPerSecond)} entries/s`,
      verdict: mark(best.entriesPerSecond >= AUDIT_BUDGET.entriesPerSecond),
    });
  }
  const { proof, verify, build } = audit;
  const atBudgetSize = proof.size === AUDIT_BUDGET.atEntries;
  rows.push({
    measurement: `Inclusion proof at ${count(proof.size)} entries, \`store.inclusionProof\``,
    result: `p50 ${fixed(proof.viaStore.p50, 1)} µs, p99 ${fixed(proof.viaStore.p99, 1)} µs (${count(proof.count)} random indexes); ${fixed(proof.viaStoreCpuUs, 1)} µs CPU/proof`,
    budget: `≤ ${AUDIT_BUDGET.inclusionProofUs} µs (p50)`,
    verdict: atBudgetSize ? mark(proof.viaStore.p50 <= AUDIT_BUDGET.inclusionProofUs) : 'n/a',
  });
  rows.push({
    measurement: 'Inclusion proof, synchronous (same nodes and query, no Promise)',
    result: `p50 ${fixed(proof.direct.p50, 1)} µs, p99 ${fixed(proof.direct.p99, 1)} µs; ${fixed(proof.directCpuUs, 1)} µs CPU/proof`,
    budget: '—',
    verdict: '—',
  });
  rows.push({
    measurement: `Full verification of ${count(verify.entries)} entries (\`verifyLog\`)`,
    result: `${fixed(verify.seconds, 2)} s, ${perSecond(verify.entriesPerSecond)}, ${fixed(verify.cpuSeconds, 2)} s CPU; ${verify.ok ? 'verified ok' : `NOT ok (${verify.problemCount} problems)`}`,
    budget: `≤ ${AUDIT_BUDGET.verifySeconds} s`,
    verdict:
      verify.entries === AUDIT_BUDGET.atEntries
        ? mark(verify.ok && verify.seconds <= AUDIT_BUDGET.verifySeconds)
        : 'n/a',
  });
  rows.push({
    measurement: `Building the ${count(build.entries)}-entry log, ${count(build.batch)} per transaction`,
    result: `${perSecond(build.entriesPerSecond)} (appendAudit alone: ${perSecond(build.appendEntriesPerSecond)}), ${fixed(build.cpuUsPerEntry, 1)} µs CPU/entry with event building, ${fixed(build.databaseBytes / 2 ** 20, 0)} MiB on disk${build.aborted === undefined ? '' : `; ${build.aborted}`}`,
    budget: '—',
    verdict: '—',
  });
  return rows;
}

function auditTable(audit: AuditResults): { header: string[]; rows: Row[] } {
  return {
    header: ['measurement', 'result', 'budget', 'verdict'],
    rows: auditRows(audit).map((r) => ({
      cells: [r.measurement, r.result, r.budget, r.verdict],
    })),
  };
}

function throughputTable(audit: AuditResults): { header: string[]; rows: Row[] } {
  return {
    header: [
      'callers',
      'entries',
      'transactions',
      'mean batch',
      'entries/s',
      'append p50 ms',
      'append p99 ms',
      'CPU µs/entry',
      'checkpoints',
    ],
    rows: audit.throughput.map((t) => ({
      cells: [
        String(t.concurrency),
        String(t.entries),
        String(t.transactions),
        fixed(t.meanBatch, 1),
        fixed(t.entriesPerSecond, 0),
        ms(t.latency.p50),
        ms(t.latency.p99),
        fixed(t.cpuUsPerEntry, 1),
        String(t.checkpoints),
      ],
    })),
  };
}

function auditVerdictLine(audit: AuditResults): string {
  const verdicts = auditRows(audit).map((r) => r.verdict);
  const failed = verdicts.filter((v) => v === 'FAIL').length;
  const unknown = verdicts.filter((v) => v === 'n/a').length;
  if (failed > 0) return `**${failed} of the audit budgets missed** in this run.`;
  if (unknown > 0)
    return `Within the audit budgets measured; ${unknown} not measured at 10⁶ entries.`;
  return '**Within the audit budgets** in this run.';
}

function textTable(header: string[], rows: Row[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(r.cells)),
  ].join('\n');
}

function markdownTable(header: string[], rows: Row[]): string {
  const align = header.map((_, i) => (i === 0 ? ':--' : '--:'));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map((r) => line(r.cells))].join('\n');
}

function verdictLines(report: BenchReport): string[] {
  const v = verdict(report);
  if (v === undefined) return ['No verdict: the direct or the holdfast path is missing.'];
  const mark = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  const lines = [
    `Added p50: ${signed(v.added.p50)} ms (budget ≤ ${BUDGET.addedP50Ms} ms): ${mark(v.p50Ok)}`,
    `Added p99: ${signed(v.added.p99)} ms (budget ≤ ${BUDGET.addedP99Ms} ms): ${mark(v.p99Ok)}`,
    `Per-round added p50 (noise check): median ${signed(v.added.blockMedian)} ms, range ${signed(v.added.blockMin)} … ${signed(v.added.blockMax)} ms`,
    `Per-round added p99 (median over rounds, robust to one bad round): ${signed(v.added.blockP99Median)} ms`,
  ];
  if (!v.complete) lines.push('Incomplete: a path was aborted or measured fewer calls than asked.');
  return lines;
}

/** The terminal summary. */
export function renderText(report: BenchReport): string {
  const parts: string[] = [];
  const lat = latencyRows(report.latency);
  parts.push('Added latency per tools/call (ms, concurrency 1)', textTable(lat.header, lat.rows));
  for (const p of report.latency.paths) {
    if (p.aborted !== undefined) parts.push(`${p.id} aborted: ${p.aborted}`);
  }
  parts.push('', ...verdictLines(report));
  const every = everyCallLine(report);
  if (every !== undefined) parts.push(every);
  if (report.micro !== undefined) {
    const micro = microRows(report.micro);
    parts.push(
      '',
      `Micro-benchmarks (tools from ${report.micro.corpus})`,
      textTable(micro.header, micro.rows),
    );
  }
  if (report.audit !== undefined) {
    const table = auditTable(report.audit);
    const tp = throughputTable(report.audit);
    parts.push(
      '',
      'Audit log (DESIGN §10, §14)',
      textTable(table.header, table.rows),
      '',
      'Audit throughput by concurrency (AuditLog, group commit)',
      textTable(tp.header, tp.rows),
      '',
      auditVerdictLine(report.audit).replaceAll('**', ''),
    );
  }
  if (report.serve !== undefined) {
    const table = serveTable(report.serve);
    parts.push(
      '',
      `holdfast serve, ${report.serve.options.clients} concurrent clients per path (issue 6)`,
      textTable(table.header, table.rows),
      '',
      ...serveVerdictLines(report.serve).map((l) => l.replaceAll('**', '').replaceAll('`', '')),
    );
  }
  return parts.join('\n');
}

function everyCallLine(report: BenchReport): string | undefined {
  const direct = find(report.latency, 'direct');
  const every = find(report.latency, 'holdfast-every-call');
  if (direct === undefined || every === undefined) return undefined;
  const added = addedLatency(direct, every);
  return `--recheck every-call (informational, no budget): added p50 ${signed(added.p50)} ms, added p99 ${signed(added.p99)} ms`;
}

/** Per-call in-process gateway work (micro) against the gateway's measured CPU per call. */
function perCallSplit(report: BenchReport): string | undefined {
  const gateway = find(report.latency, 'holdfast')?.cpuUsPerCall.gateway;
  const micro = report.micro?.results;
  if (gateway === undefined || micro === undefined) return undefined;
  const names = ['checkUpstreamText', 'store.getStatus (SQLite)', 'decideCall (gate + ajv)'];
  const parts = micro.filter((r) => names.includes(r.name));
  if (parts.length !== names.length) return undefined;
  const own = parts.reduce((sum, r) => sum + r.minUsPerOp, 0);
  const audit = auditPerCall(report.audit);
  return [
    `Holdfast's own per-call checks add up to about ${own.toFixed(0)} µs (best batches of the three`,
    `per-call rows), against ${gateway.toFixed(0)} µs of gateway CPU per call measured above.`,
    audit === undefined
      ? 'Each call also makes two durable audit appends (a decision and a result).'
      : `Each call also makes two durable audit appends (a decision and a result), each its own transaction at concurrency 1: about 2 × ${audit.single.toFixed(0)} µs of CPU by the audit section's one-per-transaction row, plus ${(2 * audit.build).toFixed(0)} µs to build the two events.`,
    'The rest is relaying: pipe reads and writes (messages are relayed as the bytes they arrived as,',
    'so there is no re-serialization), line framing, strict parsing, and event-loop overhead. To see',
    'it, profile the gateway:',
    '`BENCH_CPU_PROF=/tmp/prof BENCH_MICRO=0 npm run bench`, then',
    '`npx tsx bench/profile-summary.ts --skip-ms 3000 /tmp/prof/holdfast-holdfast.cpuprofile`',
    '(CPU profiles inflate the latencies of that run; do not report its numbers).',
  ].join('\n');
}

/** CPU µs of one single-entry audit transaction and of building one event, if measured. */
function auditPerCall(
  audit: AuditResults | undefined,
): { single: number; build: number } | undefined {
  const single = audit?.cpu.find((c) => c.batch === 1)?.cpuUsPerEntry;
  if (audit === undefined || single === undefined) return undefined;
  return { single, build: audit.eventBuildUsPerEntry };
}

/** The audit section of docs/benchmarks.md. */
function auditMarkdown(audit: AuditResults): string[] {
  const table = auditTable(audit);
  const tp = throughputTable(audit);
  const o = audit.options;
  const grouped = audit.cpu.find((c) => c.batch !== 1);
  return [
    '## Audit log (DESIGN §10, §14)',
    '',
    'In-process, imported from `src/` through tsx, on a real SQLite file (`openSqliteStore`: WAL,',
    '`synchronous=FULL`) in a fresh temporary directory, removed afterwards. The entries are the ones',
    'the gateway writes per `tools/call`, a `call` decision and its `result`, made by',
    '`toDecisionEvent` / `toResultEvent` (salted digests; `audit.keep_payloads` off, so each entry also',
    `stores its 16-byte salt in its own row); they average ${fixed(audit.entryBytes, 0)} bytes. There is no direct path`,
    'to compare with here: these are absolute numbers against the absolute budgets of DESIGN §14.',
    `Load average (1/5/15 min): ${load(audit.loadStart)} at the start of this part, ${load(audit.loadEnd)} at its end; it took ${fixed(audit.wallMs / 1000, 0)} s.`,
    `For scale, one SHA-256 over ${fixed(audit.entryBytes, 0)} bytes (\`createHash\`) took ${fixed(audit.sha256Us, 2)} µs of CPU on this machine in this run.`,
    '',
    markdownTable(table.header, table.rows),
    '',
    auditVerdictLine(audit),
    '',
    '### Throughput by concurrency (`AuditLog`, group commit)',
    '',
    markdownTable(tp.header, tp.rows),
    '',
    '### Method',
    '',
    `- CPU per entry: \`process.cpuUsage()\` (user + system, every thread of the process) around \`store.appendAudit\` calls, divided by the entries appended (after a warm-up of 2,000). The events are built beforehand; building them is the separate row (the gateway pays it per entry, so the all-in cost is the sum${grouped === undefined ? '' : `, ${fixed(grouped.cpuUsPerEntry + audit.eventBuildUsPerEntry, 1)} µs`}). An fsync is a wait, not CPU, so the CPU excludes it by construction; the kernel's share of the write syscalls is included in the system time. ${o.cpuBatch} per transaction is what group commit makes of ${o.cpuBatch} concurrent calls; 1 per transaction adds a whole transaction to every entry (BEGIN IMMEDIATE, COMMIT, and each 4 KiB page it touched in three tables written to the WAL).`,
    `- Throughput: one \`AuditLog\` over the store, signing real Ed25519 checkpoints (key from \`openAuditSigning\`) at most every 1 s and at close, with C concurrent callers each awaiting \`log.append(event)\` in a loop for ${fixed(o.throughputMs / 1000, 0)} s (at most ${count(o.throughputMaxEntries)} entries); callers build their events in the loop, as the gateway does. Transactions are counted by wrapping \`appendAudit\`; mean batch = entries / transactions. Append latency is the time each \`await\` took, fsync included. The CPU column includes building the events and signing.`,
    `- Inclusion proofs: a log of ${count(audit.build.entries)} entries built with ${count(o.buildBatch)} entries per transaction, then \`store.inclusionProof(i, size)\` for ${count(o.proofs)} random i (fixed seed) after 1,000 unmeasured; each call is timed on its own, so the store row includes one Promise per proof. The synchronous row calls \`inclusionProof\` of src/audit/merkle.ts with the store's node query on a second, read-only connection. ${audit.proof.checked} proofs from the two paths were compared and verified against the root (mean ${fixed(audit.proof.proofLength, 1)} hashes).`,
    `- Verification: \`addCheckpoint\` signs the whole log (${fixed(audit.checkpointMs, 1)} ms), then \`verifyLog(store, { verifier })\` re-reads every entry, parses and re-hashes it, recomputes both roots, checks the checkpoint signature and the stored nodes; the result must be ok at the full size.`,
    '- Wall-clock numbers (throughput, proof times, verification seconds) depend on how much of a core the process got: on a loaded machine compare them with the CPU figures beside them. Throughput with many callers is CPU-bound (entries/s × CPU µs/entry is close to one core), so it moves with the CPU per entry.',
    '- The end-to-end latency the audit log adds to a call is already in the latency table above: `holdfast run` always writes the audit log, so those numbers include two durable appends per call. At concurrency 1 group commit has nothing to group: each append is a transaction and an fsync of its own, on the call path (the decision before forwarding, the result before relaying).',
  ];
}

/** docs/benchmarks.md. */
export function renderMarkdown(report: BenchReport): string {
  const { env, latency } = report;
  const o = latency.options;
  const rounds = Math.ceil(o.calls / o.blockSize);
  const lat = latencyRows(latency);
  const v = verdict(report);
  const out: string[] = [];
  out.push(
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts, bench/report.ts). Do not edit by hand. -->',
    '',
    'Reproduce with:',
    '',
    '```sh',
    env.command,
    '```',
    '',
    '`BENCH_CALLS` sets the measured calls per path (default 5000), `BENCH_BLOCK` the calls per',
    'block (500), `BENCH_WARMUP` the warm-up calls (500); `BENCH_MICRO=0` skips the micro-benchmarks;',
    '`BENCH_CPU_PROF=DIR` writes V8 CPU profiles of the gateway processes (see below).',
    '`BENCH_AUDIT=0` skips the audit log benchmark; `BENCH_AUDIT_ENTRIES` sets the size of the log',
    'for inclusion proofs and verification (default 1000000, the size DESIGN §14 states them at),',
    '`BENCH_AUDIT_CPU_ENTRIES` the entries appended for CPU per entry (20000),',
    '`BENCH_AUDIT_SECONDS` the seconds per concurrency level of the throughput run (2), and',
    '`BENCH_AUDIT_PROOFS` the inclusion proofs timed per path (10000).',
    '`BENCH_SERVE=0` skips the `holdfast serve` benchmark; `BENCH_SERVE_CLIENTS` sets its concurrent',
    'clients per path (32, the size of the budget), `BENCH_SERVE_ROUNDS` its rounds (3) and',
    '`BENCH_SERVE_SECONDS` the seconds of each turn and of each warm-up (5).',
    '',
    '## Run',
    '',
    `- Date: ${env.date}`,
    `- Commit: ${env.commit}`,
    `- Machine: ${env.cpuCount} × ${env.cpuModel}, ${env.os}`,
    `- Node: ${env.node}`,
    `- Load average (1/5/15 min): ${load(env.loadStart)} at start, ${load(env.loadEnd)} at end`,
    `- Calls: ${o.calls} measured per path in ${rounds} rounds of ${o.blockSize}, after ${o.warmup} warm-up calls per path; paths take turns each round (order rotated); a path is abandoned after ${o.variantTimeLimitMs / 1000} s`,
    `- Wall time of the latency run: ${(latency.wallMs / 1000).toFixed(1)} s`,
    '',
    '## Added latency per `tools/call` (DESIGN §14)',
    '',
    'One official SDK client per path, concurrency 1, calling the `echo` tool of `bench/echo-server.ts`',
    '(official SDK `McpServer` over stdio). `direct` spawns the server itself; `holdfast` spawns',
    '`holdfast run --home <fresh temp dir> --name echo -- <server>` and talks to it instead. Times are',
    'client-observed round trips in milliseconds. "Added" is holdfast − direct at the same percentile;',
    'CPU columns are on-CPU time of the gateway and server processes (all threads, from',
    '`/proc/<pid>/task/*/schedstat`) divided by measured calls: averages, so compare them with the',
    "mean column, not p50. Under load the kernel's share of pipe I/O and cache misses inflate them.",
    '',
    markdownTable(lat.header, lat.rows),
    '',
  );
  for (const p of latency.paths) {
    if (p.aborted !== undefined) out.push(`- \`${p.id}\` was aborted: ${p.aborted}`);
  }
  out.push('### Verdict against the budget (p50 ≤ 0.3 ms, p99 ≤ 1 ms added)', '');
  out.push(...verdictLines(report).map((l) => `- ${l}`), '');
  if (v !== undefined) {
    out.push(
      v.p50Ok && v.p99Ok && v.complete
        ? '**Within budget** in this run.'
        : '**Not within budget** in this run (see the notes below before drawing conclusions).',
      '',
    );
  }
  const every = everyCallLine(report);
  if (every !== undefined) {
    out.push(
      '### `--recheck every-call` (informational)',
      '',
      `- ${every.replace(/^.*?: /, '')}`,
      "- Every call first re-lists the upstream's tools and re-digests them, so this adds a full",
      '  `tools/list` round trip to the server per call. There is no budget for it.',
      '',
    );
  }
  if (report.micro !== undefined) {
    const micro = microRows(report.micro);
    out.push(
      '## Micro-benchmarks (in-process, µs per operation)',
      '',
      `Imported from \`src/\` through tsx. Tool definitions from ${report.micro.corpus}. Each operation`,
      'runs in batches of about 5 ms after a warm-up; the median batch is reported.',
      '',
      markdownTable(micro.header, micro.rows),
      '',
      '- `parseStrictJson`, `canonicalize`, `computeSurfaceDigests`: paid per `tools/list` (and per',
      '  call with `--recheck every-call`), not per ordinary call.',
      '- `checkUpstreamText`, `store.getStatus`, `decideCall`: paid on every `tools/call`.',
      '- `evaluatePolicy`: paid on every gated request when rules are configured. The request',
      '  matches no rule, so all 100 are tried (the worst case of first-match evaluation).',
      '',
      ...policyVerdict(report.micro),
    );
    const split = perCallSplit(report);
    if (split !== undefined) out.push(split, '');
  }
  if (report.audit !== undefined) out.push(...auditMarkdown(report.audit), '');
  if (report.serve !== undefined) out.push(...serveMarkdown(report.serve, env.cpuCount), '');
  out.push(
    '## How to read this',
    '',
    '- The machines are small (2 cores) and often busy with other work, so absolute numbers move',
    '  from run to run. Compare paths **within one run**: they were measured interleaved, in',
    '  alternating blocks, so background load hits all of them alike. The per-round added p50',
    '  (median and range) shows how stable the difference was; a wide range means a noisy run.',
    '- p99 over a few thousand calls rests on a few dozen samples and is sensitive to scheduler',
    '  hiccups (GC, another process taking a core). Re-run before treating a p99 miss as a',
    '  regression, and look at the load average recorded above.',
    '- A gateway path has one more process and two more pipe hops (client → holdfast → server and',
    '  back) than the direct path. On 2 cores, three busy processes (client, gateway, server) compete',
    '  for CPU, so part of the added latency is scheduling and wake-up time, not gateway code: compare',
    '  the gateway CPU per call with the added latency to see how much is work and how much is',
    '  waiting.',
    '- DESIGN §14 states the budget "with every protection on and durable audit". This measures',
    '  `holdfast run` with its defaults as built from the commit above, and the audit log is always',
    '  on: every call commits two entries (decision, result), each fsynced before the gateway goes on.',
    '- Startup (spawning, the initialize handshake, the first probe and baseline) is excluded; only',
    '  steady-state calls after warm-up are measured.',
    '- Benchmarks are not tests: nothing fails the build on these numbers.',
    '',
  );
  return out.join('\n');
}

/** The policy budget line (DESIGN §14: evaluation ≤ 10 µs for 100 rules). */
function policyVerdict(micro: MicroResults): string[] {
  const rules = micro.results.find((r) => r.name === 'evaluatePolicy (100 rules)');
  const egress = micro.results.find((r) => r.name === 'evaluatePolicy (100 rules + egress scan)');
  if (rules === undefined) return [];
  const verdict = rules.usPerOp <= 10 ? 'PASS' : 'FAIL';
  const lines = [
    `Policy evaluation, 100 rules: ${rules.usPerOp.toFixed(2)} µs (budget ≤ 10 µs): ${verdict}.`,
  ];
  if (egress !== undefined) {
    lines.push(
      `With an egress deny list every string of the arguments is also scanned for hosts: ${egress.usPerOp.toFixed(2)} µs (no separate budget).`,
    );
  }
  return [...lines, ''];
}

const percent = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');

function servePath(serve: ServeResults, id: ServePathResult['id']): ServePathResult | undefined {
  return serve.paths.find((p) => p.id === id);
}

function serveTable(serve: ServeResults): { header: string[]; rows: Row[] } {
  const direct = servePath(serve, 'direct');
  const header = [
    'path',
    'calls',
    'calls/s',
    'vs direct',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'added p50',
    'added p99',
    'gateway CPU µs/call',
    'server CPU µs/call',
    'client CPU µs/call',
  ];
  const rows = serve.paths.map((p) => {
    const s = p.summary;
    const isDirect = p.id === 'direct' || direct === undefined;
    return {
      cells: [
        p.id + (p.aborted === undefined ? '' : ' (aborted)'),
        String(s.count),
        fixed(p.callsPerSecond, 0),
        isDirect ? '100 %' : percent(p.callsPerSecond / direct.callsPerSecond),
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        isDirect ? '—' : signed(s.p50 - direct.summary.p50),
        isDirect ? '—' : signed(s.p99 - direct.summary.p99),
        p.id === 'direct' ? '—' : us(p.cpu.gateway?.usPerCall),
        us(p.cpu.upstream?.usPerCall),
        us(p.cpu.client?.usPerCall),
      ],
    };
  });
  return { header, rows };
}

function serveRoundsTable(serve: ServeResults): { header: string[]; rows: Row[] } {
  const direct = servePath(serve, 'direct')?.turns ?? [];
  const holdfast = servePath(serve, 'holdfast')?.turns ?? [];
  const rows: Row[] = [];
  for (let i = 0; i < Math.max(direct.length, holdfast.length); i++) {
    const d = direct[i];
    const h = holdfast[i];
    rows.push({
      cells: [
        String(i + 1),
        d === undefined ? 'n/a' : fixed(d.callsPerSecond, 0),
        h === undefined ? 'n/a' : fixed(h.callsPerSecond, 0),
        percent(serve.roundRatios[i] ?? Number.NaN),
        d === undefined || h === undefined ? 'n/a' : signed(h.p50 - d.p50),
        d === undefined || h === undefined ? 'n/a' : signed(h.p99 - d.p99),
      ],
    });
  }
  return {
    header: ['round', 'direct calls/s', 'holdfast calls/s', 'ratio', 'added p50', 'added p99'],
    rows,
  };
}

/** Total on-CPU µs per call of a path's processes, if all of them were measured. */
function cpuPerCall(
  path: ServePathResult,
  roles: readonly ('gateway' | 'upstream' | 'client')[],
): number {
  return roles.reduce((sum, role) => sum + (path.cpu[role]?.usPerCall ?? Number.NaN), 0);
}

/** The throughput budget (issue 6) and the added latency. */
function serveVerdictLines(serve: ServeResults): string[] {
  const direct = servePath(serve, 'direct');
  const holdfast = servePath(serve, 'holdfast');
  if (direct === undefined || holdfast === undefined || serve.roundRatios.length === 0) {
    return ['No verdict: the direct or the holdfast path measured nothing.'];
  }
  const ratio = medianRatio(serve);
  const atBudget = serve.options.clients === SERVE_BUDGET.atClients;
  const complete = direct.aborted === undefined && holdfast.aborted === undefined;
  const verdictText = !atBudget
    ? `n/a (the budget is stated at ${SERVE_BUDGET.atClients} clients)`
    : mark(complete && ratio >= SERVE_BUDGET.minThroughputRatio);
  const lines = [
    `Throughput through holdfast: **${percent(ratio)}** of direct (median of ${serve.roundRatios.length} rounds: ${serve.roundRatios.map(percent).join(', ')}; whole run ${percent(holdfast.callsPerSecond / direct.callsPerSecond)}), budget ≥ ${percent(SERVE_BUDGET.minThroughputRatio)} at ${SERVE_BUDGET.atClients} clients: **${verdictText}**`,
    `Added latency (holdfast − direct, all measured calls): p50 ${signed(holdfast.summary.p50 - direct.summary.p50)} ms, p99 ${signed(holdfast.summary.p99 - direct.summary.p99)} ms (reported; no budget)`,
  ];
  const directCpu = cpuPerCall(direct, ['upstream', 'client']);
  const holdfastCpu = cpuPerCall(holdfast, ['gateway', 'upstream', 'client']);
  if (Number.isFinite(directCpu) && Number.isFinite(holdfastCpu)) {
    lines.push(
      `CPU per call, all processes of the path: direct ${fixed(directCpu, 0)} µs (client + server), holdfast ${fixed(holdfastCpu, 0)} µs (client + gateway + server); if CPU alone limited throughput, the ratio would be ${percent(directCpu / holdfastCpu)}`,
    );
  }
  for (const p of serve.paths) {
    if (p.aborted !== undefined) lines.push(`\`${p.id}\` was aborted: ${p.aborted}`);
  }
  return lines;
}

/** The serve section of docs/benchmarks.md. */
function serveMarkdown(serve: ServeResults, cpuCount: number): string[] {
  const o = serve.options;
  const table = serveTable(serve);
  const rounds = serveRoundsTable(serve);
  const gateway = servePath(serve, 'holdfast')?.cpu.gateway;
  return [
    '## `holdfast serve` under concurrent clients (issue 6)',
    '',
    `${o.clients} official SDK clients per path, all in the benchmark process, each call the \`echo\` tool of \`bench/echo-http-server.ts\` (official SDK \`McpServer\` over Streamable HTTP, one session per client, each response an SSE stream as the SDK does by default) in a closed loop: \`direct\` connects to the echo server itself, \`holdfast\` to \`holdfast serve\` (defaults, fresh temp home with SQLite and the durable audit log) at \`/mcp/echo\` with an agent key, which opens its own upstream session per client session and writes its JSON log (a line per HTTP request) to a file.`,
    '',
    `The paths take turns of ${fixed(o.roundMs / 1000, 0)} s in ${o.rounds} rounds (the order alternates each round) after an unmeasured ${fixed(o.warmupMs / 1000, 0)} s turn each; every turn stops at its time or after ${count(o.maxCallsPerTurn)} calls. calls/s is completed calls over the turns' wall time; latency is per call as the client saw it, in milliseconds; CPU columns are on-CPU time per measured call of the gateway and echo server processes (\`/proc/<pid>/task/*/schedstat\`) and of the benchmark process that runs the clients (\`process.cpuUsage()\`). Took ${fixed(serve.wallMs / 1000, 0)} s.`,
    '',
    markdownTable(table.header, table.rows),
    '',
    markdownTable(rounds.header, rounds.rows),
    '',
    ...serveVerdictLines(serve).map((l) => `- ${l}`),
    '',
    '- With every client in a closed loop, a call waits behind the others: latency is about',
    "  clients ÷ throughput (Little's law), so the added latency here mostly mirrors the throughput",
    '  ratio rather than the work one call costs; the gateway CPU per call measures that work.',
    `- Client, gateway and echo server share the machine's ${cpuCount} cores with whatever else runs, so the`,
    '  path that burns more CPU per call gets fewer calls per second: the CPU line above says how far',
    '  CPU alone explains the ratio.' +
      (gateway === undefined
        ? ''
        : ` The gateway was on CPU ${fixed(gateway.cores, 2)} cores on average during its turns.`),
    "- To see where the gateway's time goes: `BENCH_CPU_PROF=/tmp/prof BENCH_MICRO=0 BENCH_AUDIT=0 npm run bench`,",
    '  then `npx tsx bench/profile-summary.ts --skip-ms 5000 /tmp/prof/holdfast-serve.cpuprofile`.',
  ];
}
