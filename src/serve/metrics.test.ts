import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { sampleHold } from '../../test/support/holds.js';
import { SAMPLE_TIME, sampleEvent, sampleRecord } from '../../test/support/records.js';
import type { AuditEvent } from '../audit/entry.js';
import type { Decision, RequestContext } from '../gateway/audit-events.js';
import { toAnomalyEvent, toDecisionEvent, toResultEvent } from '../gateway/audit-events.js';
import { createMemoryStore } from '../store/index.js';
import type { HttpRoute } from './metrics.js';
import { createServeMetrics } from './metrics.js';

/** One sample of the text exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format samples (no timestamps; prom-client writes none). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key ?? ''] = value ?? '';
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample with exactly these labels, or undefined when there is none. */
function valueOf(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return samples.find(
    (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want,
  )?.value;
}

function context(method: string, server = 'notes'): RequestContext {
  return { at: SAMPLE_TIME, server, session: 'ses_1', id: 1, method, keepPayloads: false };
}

function decision(method: string, verdict: Decision, server = 'notes'): AuditEvent {
  const tool = { name: 'search', definition: { approved: null, executed: null } };
  return method === 'tools/call'
    ? toDecisionEvent(context(method, server), {}, verdict, tool)
    : toDecisionEvent(context(method, server), {}, verdict);
}

function setup() {
  let t = 0;
  const metrics = createServeMetrics({ now: () => (t += 0.5), processMetrics: false });
  const raw = createMemoryStore();
  const store = metrics.instrumentAuditStore(raw);
  const samples = async (): Promise<Sample[]> => parseSamples(await metrics.render());
  return { metrics, raw, store, samples };
}

const ALLOW: Decision = { kind: 'allow' };
const DENY: Decision = { kind: 'deny', code: 'TOOL_NOT_APPROVED' };
const HOLD: Decision = { kind: 'hold' };

describe('createServeMetrics', () => {
  describe('calls decided', () => {
    it('counts call and request entries by server, method and verdict', async () => {
      const { store, samples } = setup();
      await store.appendAudit([
        decision('tools/call', ALLOW),
        decision('tools/call', ALLOW),
        decision('tools/call', DENY),
        decision('tools/call', HOLD, 'mail'),
        decision('tools/list', ALLOW),
      ]);
      const s = await samples();
      const calls = (method: string, verdict: string, server = 'notes') =>
        valueOf(s, 'holdfast_calls_total', { server, method, verdict });
      expect(calls('tools/call', 'allow')).toBe(2);
      expect(calls('tools/call', 'deny')).toBe(1);
      expect(calls('tools/call', 'hold', 'mail')).toBe(1);
      expect(calls('tools/list', 'allow')).toBe(1);
      expect(calls('tools/list', 'deny')).toBeUndefined();
    });

    it('counts a method or verdict outside the allow-lists as other', async () => {
      const { store, samples } = setup();
      const odd = decision('tools/call', ALLOW);
      await store.appendAudit([
        decision('x-chosen-by-the-client/' + 'a'.repeat(40), ALLOW),
        { ...odd, data: { ...odd.data, verdict: 'maybe' } },
      ]);
      const s = await samples();
      expect(
        valueOf(s, 'holdfast_calls_total', { server: 'notes', method: 'other', verdict: 'allow' }),
      ).toBe(1);
      expect(
        valueOf(s, 'holdfast_calls_total', {
          server: 'notes',
          method: 'tools/call',
          verdict: 'other',
        }),
      ).toBe(1);
      expect(s.filter((x) => x.name === 'holdfast_calls_total')).toHaveLength(2);
    });

    it('counts nothing from an append that failed', async () => {
      const { raw, store, samples } = setup();
      raw.setAuditFault(new Error('disk full'));
      await expect(store.appendAudit([decision('tools/call', ALLOW)])).rejects.toThrow('disk full');
      const s = await samples();
      expect(s.filter((x) => x.name === 'holdfast_calls_total')).toEqual([]);
      expect(valueOf(s, 'holdfast_audit_append_seconds_count', { outcome: 'error' })).toBe(1);
      expect(valueOf(s, 'holdfast_audit_append_seconds_sum', { outcome: 'error' })).toBe(0.0005);
    });
  });

  describe('results', () => {
    it('observes the upstream duration (microseconds in the entry) and counts outcomes', async () => {
      const { store, samples } = setup();
      const ctx = context('tools/call');
      await store.appendAudit([
        toResultEvent(ctx, 0, { result: {}, isError: false, durationUs: 2_000 }),
        toResultEvent(ctx, 1, { result: {}, isError: true, durationUs: 40_000 }),
        toResultEvent(ctx, 2, { result: {}, isError: false, durationUs: 1, withheld: true }),
      ]);
      const s = await samples();
      const labels = { server: 'notes', method: 'tools/call' };
      expect(valueOf(s, 'holdfast_call_duration_seconds_count', labels)).toBe(3);
      expect(valueOf(s, 'holdfast_call_duration_seconds_sum', labels)).toBeCloseTo(0.042001, 9);
      expect(valueOf(s, 'holdfast_call_duration_seconds_bucket', { ...labels, le: '0.001' })).toBe(
        1,
      );
      expect(valueOf(s, 'holdfast_call_duration_seconds_bucket', { ...labels, le: '0.0025' })).toBe(
        2,
      );
      for (const outcome of ['ok', 'error', 'withheld']) {
        expect(valueOf(s, 'holdfast_results_total', { server: 'notes', outcome })).toBe(1);
      }
    });
  });

  describe('pinning, holds and anomalies', () => {
    it('counts drift appended by a pin update', async () => {
      const { store, samples } = setup();
      await store.update('notes', () => ({
        record: sampleRecord('notes', { status: 'changed' }),
        events: [sampleEvent('notes', 'probe'), sampleEvent('notes', 'drift')],
      }));
      const s = await samples();
      expect(valueOf(s, 'holdfast_drift_events_total', { server: 'notes' })).toBe(1);
      expect(valueOf(s, 'holdfast_audit_entries_total', { kind: 'probe' })).toBe(1);
    });

    it('counts holds and their resolutions by state', async () => {
      const { store, samples } = setup();
      await store.createHold(sampleHold());
      await store.resolveHold('hold_AAAAAAAAAAAAAAAA', {
        state: 'denied',
        by: 'user:alice',
        at: SAMPLE_TIME + 5,
      });
      const s = await samples();
      expect(valueOf(s, 'holdfast_holds_total', { server: 'notes' })).toBe(1);
      expect(
        valueOf(s, 'holdfast_hold_resolutions_total', { server: 'notes', state: 'denied' }),
      ).toBe(1);
      expect(valueOf(s, 'holdfast_audit_entries_total', { kind: 'hold-resolved' })).toBe(1);
    });

    it('counts anomalies by detector kind', async () => {
      const { store, samples } = setup();
      const anomaly = {
        id: 'anom_AAAAAAAAAAAAAAAA',
        at: SAMPLE_TIME,
        server: 'notes',
        tool: 'search',
        kind: 'new-host',
        action: 'alert',
        message: 'a host never seen while learning',
        evidence: 'exfil.example',
        session: 'ses_1',
      } as const;
      await store.recordAnomaly(anomaly, toAnomalyEvent(anomaly, null));
      const s = await samples();
      expect(valueOf(s, 'holdfast_anomalies_total', { server: 'notes', kind: 'new-host' })).toBe(1);
    });
  });

  describe('audit appends', () => {
    it('times each batch and records its size', async () => {
      const { store, samples } = setup();
      await store.appendAudit([decision('ping', ALLOW)]);
      await store.appendAudit([0, 1, 2, 3, 4].map(() => decision('ping', ALLOW)));
      const s = await samples();
      expect(valueOf(s, 'holdfast_audit_append_seconds_count', { outcome: 'ok' })).toBe(2);
      expect(valueOf(s, 'holdfast_audit_append_seconds_sum', { outcome: 'ok' })).toBe(0.001);
      expect(
        valueOf(s, 'holdfast_audit_append_seconds_bucket', { outcome: 'ok', le: '0.0005' }),
      ).toBe(2);
      expect(
        valueOf(s, 'holdfast_audit_append_seconds_bucket', { outcome: 'ok', le: '0.00025' }),
      ).toBe(0);
      expect(valueOf(s, 'holdfast_audit_append_batch_size_sum')).toBe(6);
      expect(valueOf(s, 'holdfast_audit_append_batch_size_bucket', { le: '4' })).toBe(1);
      expect(valueOf(s, 'holdfast_audit_entries_total', { kind: 'request' })).toBe(6);
    });

    it('counts each event once when a store is instrumented twice', async () => {
      const { metrics, raw, store, samples } = setup();
      expect(metrics.instrumentAuditStore(raw)).toBe(store);
      const again = metrics.instrumentAuditStore(store);
      await again.appendAudit([decision('tools/call', ALLOW)]);
      const s = await samples();
      expect(
        valueOf(s, 'holdfast_calls_total', {
          server: 'notes',
          method: 'tools/call',
          verdict: 'allow',
        }),
      ).toBe(1);
    });
  });

  describe('gauges and HTTP', () => {
    it('exports the held calls and sessions gauges as last set', async () => {
      const { metrics, samples } = setup();
      metrics.setPendingHolds(3);
      metrics.setSessions(5);
      metrics.setSessions(2);
      metrics.setPendingHolds(Number.NaN);
      const s = await samples();
      expect(valueOf(s, 'holdfast_held_calls')).toBe(0);
      expect(valueOf(s, 'holdfast_sessions')).toBe(2);
    });

    it('counts HTTP requests by route and status, bounding both', async () => {
      const { metrics, samples } = setup();
      metrics.observeHttp('mcp', 200, 0.004);
      metrics.observeHttp('mcp', 200, 0.02);
      metrics.observeHttp('api', 403, 0.001);
      metrics.observeHttp('/evil/path' as HttpRoute, 1234, 0.001);
      const s = await samples();
      expect(valueOf(s, 'holdfast_http_requests_total', { route: 'mcp', status: '200' })).toBe(2);
      expect(valueOf(s, 'holdfast_http_requests_total', { route: 'api', status: '403' })).toBe(1);
      expect(valueOf(s, 'holdfast_http_requests_total', { route: 'other', status: 'other' })).toBe(
        1,
      );
      expect(valueOf(s, 'holdfast_http_request_duration_seconds_sum', { route: 'mcp' })).toBe(
        0.024,
      );
      expect(
        valueOf(s, 'holdfast_http_request_duration_seconds_bucket', { route: 'mcp', le: '0.005' }),
      ).toBe(1);
    });
  });

  describe('the registry', () => {
    it('exports process metrics under holdfast_ and nothing unprefixed', async () => {
      const metrics = createServeMetrics();
      const s = parseSamples(await metrics.render());
      expect(s.some((x) => x.name === 'holdfast_process_cpu_user_seconds_total')).toBe(true);
      expect(s.filter((x) => !x.name.startsWith('holdfast_'))).toEqual([]);
      expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    });

    it('keeps its metrics out of the global registry and away from other instances', async () => {
      const first = setup();
      const second = setup();
      await first.store.appendAudit([decision('tools/call', ALLOW)]);
      const s = await second.samples();
      expect(s.filter((x) => x.name === 'holdfast_calls_total')).toEqual([]);
      expect(await globalRegistry.metrics()).not.toContain('holdfast_');
    });
  });
});
