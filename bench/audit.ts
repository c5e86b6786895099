/**
 * The audit log against its DESIGN §14 budget, on a real SQLite file (WAL, synchronous=FULL) in a
 * fresh temporary directory: CPU per recorded entry, throughput with group commit at several
 * concurrencies, inclusion proof generation and full verification at 10⁶ entries. Entries are the
 * ones the gateway writes per `tools/call` (a decision and a result, from src/gateway/audit-events.ts).
 * There is no direct path to compare with: these are absolute numbers against absolute budgets.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { nodeKey } from '../src/audit/append.js';
import type { AuditEvent } from '../src/audit/entry.js';
import { AuditLog } from '../src/audit/log.js';
import type { NodeReader } from '../src/audit/merkle.js';
import { hashEquals, inclusionProof, leafHash, verifyInclusion } from '../src/audit/merkle.js';
import { parseVerifierKey, verifierKeyOf } from '../src/audit/note.js';
import { verifyLog } from '../src/audit/verify-log.js';
import { openAuditSigning } from '../src/cli/deps.js';
import type { RequestContext } from '../src/gateway/audit-events.js';
import { toDecisionEvent, toResultEvent } from '../src/gateway/audit-events.js';
import { SYSTEM_CLOCK } from '../src/shared/clock.js';
import { createId } from '../src/shared/ids.js';
import { loadOrCreateAuditKey } from '../src/store/file/audit-key.js';
import type { AuditStore, Store } from '../src/store/index.js';
import { defaultDbPath, openSqliteStore } from '../src/store/index.js';
import type { Summary } from './stats.js';
import { median, summarize } from './stats.js';

/** DESIGN §14, audit. */
export const AUDIT_BUDGET = {
  cpuUsPerEntry: 20,
  entriesPerSecond: 20_000,
  inclusionProofUs: 50,
  verifySeconds: 10,
  /** The size the last two budgets are stated at. */
  atEntries: 1_000_000,
} as const;

/** How to run the audit benchmark. */
export interface AuditOptions {
  /** Size of the large log for inclusion proofs and verification (10⁶ in DESIGN §14). */
  entries: number;
  /** Entries appended for the CPU measurement at the grouped batch size. */
  cpuEntries: number;
  /** Events per appendAudit call for the CPU measurement (what group commit yields under load). */
  cpuBatch: number;
  /** Entries appended one per transaction, for context (each pays one fsync). */
  cpuSingleEntries: number;
  /** Concurrent callers of AuditLog.append, one measurement each. */
  concurrency: number[];
  /** Time per concurrency level, and the most entries appended at each. */
  throughputMs: number;
  throughputMaxEntries: number;
  /** Events per appendAudit call while building the large log. */
  buildBatch: number;
  /** Building the large log stops here (the rest then runs on what was built). */
  buildTimeLimitMs: number;
  /** Inclusion proofs timed per path (after a warm-up). */
  proofs: number;
  progress: (line: string) => void;
}

/** CPU of appending at one batch size. */
export interface CpuResult {
  batch: number;
  entries: number;
  transactions: number;
  /** process.cpuUsage (user + system, every thread) per entry. */
  cpuUsPerEntry: number;
  userUsPerEntry: number;
  systemUsPerEntry: number;
  wallMs: number;
  entriesPerSecond: number;
  /** CPU to build the events beforehand (not counted above), per entry. */
  buildUsPerEntry: number;
}

/** AuditLog under C concurrent callers. */
export interface ThroughputResult {
  concurrency: number;
  entries: number;
  transactions: number;
  checkpoints: number;
  meanBatch: number;
  wallMs: number;
  entriesPerSecond: number;
  /** Time each `await log.append(event)` took (ms). */
  latency: Summary;
  cpuUsPerEntry: number;
}

