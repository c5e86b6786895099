/**
 * `/api/holds` and `/api/anomalies`: the queue of held calls (resolved through the same
 * compare-and-set as `holdfast resolve`, as the human, with a checkpoint signed afterwards) and the
 * behaviour anomalies raised against tool results.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { decideHold } from '../../approvals/decide-hold.js';
import { isExpired } from '../../approvals/index.js';
import { principalLabel } from '../../auth/types.js';
import type { ServeEnv } from '../../serve/env.js';
import type { Hold } from '../../store/index.js';
import {
  apiError,
  limitBody,
  queryInt,
  queryText,
  readJsonBody,
  signAfterDecision,
} from '../api-support.js';
import type { ConsoleDeps } from '../deps.js';
import { toAnomalyView } from '../views/anomaly-view.js';
import { toHoldView } from '../views/hold-view.js';

/** Decided or expired holds listed under "recent". */
const RECENT_HOLDS = 50;
const DEFAULT_ANOMALIES = 100;
const MAX_ANOMALIES = 1000;

const ResolveBody = z.object({ decision: z.enum(['approve', 'deny']) }).strict();

/** Registers the holds and anomalies routes on `app`. */
export function registerQueueRoutes(app: Hono<ServeEnv>, deps: ConsoleDeps): void {
  const { store, clock } = deps;

  app.get('/api/holds', deps.guard('read'), async (c) => {
    const now = clock.now();
    const all = await store.listHolds();
    const pending = all.filter((hold) => hold.state === 'pending' && !isExpired(hold, now));
    const waiting = new Set(pending);
    const recent = all
      .filter((hold) => !waiting.has(hold))
      .sort((a, b) => decidedAt(b) - decidedAt(a))
      .slice(0, RECENT_HOLDS);
    return c.json({
      pending: pending.map((hold) => toHoldView(hold, now)),
      recent: recent.map((hold) => toHoldView(hold, now)),
    });
  });

  app.post('/api/holds/:id/resolve', deps.guard('review'), limitBody(), async (c) => {
    const body = await readJsonBody(c, ResolveBody);
    if (!body.ok) return body.response;
    const id = c.req.param('id');
    const resolution = {
      state: body.value.decision === 'approve' ? 'approved' : 'denied',
      by: principalLabel(c.get('principal')),
      at: clock.now(),
    } as const;
    const decision = await decideHold(store, id, resolution);
    if (decision === undefined) {
      return apiError(c, 404, 'HOLD_NOT_FOUND', 'no held call with that id');
    }
    if (decision.wasPending) await signAfterDecision(deps);
    const hold = toHoldView(decision.hold, resolution.at);
    if (!decision.isResolved) {
      const why =
        decision.hold.state === 'expired'
          ? 'it expired; its call was denied'
          : `it was already ${decision.hold.state}`;
      return apiError(c, 409, 'HOLD_NOT_PENDING', `not resolved: ${why}`, { hold });
    }
    return c.json({ hold });
  });

  app.get('/api/anomalies', deps.guard('read'), async (c) => {
    const limit = queryInt(c, 'limit', DEFAULT_ANOMALIES, MAX_ANOMALIES);
    if (limit === undefined || limit < 1) {
      return apiError(c, 400, 'BAD_REQUEST', 'limit must be a positive integer');
    }
    const server = queryText(c, 'server');
    const tool = queryText(c, 'tool', 4096);
    const anomalies = await store.listAnomalies({
      ...(server === undefined ? {} : { server }),
      ...(tool === undefined ? {} : { tool }),
      limit,
    });
    return c.json({ anomalies: anomalies.reverse().map(toAnomalyView) });
  });
}

/** When a hold left the queue (or stopped being approvable), for newest-first ordering. */
function decidedAt(hold: Hold): number {
  return hold.resolvedAt ?? hold.expiresAt;
}
