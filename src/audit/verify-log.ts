/**
 * `holdfast audit verify`: recomputes the whole audit log offline and says where it was changed
 * (DESIGN §10). Tampering is reported as problems, never thrown; only a store that cannot be read
 * throws (StoreError).
 *
 * Algorithm:
 *
 * 1. Checkpoints. Every stored checkpoint and every external one (a file, a receipt) is opened
 *    with the log's verifier key. A bad signature, a foreign origin or a note signed by another key
 *    is CHECKPOINT_FORGED; an unparseable note is CHECKPOINT_MALFORMED, as is a stored row whose
 *    size column differs from the size it signs. Each validly signed checkpoint is a target: the
 *    entries must reproduce its root at its size.
 * 2. Entries, streamed in chunks in index order. Position p must hold a row with index p (a jump is
 *    ENTRY_MISSING at p); its bytes must parse (ENTRY_MALFORMED), say they are entry p
 *    (ENTRY_OUT_OF_PLACE: reordering, insertion, renumbering) and hash to the stored leaf
 *    (ENTRY_MODIFIED; a missing leaf too). One problem per position, in that order. Two roots
 *    are recomputed as the rows stream by, in stored order: one over the leaf hashes of the stored
 *    bytes, one over the stored leaf hashes (the recomputed one where a leaf is missing). Where the
 *    first reaches a target size its root must equal the signed one, else ROOT_MISMATCH; the
 *    second says how precisely the mismatch is located (below). After a gap no root can be known:
 *    later targets are left unchecked, with no further problem.
 * 3. A valid checkpoint larger than the log (one past the last stored index) is TRUNCATED, at
 *    index = that length.
 * 4. Tree nodes (receipts are built from them): when the log has no gap, `rootAt(length)` must
 *    equal the root over the stored leaf hashes, and between consecutive matched checkpoints (and
 *    from the newest one to that root) the store's consistency proofs must verify. Any failure,
 *    including an error thrown by the store, is NODES_INCONSISTENT.
 *
 * Guarantees (SHA-256 collision resistance assumed):
 * - Located exactly: a missing, malformed, misplaced or modified entry (by its index), and a
 *   truncation (at the log's length).
 * - Where the stored leaf hashes still reproduce a checkpoint root, the entries changed below it
 *   are exactly the positions reported; the ROOT_MISMATCH then carries no index.
 * - Where entries were rewritten with their leaf hashes, the change is located by range: the
 *   ROOT_MISMATCH index is the last checkpoint below it that either root reproduced (0 if none),
 *   and the change lies in [index, checkpointSize).
 * - So `firstBadIndex` is at most the first changed position below any valid checkpoint. Entries
 *   after the newest checkpoint (`uncheckpointed`) are only checked against their own leaves.
 */
import { AuditError, StoreError } from '../shared/errors.js';
import type { AuditStore } from '../store/ports.js';
import { openCheckpoint } from './checkpoint.js';
import { parseEntry } from './entry.js';
import { CompactRange, HASH_SIZE, hashEquals, leafHash, verifyConsistency } from './merkle.js';
import type { NoteVerifier } from './note.js';

/** Entries read per `readEntries` call unless told otherwise. */
export const DEFAULT_CHUNK_SIZE = 10_000;
/** At most this many problems of each code are listed; `problemCount` counts them all. */
export const MAX_PROBLEMS_PER_CODE = 100;

/** Options for {@link verifyLog}. */
export interface VerifyLogOptions {
  /** The log's public key (a parsed vkey); its name is the log origin. */
  verifier: NoteVerifier;
  /** Checkpoints kept elsewhere (files, receipts) that the log must match; `source` names each. */
  external?: { source: string; note: string }[];
  /** Called after every chunk with the entries checked and the expected total, last with both equal. */
  onProgress?: (checked: number, total: number) => void;
  /** Entries read per `readEntries` call (default {@link DEFAULT_CHUNK_SIZE}). */
  chunkSize?: number;
}

/**
 * What is wrong with the log:
 * - `ENTRY_MISSING`: no stored entry at `index` (the first of a gap);
 * - `ENTRY_OUT_OF_PLACE`: the entry at `index` says it is another entry;
 * - `ENTRY_MODIFIED`: the entry at `index` does not hash to its stored leaf (or has none);
 * - `ENTRY_MALFORMED`: the entry at `index` is not a valid entry;
 * - `ROOT_MISMATCH`: the entries do not reproduce the root signed at `checkpointSize`;
 * - `CHECKPOINT_FORGED`: a checkpoint not signed by the log's key, or for another origin;
 * - `CHECKPOINT_MALFORMED`: an unreadable checkpoint, or one stored under the wrong size;
 * - `TRUNCATED`: a checkpoint signs more entries than the log holds (`index` = its length);
 * - `NODES_INCONSISTENT`: the stored tree nodes disagree with the stored leaves or checkpoints.
 */
