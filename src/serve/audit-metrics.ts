/**
 * The MCP metrics, derived from the audit events as they are appended (see metrics.ts for why).
 * Each event kind maps to the counter of what it records (docs/audit-log.md §1 lists the kinds and
 * their data fields; docs/metrics.md lists the metrics). Label values come from the event's data
 * only through an allow-list: a client chooses method names, and a label it could choose freely
 * would let it create series without bound.
 */
import type { Registry } from 'prom-client';
import { Counter, Histogram } from 'prom-client';

import type { AuditEvent, AuditKind, AuditValue } from '../audit/entry.js';
import { ANOMALY_KINDS } from '../behavior/index.js';
import { PIN_EVENT_KINDS } from '../pinning/types.js';

/** The label value of anything outside an allow-list. */
export const OTHER_LABEL = 'other';

/**
 * MCP methods counted under their own name (both protocol eras, both directions); any other
 * method is counted as `other`.
 */
export const METRIC_METHODS: readonly string[] = [
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'subscriptions/listen',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
  'sampling/createMessage',
  'elicitation/create',
  'roots/list',
];

/** The decisions of `call`, `request` and `server-request` entries (audit-events.ts `Decision`). */
export const METRIC_VERDICTS: readonly string[] = ['allow', 'hold', 'deny'];
/** How a hold can leave `pending` (`hold-resolved` entries). */
export const METRIC_HOLD_STATES: readonly string[] = ['approved', 'denied', 'expired'];

const AUDIT_KINDS: readonly AuditKind[] = [
  ...PIN_EVENT_KINDS,
  'call',
  'request',
  'server-request',
  'result',
  'hold',
  'hold-resolved',
  'anomaly',
  'access',
  'config',
];

const METHODS: ReadonlySet<string> = new Set(METRIC_METHODS);
const VERDICTS: ReadonlySet<string> = new Set(METRIC_VERDICTS);
const HOLD_STATES: ReadonlySet<string> = new Set(METRIC_HOLD_STATES);
const ANOMALIES: ReadonlySet<string> = new Set(ANOMALY_KINDS);
const KINDS: ReadonlySet<string> = new Set(AUDIT_KINDS);

type EntryData = Readonly<Record<string, AuditValue>>;

/** Audit appends: a memory store takes ~50µs, SQLite with fsync ~1ms, a slow disk up to 1s. */
const APPEND_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];
/** Group commit puts every entry queued in one turn of the event loop into one batch. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** Upstream time of a forwarded request, from 1ms to a minute. */
const UPSTREAM_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** `value` when it is a string on the allow-list, else {@link OTHER_LABEL}. */
export function toBoundedLabel(
  value: AuditValue | undefined,
  allowed: ReadonlySet<string>,
): string {
  return typeof value === 'string' && allowed.has(value) ? value : OTHER_LABEL;
}

