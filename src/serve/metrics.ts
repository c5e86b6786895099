/**
 * The Prometheus metrics of `holdfast serve` (issue 6; every metric is listed in docs/metrics.md).
 *
 * The MCP metrics are not counted where the gateway decides but where the decision is recorded:
 * every decision is appended to the audit log before it takes effect (I4), so counting the appended
 * events gives numbers that agree with the log by construction, and no gateway code has to remember
 * to call a metric. HTTP metrics and the two gauges are fed by the serving layer.
 *
 * Every label value is bounded (a fixed allow-list, else `other`), so nobody can grow the series
 * count by choosing method names or paths. The registry is private to the instance, not
 * prom-client's global one: two gateways (or two tests) in one process never share counters.
 */
import { performance } from 'node:perf_hooks';

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { AuditStore } from '../store/index.js';
import { AuditMetrics } from './audit-metrics.js';
import { instrumentStore } from './instrument-audit-store.js';

/** The fixed `route` label of the HTTP metrics: which part of the server answered. */
export const HTTP_ROUTES = ['mcp', 'console', 'api', 'auth', 'metrics', 'other'] as const;
/** One of {@link HTTP_ROUTES}. */
export type HttpRoute = (typeof HTTP_ROUTES)[number];

/** Options for {@link createServeMetrics}. */
export interface ServeMetricsOptions {
  /**
   * A monotonic clock in milliseconds (default `performance.now`), injected so tests can prove
   * what was timed without depending on how long it took.
   */
  now?: () => number;
  /** Also export prom-client's process metrics (CPU, memory, event loop) as `holdfast_*`. Default on. */
  processMetrics?: boolean;
}

/** What `holdfast serve` records and exposes at `GET /metrics`. */
export interface ServeMetrics {
  /**
   * The same store, counting what every write appends to the audit log and timing each
   * `appendAudit` batch. Use the returned object everywhere; the argument is left untouched.
   */
  instrumentAuditStore<S extends AuditStore>(store: S): S;
  /** Calls waiting for a human right now (`holdfast_held_calls`). */
  setPendingHolds(n: number): void;
  /** Open MCP sessions right now (`holdfast_sessions`). */
  setSessions(n: number): void;
  /** One answered HTTP request: its route, status code and time to the response headers. */
  observeHttp(route: HttpRoute, status: number, seconds: number): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  /** The `Content-Type` to serve {@link render}'s text with. */
  readonly contentType: string;
}

/** Prefix of every metric name, the process metrics' included. */
export const METRIC_PREFIX = 'holdfast_';

/** HTTP latency: MCP calls forwarded upstream, some held for a human, so up to minutes. */
const HTTP_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];
const ROUTE_SET: ReadonlySet<string> = new Set(HTTP_ROUTES);

/** Creates the metrics of one serving process, with a registry of its own. */
export function createServeMetrics(options: ServeMetricsOptions = {}): ServeMetrics {
  return new PromServeMetrics(options);
}

class PromServeMetrics implements ServeMetrics {
  readonly #registry = new Registry();
  readonly #now: () => number;
  readonly #audit: AuditMetrics;
  readonly #held: Gauge;
  readonly #sessions: Gauge;
  readonly #httpRequests: Counter<'route' | 'status'>;
  readonly #httpDuration: Histogram<'route'>;
  readonly #instrumented = new WeakMap<object, object>();

  constructor(options: ServeMetricsOptions) {
    this.#now = options.now ?? (() => performance.now());
    const registers = [this.#registry];
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.#registry, prefix: METRIC_PREFIX });
    }
    this.#audit = new AuditMetrics(this.#registry);
    this.#held = new Gauge({
      name: `${METRIC_PREFIX}held_calls`,
      help: 'Calls held for human approval, waiting right now.',
      registers,
    });
    this.#sessions = new Gauge({
      name: `${METRIC_PREFIX}sessions`,
      help: 'Open MCP sessions.',
      registers,
    });
    this.#httpRequests = new Counter({
      name: `${METRIC_PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by route and status code.',
      labelNames: ['route', 'status'],
      registers,
    });
    this.#httpDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time from an HTTP request to its response headers, by route.',
      labelNames: ['route'],
      buckets: HTTP_BUCKETS,
      registers,
    });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  instrumentAuditStore<S extends AuditStore>(store: S): S {
    // Wrapping twice would count every event twice; hand back the wrapper made the first time.
    const existing = this.#instrumented.get(store);
    if (existing !== undefined) return existing as S;
    const wrapped = instrumentStore(store, this.#audit, this.#now);
    this.#instrumented.set(store, wrapped);
    this.#instrumented.set(wrapped, wrapped);
    return wrapped;
  }

  setPendingHolds(n: number): void {
    this.#held.set(toCount(n));
  }

  setSessions(n: number): void {
    this.#sessions.set(toCount(n));
  }

  observeHttp(route: HttpRoute, status: number, seconds: number): void {
    // The type bounds `route` for typed callers; the check bounds it for everyone else.
    const routeLabel = ROUTE_SET.has(route) ? route : 'other';
    const statusLabel =
      Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
    this.#httpRequests.inc({ route: routeLabel, status: statusLabel });
    if (Number.isFinite(seconds) && seconds >= 0) {
      this.#httpDuration.observe({ route: routeLabel }, seconds);
    }
  }

  render(): Promise<string> {
    return this.#registry.metrics();
  }
}

/** A gauge value from a caller's count: a finite non-negative number, else 0. */
function toCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