export type LogProblemCode =
  | 'ENTRY_MISSING'
  | 'ENTRY_OUT_OF_PLACE'
  | 'ENTRY_MODIFIED'
  | 'ENTRY_MALFORMED'
  | 'ROOT_MISMATCH'
  | 'CHECKPOINT_FORGED'
  | 'CHECKPOINT_MALFORMED'
  | 'TRUNCATED'
  | 'NODES_INCONSISTENT';

/** One finding. `index` is the first entry it shows (or may show) to be bad. */
export interface LogProblem {
  code: LogProblemCode;
  index?: number;
  /** The checkpoint concerned: its signed size, or the stored size column if it did not open. */
  checkpointSize?: number;
  /** For an external checkpoint, where it came from. */
  source?: string;
  message: string;
}

/** The outcome of {@link verifyLog}. */
export interface LogVerification {
  /** No problem found. */
  ok: boolean;
  /** The log's length: one past the last stored index (entries missing inside it are problems). */
  size: number;
  /** Base64 of the root recomputed from the stored entries; '' when a gap makes it unknowable. */
  root: string;
  /** Stored checkpoints checked. */
  checkpoints: number;
  /** External checkpoints checked. */
  external: number;
  /** Size of the newest validly signed checkpoint, stored or external. */
  latestCheckpointSize: number | undefined;
  /** Entries after the newest validly signed checkpoint. */
  uncheckpointed: number;
  /** Smallest index among the problems (all of them, listed or not). */
  firstBadIndex: number | undefined;
  /** The problems in the order found, at most {@link MAX_PROBLEMS_PER_CODE} per code. */
  problems: LogProblem[];
  /** Every problem found, listed or not. */
  problemCount: number;
}

/** A validly signed checkpoint the entries must reproduce. */
interface Target {
  size: number;
  root: Buffer;
  /** Undefined for a stored checkpoint. */
  source: string | undefined;
  /** Set by the scan when the recomputed root equals the signed one. */
  isMatched: boolean;
}

/** Recomputes the whole log from `store` and reports every problem found (see the file header). */
export async function verifyLog(
  store: AuditStore,
  options: VerifyLogOptions,
): Promise<LogVerification> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError('chunkSize must be a positive integer');
  }
  const problems = new ProblemList();
  const storedCheckpoints = await store.listCheckpoints();
  const targets: Target[] = [];
  for (const { size, note } of storedCheckpoints) {
    const target = openTarget(note, undefined, size, options.verifier, problems);
    if (target === undefined) continue;
    if (target.size !== size) {
      problems.add({
        code: 'CHECKPOINT_MALFORMED',
        checkpointSize: size,
        message: `the checkpoint stored as size ${size} signs size ${target.size}`,
      });
    }
    targets.push(target);
  }
  const external = options.external ?? [];
  for (const { source, note } of external) {
    const target = openTarget(note, source, undefined, options.verifier, problems);
    if (target !== undefined) targets.push(target);
  }
  targets.sort((a, b) => a.size - b.size);

  const scan = new EntryScan(store, chunkSize, targets, problems);
  await scan.run(options.onProgress);
  const size = scan.position;
  for (const target of targets) {
    if (target.size <= size) continue;
    problems.add({
      code: 'TRUNCATED',
      index: size,
      checkpointSize: target.size,
      ...sourceOf(target),
      message: `${label(target)} signs ${target.size} entries but the log has ${size}`,
    });
  }
  const leafRoot = scan.hasGap ? undefined : scan.leafRoot();
  if (leafRoot !== undefined && size > 0) {
    await checkNodes(store, targets, size, leafRoot, problems);
  }

  const latest = targets.at(-1)?.size;
  return {
    ok: problems.count === 0,
    size,
    root: scan.hasGap ? '' : scan.range.root().toString('base64'),
    checkpoints: storedCheckpoints.length,
    external: external.length,
    latestCheckpointSize: latest,
    uncheckpointed: Math.max(0, size - (latest ?? 0)),
    firstBadIndex: problems.firstBadIndex,
    problems: problems.list,
    problemCount: problems.count,
  };
}

/** Streams the entries once, checking each and both roots against the targets (steps 2). */
class EntryScan {
  /** Next expected index; at the end, the log's length. */
  position = 0;
  hasGap = false;
  /** MTH over the leaf hashes of the stored bytes. */
  readonly range = new CompactRange();
  /**
   * MTH over the stored leaf hashes (the recomputed one where a leaf is missing). Undefined while
   * it would equal `range`, that is until a stored leaf differs: most logs never need it.
   */
  #leafRange: CompactRange | undefined;
  readonly #store: AuditStore;
  readonly #chunkSize: number;
  readonly #targets: readonly Target[];
  readonly #problems: ProblemList;
  #next = 0;
  /** The last target size the recomputed root reproduced. */
  #lastMatched = 0;
  /** The last target size the stored leaf hashes reproduced. */
  #lastLeafMatched = 0;