/** The counters the audit events feed, registered in the serving process's registry. */
export class AuditMetrics {
  readonly #entries: Counter<'kind'>;
  readonly #calls: Counter<'server' | 'method' | 'verdict'>;
  readonly #serverRequests: Counter<'server' | 'method' | 'verdict'>;
  readonly #results: Counter<'server' | 'outcome'>;
  readonly #callDuration: Histogram<'server' | 'method'>;
  readonly #drift: Counter<'server'>;
  readonly #holds: Counter<'server'>;
  readonly #holdResolutions: Counter<'server' | 'state'>;
  readonly #anomalies: Counter<'server' | 'kind'>;
  readonly #appendSeconds: Histogram<'outcome'>;
  readonly #appendBatch: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
      new Counter({ name: `holdfast_${name}`, help, labelNames, registers });
    const histogram = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      buckets: number[],
    ): Histogram<L> =>
      new Histogram({ name: `holdfast_${name}`, help, labelNames, buckets, registers });

    this.#entries = counter('audit_entries_total', 'Audit log entries appended, by kind.', [
      'kind',
    ]);
    this.#calls = counter(
      'calls_total',
      'Client requests decided (call and request entries), by server, method and verdict.',
      ['server', 'method', 'verdict'],
    );
    this.#serverRequests = counter(
      'server_requests_total',
      'Server-to-client requests decided (sampling, elicitation, roots), by verdict.',
      ['server', 'method', 'verdict'],
    );
    this.#results = counter(
      'results_total',
      'Upstream results recorded, by outcome (ok, error, withheld).',
      ['server', 'outcome'],
    );
    this.#callDuration = histogram(
      'call_duration_seconds',
      'Time the upstream server took to answer a forwarded request.',
      ['server', 'method'],
      UPSTREAM_BUCKETS,
    );
    this.#drift = counter('drift_events_total', 'Drift detected in a server surface.', ['server']);
    this.#holds = counter('holds_total', 'Calls held for human approval.', ['server']);
    this.#holdResolutions = counter(
      'hold_resolutions_total',
      'Held calls approved, denied or expired.',
      ['server', 'state'],
    );
    this.#anomalies = counter('anomalies_total', 'Behaviour anomalies raised, by detector.', [
      'server',
      'kind',
    ]);
    this.#appendSeconds = histogram(
      'audit_append_seconds',
      'Time of one appendAudit batch (one transaction), by outcome (ok, error).',
      ['outcome'],
      APPEND_BUCKETS,
    );
    this.#appendBatch = histogram(
      'audit_append_batch_size',
      'Entries per appendAudit batch that was stored.',
      [],
      BATCH_BUCKETS,
    );
  }

  /** Counts what durably appended `events` record. */
  count(events: readonly AuditEvent[]): void {
    for (const event of events) this.#countOne(event);
  }

  /** Times one `appendAudit` batch; `events` is undefined when it failed (nothing was stored). */
  observeAppend(seconds: number, events: readonly AuditEvent[] | undefined): void {
    this.#appendSeconds.observe({ outcome: events === undefined ? 'error' : 'ok' }, seconds);
    if (events === undefined) return;
    this.#appendBatch.observe(events.length);
    this.count(events);
  }

  /** What each kind of entry counts, beside `holdfast_audit_entries_total`. */
  readonly #byKind: Partial<Record<AuditKind, (server: string, data: EntryData) => void>> = {
    call: (server, data) => this.#calls.inc(decisionLabels(server, data)),
    request: (server, data) => this.#calls.inc(decisionLabels(server, data)),
    'server-request': (server, data) => this.#serverRequests.inc(decisionLabels(server, data)),
    result: (server, data) => {
      this.#countResult(server, data);
    },
    drift: (server) => this.#drift.inc({ server }),
    hold: (server) => this.#holds.inc({ server }),
    'hold-resolved': (server, data) =>
      this.#holdResolutions.inc({ server, state: toBoundedLabel(data['state'], HOLD_STATES) }),
    anomaly: (server, data) =>
      this.#anomalies.inc({ server, kind: toBoundedLabel(data['anomaly'], ANOMALIES) }),
  };

  #countOne(event: AuditEvent): void {
    this.#entries.inc({ kind: toBoundedLabel(event.kind, KINDS) });
    this.#byKind[event.kind]?.(event.server, event.data);
  }

  /** A `result` entry: `duration_us` is the upstream's time in microseconds (audit-events.ts). */
  #countResult(server: string, data: EntryData): void {
    const outcome =
      data['withheld'] === true ? 'withheld' : data['error'] === true ? 'error' : 'ok';
    this.#results.inc({ server, outcome });
    const micros = data['duration_us'];
    if (typeof micros === 'number' && Number.isSafeInteger(micros) && micros >= 0) {
      const method = toBoundedLabel(data['method'], METHODS);
      this.#callDuration.observe({ server, method }, micros / 1_000_000);
    }
  }
}

function decisionLabels(
  server: string,
  data: EntryData,
): { server: string; method: string; verdict: string } {
  return {
    server,
    method: toBoundedLabel(data['method'], METHODS),
    verdict: toBoundedLabel(data['verdict'], VERDICTS),
  };
}
