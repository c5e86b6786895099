/**
 * The audit log as the gateway uses it (DESIGN §10, I4): appends with group commit, so concurrent
 * calls share one transaction and one fsync, and signs checkpoints on a cadence and at close.
 */
import type { Clock } from '../shared/clock.js';
import { AuditError } from '../shared/errors.js';
import type { AuditStore, CheckpointSigning, StoredCheckpoint } from '../store/ports.js';
import type { AuditEvent } from './entry.js';

/** What the gateway needs of the log: a durable append that says where the entry went. */
export interface AuditRecorder {
  /**
   * Resolves with the entry's index once it is durably stored; rejects with AuditError
   * `AUDIT_UNAVAILABLE` when it could not be written (the caller then fails closed, I3).
   */
  append(event: AuditEvent): Promise<number>;
}

/** Options for {@link AuditLog}. */
export interface AuditLogOptions {
  store: AuditStore;
  /** Signs checkpoints; without it none are signed (the CLI always passes one). */
  signing: CheckpointSigning | undefined;
  clock: Clock;
  log: (line: string) => void;
  /** Sign a checkpoint at most this often while entries arrive, and at close. */
  checkpointIntervalMs: number;
}

interface Waiting {
  event: AuditEvent;
  resolve: (index: number) => void;
  reject: (error: unknown) => void;
}

/** Group-committing writer over an {@link AuditStore}. */
export class AuditLog implements AuditRecorder {
  readonly #options: AuditLogOptions;
  #queue: Waiting[] = [];
  #isScheduled = false;
  /** Flushes scheduled or running, so close() can wait for them. */
  readonly #inflight = new Set<Promise<void>>();
  /** Entries appended by this process since its last checkpoint. */
  #unsigned = 0;
  #lastCheckpointAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: AuditLogOptions) {
    this.#options = options;
    this.#lastCheckpointAt = options.clock.now();
  }

  append(event: AuditEvent): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (this.#isScheduled) return;
      // Everything queued before the next turn of the event loop shares one transaction.
      this.#isScheduled = true;
      const flushed: Promise<void> = new Promise<void>((done) =>
        setImmediate(() => void this.#flush().finally(done)),
      ).finally(() => this.#inflight.delete(flushed));
      this.#inflight.add(flushed);
    });
  }

  /** Signs a checkpoint over everything appended so far (or returns the newest if it covers it). */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const { signing, store, clock } = this.#options;
    if (signing === undefined) return undefined;
    this.#unsigned = 0;
    this.#lastCheckpointAt = clock.now();
    return store.addCheckpoint(signing);
  }

  /** Waits for queued appends, then signs a final checkpoint if anything was appended. */
  async close(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
    clearTimeout(this.#timer);
    if (this.#unsigned > 0) await this.#tryCheckpoint();
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#isScheduled = false;
    try {
      const indexes = await this.#options.store.appendAudit(batch.map((w) => w.event));
      if (indexes.length !== batch.length) throw new Error('the store returned too few indexes');
      batch.forEach((waiting, i) => settleWith(waiting, indexes[i]));
      this.#unsigned += batch.length;
    } catch (error) {
      if (batch.length > 1 && error instanceof AuditError) {
        // One unencodable event must not sink the others: retry them one by one.
        await Promise.all(batch.map((w) => this.#appendAlone(w)));
      } else {
        for (const waiting of batch) waiting.reject(unavailable(error));
      }
    }
    this.#scheduleCheckpoint();
  }

  async #appendAlone(waiting: Waiting): Promise<void> {
    try {
      const [index] = await this.#options.store.appendAudit([waiting.event]);
      settleWith(waiting, index);
      this.#unsigned += 1;
    } catch (error) {
      waiting.reject(unavailable(error));
    }
  }

  #scheduleCheckpoint(): void {
    const { signing, clock, checkpointIntervalMs } = this.#options;
    if (signing === undefined || this.#unsigned === 0 || this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastCheckpointAt + checkpointIntervalMs - clock.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tryCheckpoint();
    }, wait);
    this.#timer.unref();
  }

  async #tryCheckpoint(): Promise<void> {
    try {
      await this.checkpoint();
    } catch (error) {
      // Entries stay durable and verifiable; the next checkpoint covers them.
      const code = error instanceof AuditError ? error.code : 'AUDIT_UNAVAILABLE';
      this.#options.log(
        `could not sign an audit checkpoint (${code}): ${(error as Error).message}`,
      );
    }
  }
}

/** Resolves with the entry's index; a missing one is a fault, never a made-up index. */
function settleWith(waiting: Waiting, index: number | undefined): void {
  if (index === undefined) waiting.reject(unavailable(new Error('no index for an entry')));
  else waiting.resolve(index);
}

function unavailable(cause: unknown): AuditError {
  if (cause instanceof AuditError && cause.code === 'AUDIT_UNAVAILABLE') return cause;
  const reason = cause instanceof AuditError || isCoded(cause) ? cause.code : 'error';
  return new AuditError('AUDIT_UNAVAILABLE', `the audit log could not be written (${reason})`, {
    cause,
    details: { reason },
  });
}

function isCoded(error: unknown): error is { code: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