  constructor(
    store: AuditStore,
    chunkSize: number,
    targets: readonly Target[],
    problems: ProblemList,
  ) {
    this.#store = store;
    this.#chunkSize = chunkSize;
    this.#targets = targets;
    this.#problems = problems;
  }

  /** Root over the stored leaf hashes (valid when there is no gap). */
  leafRoot(): Buffer {
    return (this.#leafRange ?? this.range).root();
  }

  async run(onProgress: ((checked: number, total: number) => void) | undefined): Promise<void> {
    const total = onProgress === undefined ? 0 : await headSize(this.#store);
    let nextSize = this.#reach();
    let reported = -1;
    for (;;) {
      const rows = await this.#store.readEntries(this.position, this.#chunkSize);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.index < this.position) {
          throw new StoreError('STORE_CORRUPT', 'audit log: entries were read out of order', {
            details: { index: row.index },
          });
        }
        if (row.index > this.position) this.#missing(row.index);
        const leaf = leafHash(row.entry);
        const stored = row.leaf;
        const hasLeaf = stored?.length === HASH_SIZE;
        const isLeafOk = hasLeaf && hashEquals(stored, leaf);
        checkEntry(row.entry, this.position, isLeafOk, this.#problems);
        if (!this.hasGap) {
          if (hasLeaf && !isLeafOk) this.#leafRange ??= await this.#copyRange();
          this.#leafRange?.push(hasLeaf ? stored : leaf);
          this.range.push(leaf);
          if (this.range.size === nextSize) nextSize = this.#reach();
        }
        this.position += 1;
      }
      reported = Math.max(total, this.position);
      onProgress?.(this.position, reported);
    }
    if (reported !== this.position) onProgress?.(this.position, this.position);
  }

  /**
   * The stored-leaf range at the first stored leaf that differs: until then it equals `range`, so
   * it is rebuilt by reading those stored leaves again, and must reach the same root.
   */
  async #copyRange(): Promise<CompactRange> {
    const copy = new CompactRange();
    const size = this.range.size;
    for (let start = 0; start < size; start = copy.size) {
      const rows = await this.#store.readEntries(start, Math.min(this.#chunkSize, size - start));
      if (rows.length === 0) break;
      for (const row of rows) {
        copy.push(row.leaf?.length === HASH_SIZE ? row.leaf : leafHash(row.entry));
      }
    }
    if (!hashEquals(copy.root(), this.range.root())) {
      throw new StoreError('STORE_CORRUPT', 'audit log: entries changed while being verified');
    }
    return copy;
  }

  #missing(index: number): void {
    const last = index - 1;
    this.#problems.add({
      code: 'ENTRY_MISSING',
      index: this.position,
      message:
        last === this.position
          ? `entry ${last} is missing`
          : `entries ${this.position} to ${last} are missing`,
    });
    this.hasGap = true;
    this.position = index;
  }

  /** Checks the targets at the current size; returns the next target size (-1 for none). */
  #reach(): number {
    const size = this.range.size;
    const root = this.range.root();
    const bound = Math.max(this.#lastMatched, this.#lastLeafMatched);
    let leafRoot: Buffer | undefined;
    for (; this.#next < this.#targets.length; this.#next += 1) {
      const target = this.#targets[this.#next];
      if (target?.size !== size) break;
      if (hashEquals(root, target.root)) {
        target.isMatched = true;
        this.#lastMatched = size;
        continue;
      }
      leafRoot ??= this.leafRoot();
      const isExplained = hashEquals(leafRoot, target.root);
      if (isExplained) this.#lastLeafMatched = size;
      this.#problems.add({
        code: 'ROOT_MISMATCH',
        ...(isExplained ? {} : { index: bound }),
        checkpointSize: size,
        ...sourceOf(target),
        message: isExplained
          ? `the entries do not reproduce ${label(target)}; its stored leaf hashes do, ` +
            'so the entries changed below it are exactly those reported'
          : `the entries do not reproduce ${label(target)}: ` +
            `an entry in [${bound}, ${size}) was changed along with its leaf hash`,
      });
    }
    return this.#targets[this.#next]?.size ?? -1;
  }
}

