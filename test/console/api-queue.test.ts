/**
 * The console API's queue: held calls resolved through the store's compare-and-set as the human
 * (once only, never after expiry), and anomalies newest first with server-chosen names made
 * visible.
 */
import { describe, expect, it } from 'vitest';

import { anomalyId, sampleAnomaly } from '../support/anomalies.js';
import { LATER, useConsoleHarness } from './harness.js';

const harness = useConsoleHarness();

interface HoldJson {
  id: string;
  state: string;
  name: string | null;
  resolvedBy: string | null;
  expiresInSeconds: number;
}

describe('the console API queue', () => {
  describe('GET /api/holds', () => {
    it('lists waiting calls apart from decided or expired ones', async () => {
      const waiting = await harness().hold({
        server: 'notes',
        name: 'send_note',
        createdAt: LATER,
      });
      const expired = await harness().hold({
        server: 'notes',
        name: 'send_note',
        createdAt: LATER - 120_000,
      });
      const response = await harness().call('GET', '/api/holds', { role: 'viewer' });
      expect(response.status).toBe(200);
      const { pending, recent } = (await response.json()) as {
        pending: HoldJson[];
        recent: HoldJson[];
      };
      expect(pending.map((h) => h.id)).toEqual([waiting.id]);
      expect(pending[0]?.expiresInSeconds).toBe(60);
      expect(recent.map((h) => h.id)).toEqual([expired.id]);
    });
  });

  describe('POST /api/holds/:id/resolve', () => {
    it('approves a waiting call as user:<name>, audited, and signs a checkpoint', async () => {
      const hold = await harness().hold({ server: 'notes', name: 'send_note', createdAt: LATER });
      const response = await harness().call('POST', `/api/holds/${hold.id}/resolve`, {
        role: 'developer',
        name: 'dave',
        json: { decision: 'approve' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        hold: { id: hold.id, state: 'approved', resolvedBy: 'user:dave' },
      });
      expect(await harness().store.getHold(hold.id)).toMatchObject({
        state: 'approved',
        resolvedBy: 'user:dave',
        resolvedAt: LATER,
      });
      const { size } = await harness().store.auditHead();
      const [row] = await harness().store.readEntries(size - 1, 1);
      expect(JSON.parse(row?.entry.toString('utf8') ?? '{}')).toMatchObject({
        kind: 'hold-resolved',
        data: { id: hold.id, state: 'approved', by: 'user:dave' },
      });
      expect(harness().signed()).toBe(1);
    });

    it('refuses to resolve a call twice (409) and keeps the first decision', async () => {
      const hold = await harness().hold({ server: 'notes', name: 'send_note', createdAt: LATER });
      await harness().call('POST', `/api/holds/${hold.id}/resolve`, {
        role: 'developer',
        name: 'dave',
        json: { decision: 'deny' },
      });
      const again = await harness().call('POST', `/api/holds/${hold.id}/resolve`, {
        role: 'admin',
        name: 'erin',
        json: { decision: 'approve' },
      });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({
        code: 'HOLD_NOT_PENDING',
        hold: { state: 'denied', resolvedBy: 'user:dave' },
      });
      expect((await harness().store.getHold(hold.id))?.state).toBe('denied');
    });

    it('never approves an expired call: it is recorded as expired (409)', async () => {
      const hold = await harness().hold({
        server: 'notes',
        name: 'send_note',
        createdAt: LATER - 120_000,
      });
      const response = await harness().call('POST', `/api/holds/${hold.id}/resolve`, {
        role: 'developer',
        json: { decision: 'approve' },
      });
      expect(response.status).toBe(409);
      expect((await harness().store.getHold(hold.id))?.state).toBe('expired');
    });

    it('refuses a viewer (403) and leaves the call waiting', async () => {
      const hold = await harness().hold({ server: 'notes', name: 'send_note', createdAt: LATER });
      const response = await harness().call('POST', `/api/holds/${hold.id}/resolve`, {
        role: 'viewer',
        json: { decision: 'approve' },
      });
      expect(response.status).toBe(403);
      expect((await harness().store.getHold(hold.id))?.state).toBe('pending');
    });

    it('answers 404 for an unknown or malformed id, and 400 for an unknown decision', async () => {
      const unknown = await harness().call('POST', '/api/holds/hold_AAAAAAAAAAAAAAAA/resolve', {
        role: 'developer',
        json: { decision: 'approve' },
      });
      expect(unknown.status).toBe(404);
      const malformed = await harness().call('POST', '/api/holds/..%2f..%2fetc/resolve', {
        role: 'developer',
        json: { decision: 'approve' },
      });
      expect(malformed.status).toBe(404);
      const hold = await harness().hold({ server: 'notes', name: 'send_note', createdAt: LATER });
      const bad = await harness().call('POST', `/api/holds/${hold.id}/resolve`, {
        role: 'developer',
        json: { decision: 'maybe' },
      });
      expect(bad.status).toBe(400);
      expect((await harness().store.getHold(hold.id))?.state).toBe('pending');
    });
  });

  describe('GET /api/anomalies', () => {
    it('lists anomalies newest first, with hidden characters in tool names made visible', async () => {
      await harness().anomaly(sampleAnomaly({ id: anomalyId(1), at: LATER - 2000 }));
      await harness().anomaly(
        sampleAnomaly({ id: anomalyId(2), at: LATER - 1000, tool: 'search\u200bnotes' }),
      );
      const response = await harness().call('GET', '/api/anomalies', { role: 'viewer' });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain('\u200b');
      const { anomalies } = JSON.parse(text) as { anomalies: { id: string; tool: string }[] };
      expect(anomalies.map((a) => a.id)).toEqual([anomalyId(2), anomalyId(1)]);
      expect(anomalies[0]?.tool).toBe('search⟦U+200B ZWSP⟧notes');
    });

    it('filters by tool and bounds the count', async () => {
      for (let i = 0; i < 3; i++) {
        await harness().anomaly(sampleAnomaly({ id: anomalyId(i), at: LATER - 1000 + i }));
      }
      await harness().anomaly(sampleAnomaly({ id: anomalyId(9), tool: 'other' }));
      const response = await harness().call('GET', '/api/anomalies?tool=search_notes&limit=2', {
        role: 'viewer',
      });
      const { anomalies } = (await response.json()) as { anomalies: { id: string }[] };
      expect(anomalies.map((a) => a.id)).toEqual([anomalyId(2), anomalyId(1)]);
      const bad = await harness().call('GET', '/api/anomalies?limit=-1', { role: 'viewer' });
      expect(bad.status).toBe(400);
    });
  });
});