/** Everything the audit benchmark measured. */
export interface AuditResults {
  options: Omit<AuditOptions, 'progress'>;
  /** Mean bytes of an entry as stored (canonical JSON). */
  entryBytes: number;
  /** For scale: CPU of one SHA-256 (createHash) over an entry-sized buffer on this machine, µs. */
  sha256Us: number;
  /** CPU to build one event (toDecisionEvent / toResultEvent: salt, salted digest), not stored. */
  eventBuildUsPerEntry: number;
  cpu: CpuResult[];
  throughput: ThroughputResult[];
  build: {
    entries: number;
    batch: number;
    wallMs: number;
    /** Time inside appendAudit only (event building excluded). */
    appendMs: number;
    entriesPerSecond: number;
    appendEntriesPerSecond: number;
    cpuUsPerEntry: number;
    databaseBytes: number;
    aborted?: string;
  };
  proof: {
    size: number;
    count: number;
    /** Through `store.inclusionProof` (one Promise per call), µs. */
    viaStore: Summary;
    /** Same nodes, same SQL, called synchronously over a second read-only connection, µs. */
    direct: Summary;
    /** Mean CPU per proof over the timed loop (robust to the process being descheduled), µs. */
    viaStoreCpuUs: number;
    directCpuUs: number;
    /** Mean hashes per proof. */
    proofLength: number;
    /** Proofs cross-checked: both paths equal and each verifies against the root. */
    checked: number;
  };
  checkpointMs: number;
  /** os.loadavg() when the audit benchmark started and ended (1, 5, 15 minutes). */
  loadStart: number[];
  loadEnd: number[];
  verify: {
    entries: number;
    seconds: number;
    cpuSeconds: number;
    entriesPerSecond: number;
    ok: boolean;
    problemCount: number;
  };
  wallMs: number;
}

/** Makes the entries the gateway writes for consecutive `tools/call`s: decision, then result. */
class CallEvents {
  readonly #session = createId('ses');
  readonly #definition = {
    approved: `sha256:${'ab'.repeat(32)}`,
    executed: `sha256:${'ab'.repeat(32)}`,
  };
  #seq = 0;

  /** The next event; `index` is where it will land (a result names its decision's index). */
  next(index: number): AuditEvent {
    const seq = this.#seq++;
    const id = 1000 + Math.floor(seq / 2);
    const ctx: RequestContext = {
      at: Date.now(),
      server: 'echo',
      session: this.#session,
      id,
      method: 'tools/call',
      keepPayloads: false,
    };
    if (seq % 2 === 0) {
      return toDecisionEvent(
        ctx,
        { text: `bench holdfast ${id}` },
        { kind: 'allow' },
        { name: 'echo', definition: this.#definition },
      );
    }
    return toResultEvent(ctx, index - 1, {
      result: { content: [{ type: 'text', text: `bench holdfast ${id}` }] },
      isError: false,
      durationUs: 250 + (seq % 97),
    });
  }

  batch(count: number, firstIndex: number): AuditEvent[] {
    const events: AuditEvent[] = [];
    for (let i = 0; i < count; i++) events.push(this.next(firstIndex + i));
    return events;
  }
}