/** Step 2 for one stored entry: at most one problem, the most telling. */
function checkEntry(
  bytes: Buffer,
  position: number,
  isLeafOk: boolean,
  problems: ProblemList,
): void {
  let index: number;
  try {
    // Attacker-controlled input: stored entry bytes.
    index = parseEntry(bytes).index;
  } catch (error) {
    problems.add({
      code: 'ENTRY_MALFORMED',
      index: position,
      message: `entry ${position} is malformed (${errorMessage(error)})`,
    });
    return;
  }
  if (index !== position) {
    problems.add({
      code: 'ENTRY_OUT_OF_PLACE',
      index: position,
      message: `the entry at ${position} says it is entry ${index}`,
    });
  } else if (!isLeafOk) {
    problems.add({
      code: 'ENTRY_MODIFIED',
      index: position,
      message: `entry ${position} does not hash to its stored leaf`,
    });
  }
}

/** Step 1 for one note: the target it signs, or undefined after reporting why it has none. */
function openTarget(
  note: string,
  source: string | undefined,
  storedSize: number | undefined,
  verifier: NoteVerifier,
  problems: ProblemList,
): Target | undefined {
  try {
    // Attacker-controlled input: a stored or external signed note.
    const { size, root } = openCheckpoint(note, verifier);
    return { size, root, source, isMatched: false };
  } catch (error) {
    // Anything else (AUDIT_KEY: an unusable verifier) is the caller's fault, not the log's.
    const code = error instanceof AuditError ? CHECKPOINT_PROBLEM[error.code] : undefined;
    if (code === undefined) throw error;
    const what = source ?? `the checkpoint stored as size ${storedSize}`;
    const why = code === 'CHECKPOINT_FORGED' ? 'is not signed by the log key' : 'is malformed';
    problems.add({
      code,
      ...(storedSize === undefined ? {} : { checkpointSize: storedSize }),
      ...(source === undefined ? {} : { source }),
      message: `${what} ${why} (${errorMessage(error)})`,
    });
    return undefined;
  }
}

/** What a failure to open a checkpoint says about it. */
const CHECKPOINT_PROBLEM: Partial<Record<AuditError['code'], LogProblemCode>> = {
  AUDIT_MALFORMED: 'CHECKPOINT_MALFORMED',
  AUDIT_BAD_SIGNATURE: 'CHECKPOINT_FORGED',
};

/** Step 4: the stored nodes against the stored leaves and the matched checkpoints. */
async function checkNodes(
  store: AuditStore,
  targets: readonly Target[],
  size: number,
  leafRoot: Buffer,
  problems: ProblemList,
): Promise<void> {
  const rootFault = await faultOf(async () => {
    const root = await store.rootAt(size);
    return hashEquals(root, leafRoot) ? undefined : 'it differs from the root of the leaf hashes';
  });
  if (rootFault !== undefined) {
    problems.add({
      code: 'NODES_INCONSISTENT',
      message: `the stored tree nodes give no valid root at ${size}: ${rootFault}`,
    });
  }
  const head: Target = { size, root: leafRoot, source: undefined, isMatched: true };
  const heads = [...targets.filter((t) => t.isMatched && t.size > 0), head];
  for (const [i, to] of heads.entries()) {
    const from = heads[i - 1];
    if (from === undefined || from.size === to.size) continue;
    const fault = await faultOf(async () => {
      const proof = await store.consistencyProof(from.size, to.size);
      verifyConsistency(from.size, to.size, proof, from.root, to.root);
      return undefined;
    });
    if (fault === undefined) continue;
    problems.add({
      code: 'NODES_INCONSISTENT',
      ...(to === head ? {} : { checkpointSize: to.size }),
      message: `the stored tree nodes do not prove ${from.size} → ${to.size} consistent: ${fault}`,
    });
  }
}

/** Runs a node check; a thrown error is a finding too (a broken node table), not a crash. */
async function faultOf(check: () => Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await check();
  } catch (error) {
    return errorMessage(error);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

/** The store's entry count, only to scale progress; a head it cannot compute is found in step 4. */
async function headSize(store: AuditStore): Promise<number> {
  try {
    return (await store.auditHead()).size;
  } catch {
    return 0;
  }
}

function sourceOf(target: Target): { source?: string } {
  return target.source === undefined ? {} : { source: target.source };
}

function label(target: Target): string {
  const from = target.source === undefined ? '' : ` (${target.source})`;
  return `checkpoint ${target.size}${from}`;
}

/** The problems found: all counted, at most {@link MAX_PROBLEMS_PER_CODE} per code listed. */
class ProblemList {
  readonly list: LogProblem[] = [];
  count = 0;
  firstBadIndex: number | undefined;
  readonly #perCode = new Map<LogProblemCode, number>();

  add(problem: LogProblem): void {
    this.count += 1;
    const { index } = problem;
    if (index !== undefined && (this.firstBadIndex === undefined || index < this.firstBadIndex)) {
      this.firstBadIndex = index;
    }
    const listed = this.#perCode.get(problem.code) ?? 0;
    if (listed >= MAX_PROBLEMS_PER_CODE) return;
    this.#perCode.set(problem.code, listed + 1);
    this.list.push(problem);
  }
}