/** Deterministic pseudo-random integers (mulberry32), so runs pick the same proof indexes. */
function randomInts(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Counts transactions and entries going through `appendAudit`, and checkpoints signed. */
function counted(store: Store): { store: AuditStore; counts: Counts } {
  const counts: Counts = { transactions: 0, entries: 0, checkpoints: 0 };
  return {
    counts,
    store: {
      ...store,
      appendAudit(events) {
        counts.transactions += 1;
        counts.entries += events.length;
        return store.appendAudit(events);
      },
      addCheckpoint(sign) {
        counts.checkpoints += 1;
        return store.addCheckpoint(sign);
      },
    },
  };
}

interface Counts {
  transactions: number;
  entries: number;
  checkpoints: number;
}

/** A fresh state directory with its own store and signing key. */
function openHome(root: string, name: string): { home: string; dbPath: string; store: Store } {
  const home = join(root, name);
  const dbPath = defaultDbPath(home);
  return { home, dbPath, store: openSqliteStore({ path: dbPath }) };
}

/** 1. CPU per entry at one batch size (events built beforehand, so not counted). */
async function measureCpu(
  store: Store,
  events: CallEvents,
  batch: number,
  entries: number,
  timeLimitMs: number,
): Promise<CpuResult> {
  const size = (await store.auditHead()).size;
  const batches: AuditEvent[][] = [];
  const b0 = cpuNow();
  for (let done = 0; done < entries; done += batch) {
    const n = Math.min(batch, entries - done);
    batches.push(events.batch(n, size + done));
  }
  const buildUsPerEntry = (cpuNow() - b0) / entries;
  const deadline = performance.now() + timeLimitMs;
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  let appended = 0;
  let transactions = 0;
  for (const group of batches) {
    await store.appendAudit(group);
    appended += group.length;
    transactions += 1;
    if (performance.now() > deadline) break;
  }
  const wallMs = performance.now() - t0;
  const u = process.cpuUsage(u0);
  return {
    batch,
    entries: appended,
    transactions,
    cpuUsPerEntry: (u.user + u.system) / appended,
    userUsPerEntry: u.user / appended,
    systemUsPerEntry: u.system / appended,
    wallMs,
    entriesPerSecond: appended / (wallMs / 1000),
    buildUsPerEntry,
  };
}

/** 2. AuditLog with `concurrency` callers, each awaiting append in a loop. */
async function measureThroughput(
  store: Store,
  home: string,
  concurrency: number,
  options: AuditOptions,
): Promise<ThroughputResult> {
  const wrapped = counted(store);
  const log = new AuditLog({
    store: wrapped.store,
    signing: openAuditSigning(home),
    clock: SYSTEM_CLOCK,
    log: (line) => options.progress(`  audit log: ${line}`),
    checkpointIntervalMs: 1000,
  });
  const events = new CallEvents();
  const samples = new Float64Array(options.throughputMaxEntries + concurrency);
  let taken = 0;
  let started = 0;
  let lastDone = 0;
  const u0 = cpuNow();
  const t0 = performance.now();
  const deadline = t0 + options.throughputMs;
  const caller = async (): Promise<void> => {
    while (performance.now() < deadline && started < options.throughputMaxEntries) {
      started += 1;
      // The index is only a number in the result entry; the real one is what append resolves to.
      const event = events.next(started);
      const begin = performance.now();
      await log.append(event);
      lastDone = performance.now();
      samples[taken++] = lastDone - begin;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const cpuUs = cpuNow() - u0;
  const wallMs = lastDone - t0;
  await log.close();
  const { transactions, entries, checkpoints } = wrapped.counts;
  return {
    concurrency,
    entries,
    transactions,
    checkpoints,
    meanBatch: entries / Math.max(1, transactions),
    wallMs,
    entriesPerSecond: taken / (wallMs / 1000),
    latency: summarize(samples.subarray(0, taken)),
    cpuUsPerEntry: cpuUs / Math.max(1, taken),
  };
}

/** Times `fn` once per index, in µs (awaiting it only when it returns a Promise). */
async function timeEach(
  indexes: readonly number[],
  fn: (i: number) => unknown,
): Promise<Float64Array> {
  const out = new Float64Array(indexes.length);
  for (let k = 0; k < indexes.length; k++) {
    const i = indexes[k] ?? 0;
    const t = process.hrtime.bigint();
    const result = fn(i);
    if (result instanceof Promise) await result; // the synchronous path pays no await
    out[k] = Number(process.hrtime.bigint() - t) / 1e3;
  }
  return out;
}

/** Runs the audit benchmark in a temporary directory, removed afterwards. */
export async function runAudit(options: AuditOptions): Promise<AuditResults> {
  const { progress } = options;
  const started = performance.now();
  const loadStart = loadavg();
  const root = mkdtempSync(join(tmpdir(), 'holdfast-bench-audit-'));
  const opened: Store[] = [];
  try {
    // 1. CPU per entry.
    const events = new CallEvents();
    const cpuHome = openHome(root, 'cpu');
    opened.push(cpuHome.store);
    // Warm-up (JIT, SQLite caches), then the measurements.
    await measureCpu(cpuHome.store, events, options.cpuBatch, 2000, 10_000);
    const cpu: CpuResult[] = [];
    for (const [batch, count] of [
      [options.cpuBatch, options.cpuEntries],
      [1, options.cpuSingleEntries],
    ] as const) {
      progress(`  audit CPU: ${count} entries, ${batch} per transaction`);
      const r = await measureCpu(cpuHome.store, events, batch, count, 60_000);
      progress(
        `    ${r.cpuUsPerEntry.toFixed(1)} µs CPU/entry, ${r.entriesPerSecond.toFixed(0)} entries/s`,
      );
      cpu.push(r);
    }
    const sample = await cpuHome.store.readEntries(0, 2000);
    const entryBytes = sample.reduce((sum, e) => sum + e.entry.length, 0) / sample.length;
    const eventBuildUsPerEntry = cpu[0]?.buildUsPerEntry ?? Number.NaN;
    const sha256Us = calibrateSha256(Math.round(entryBytes));

    // 2. Throughput with group commit.
    const tpHome = openHome(root, 'throughput');
    opened.push(tpHome.store);
    const throughput: ThroughputResult[] = [];
    for (const concurrency of options.concurrency) {
      const r = await measureThroughput(tpHome.store, tpHome.home, concurrency, options);
      progress(
        `  audit throughput, ${concurrency} callers: ${r.entriesPerSecond.toFixed(0)} entries/s, mean batch ${r.meanBatch.toFixed(1)}, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms`,
      );
      throughput.push(r);
    }

    // 3. The large log.
    const large = openHome(root, 'large');
    opened.push(large.store);
    progress(
      `  audit: building a ${options.entries}-entry log, ${options.buildBatch} per transaction`,
    );
    const buildEvents = new CallEvents();
    const buildDeadline = performance.now() + options.buildTimeLimitMs;
    const bu0 = cpuNow();
    const bt0 = performance.now();
    let appendMs = 0;
    let size = 0;
    let nextReport = options.entries / 10;
    let aborted: string | undefined;
    while (size < options.entries) {
      if (performance.now() > buildDeadline) {
        aborted = `stopped after ${options.buildTimeLimitMs / 1000} s at ${size} entries`;
        break;
      }
      const group = buildEvents.batch(Math.min(options.buildBatch, options.entries - size), size);
      const t = performance.now();
      const indexes = await large.store.appendAudit(group);
      appendMs += performance.now() - t;
      size += indexes.length;
      if (size >= nextReport) {
        progress(`    ${size} entries, ${((performance.now() - bt0) / 1000).toFixed(1)} s`);
        nextReport += options.entries / 10;
      }
    }
    const buildWallMs = performance.now() - bt0;
    const buildCpuUs = cpuNow() - bu0;
    const build: AuditResults['build'] = {
      entries: size,
      batch: options.buildBatch,
      wallMs: buildWallMs,
      appendMs,
      entriesPerSecond: size / (buildWallMs / 1000),
      appendEntriesPerSecond: size / (appendMs / 1000),
      cpuUsPerEntry: buildCpuUs / Math.max(1, size),
      databaseBytes: fileBytes(large.dbPath),
    };
    if (aborted !== undefined) build.aborted = aborted;

    // Inclusion proofs: through the store, and synchronously from the same nodes with the same SQL.
    const head = await large.store.auditHead();
    progress(`  audit: ${options.proofs} inclusion proofs at ${head.size} entries`);
    const random = randomInts(0x5eed);
    const pick = (n: number): number[] => Array.from({ length: n }, () => random(head.size));
    const reader = new Database(large.dbPath, { readonly: true, fileMustExist: true });
    let proof: AuditResults['proof'];
    try {
      const selectNode = reader
        .prepare<[number], Buffer>('SELECT hash FROM audit_nodes WHERE id = ?')
        .pluck();
      // Leaf hashes live in the entry rows; interior nodes in audit_nodes (sqlite-audit.ts).
      const selectLeaf = reader
        .prepare<[number], Buffer>('SELECT leaf FROM audit_entries WHERE idx = ?')
        .pluck();
      const readNode: NodeReader = (level, index) => {
        const hash = level === 0 ? selectLeaf.get(index) : selectNode.get(nodeKey(level, index));
        if (hash === undefined) throw new Error(`node ${level}/${index} is missing`);
        return hash;
      };
      const viaStore = (i: number): Promise<Buffer[]> => large.store.inclusionProof(i, head.size);
      const direct = (i: number): Buffer[] => inclusionProof(i, head.size, readNode);
      // Both paths must give the same proof, and it must verify.
      let checked = 0;
      let hashes = 0;
      for (const i of pick(Math.min(200, options.proofs))) {
        const a = await viaStore(i);
        const b = direct(i);
        const [row] = await large.store.readEntries(i, 1);
        if (row === undefined) throw new Error(`entry ${i} is missing`);
        const same =
          a.length === b.length && a.every((h, k) => hashEquals(h, b[k] ?? Buffer.alloc(0)));
        if (!same) throw new Error(`the two proof paths disagree at ${i}`);
        verifyInclusion(leafHash(row.entry), i, head.size, a, head.root);
        checked += 1;
        hashes += a.length;
      }
      await timeEach(pick(1000), viaStore);
      await timeEach(pick(1000), direct);
      let c0 = cpuNow();
      const storeUs = await timeEach(pick(options.proofs), viaStore);
      const viaStoreCpuUs = (cpuNow() - c0) / options.proofs;
      c0 = cpuNow();
      const directUs = await timeEach(pick(options.proofs), direct);
      const directCpuUs = (cpuNow() - c0) / options.proofs;
      proof = {
        size: head.size,
        count: options.proofs,
        viaStore: summarize(storeUs),
        direct: summarize(directUs),
        viaStoreCpuUs,
        directCpuUs,
        proofLength: hashes / Math.max(1, checked),
        checked,
      };
    } finally {
      reader.close();
    }
    progress(
      `    store.inclusionProof p50 ${proof.viaStore.p50.toFixed(1)} µs, p99 ${proof.viaStore.p99.toFixed(1)} µs; synchronous p50 ${proof.direct.p50.toFixed(1)} µs, p99 ${proof.direct.p99.toFixed(1)} µs`,
    );

    // 4. Full verification, against a checkpoint signed over the whole log.
    const c0 = performance.now();
    await large.store.addCheckpoint(openAuditSigning(large.home));
    const checkpointMs = performance.now() - c0;
    const verifier = parseVerifierKey(verifierKeyOf(loadOrCreateAuditKey(large.home)));
    progress(`  audit: verifying ${head.size} entries`);
    let nextProgress = head.size / 4;
    const vu0 = cpuNow();
    const vt0 = performance.now();
    const outcome = await verifyLog(large.store, {
      verifier,
      onProgress: (checked, total) => {
        if (checked < nextProgress || checked === total) return;
        progress(`    ${checked} / ${total}, ${((performance.now() - vt0) / 1000).toFixed(1)} s`);
        nextProgress += head.size / 4;
      },
    });
    const seconds = (performance.now() - vt0) / 1000;
    const verify: AuditResults['verify'] = {
      entries: outcome.size,
      seconds,
      cpuSeconds: (cpuNow() - vu0) / 1e6,
      entriesPerSecond: outcome.size / seconds,
      ok: outcome.ok && outcome.size === head.size && outcome.latestCheckpointSize === head.size,
      problemCount: outcome.problemCount,
    };
    progress(
      `    ${verify.ok ? 'ok' : 'NOT OK'}, ${seconds.toFixed(2)} s, ${verify.entriesPerSecond.toFixed(0)} entries/s`,
    );
    const { progress: _, ...rest } = options;
    return {
      options: rest,
      entryBytes,
      sha256Us,
      eventBuildUsPerEntry,
      cpu,
      throughput,
      build,
      proof,
      checkpointMs,
      verify,
      loadStart,
      loadEnd: loadavg(),
      wallMs: performance.now() - started,
    };
  } finally {
    for (const store of opened) await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** CPU µs of one SHA-256 over `bytes` bytes (median of 9 rounds of 10,000). */
function calibrateSha256(bytes: number): number {
  const input = Buffer.alloc(bytes, 0x61);
  const rounds: number[] = [];
  let sink = 0;
  for (let r = 0; r < 10; r++) {
    const c0 = cpuNow();
    for (let i = 0; i < 10_000; i++) sink ^= createHash('sha256').update(input).digest()[0] ?? 0;
    if (r > 0) rounds.push((cpuNow() - c0) / 10_000);
  }
  if (sink === 256) rounds.push(0); // never: keeps the hashing observable
  return median(rounds);
}

/** The database file and its WAL. */
function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no WAL
    }
  }
  return total;
}
