/**
 * `/api/servers`: the servers table, a server's review diff, and the review decisions (approve the
 * observed digest, quarantine the server or one tool, release one tool). Decisions go through the
 * same functions as `holdfast approve` / `holdfast quarantine`, recorded with the human's
 * principal label, and a checkpoint is signed after each one, as the CLI does.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { isExpired } from '../../approvals/index.js';
import { principalLabel } from '../../auth/types.js';
import { approveObservedSurface, quarantineServer, setToolRiskMode } from '../../pinning/review.js';
import { buildReviewDiff } from '../../pinning/review-diff.js';
import type { ServeEnv } from '../../serve/env.js';
import { digestEquals, isDigest } from '../../surface/digest.js';
import { toVisible } from '../../surface/visible.js';
import type { ApiContext } from '../api-support.js';
import { apiError, limitBody, readJsonBody, signAfterDecision } from '../api-support.js';
import type { ConsoleDeps } from '../deps.js';
import { toDiffView } from '../views/diff-view.js';
import { toServerRow } from '../views/server-view.js';

const DIGEST = z.string().refine(isDigest, 'must be sha256: and 64 lowercase hex digits');

const ApproveBody = z.object({ digest: DIGEST, acceptRisk: z.boolean().optional() }).strict();

const QuarantineBody = z
  .object({
    tool: z.string().min(1).max(4096).optional(),
    block: z.boolean().optional(),
    digest: DIGEST.optional(),
  })
  .strict();

/** Registers the server routes on `app`. */
export function registerServerRoutes(app: Hono<ServeEnv>, deps: ConsoleDeps): void {
  const { store, clock } = deps;
  const actor = (c: ApiContext): { by: string; now: number } => ({
    by: principalLabel(c.get('principal')),
    now: clock.now(),
  });

  app.get('/api/servers', deps.guard('read'), async (c) => {
    const now = clock.now();
    const waiting = new Map<string, number>();
    for (const hold of await store.listHolds({ state: 'pending' })) {
      if (!isExpired(hold, now)) waiting.set(hold.server, (waiting.get(hold.server) ?? 0) + 1);
    }
    const records = await store.listServers();
    return c.json({
      servers: records.map((record) => toServerRow(record, waiting.get(record.name) ?? 0)),
    });
  });

  app.get('/api/servers/:name/diff', deps.guard('read'), async (c) => {
    const name = c.req.param('name');
    const record = await store.getServer(name);
    if (record === undefined) {
      return apiError(c, 404, 'PIN_UNKNOWN_SERVER', `no server named "${name}" has been seen`);
    }
    const review = buildReviewDiff(record, await store.listServers(), deps.risk);
    if (review === undefined) {
      return apiError(
        c,
        404,
        'PIN_NOTHING_OBSERVED',
        `server "${name}" has no observed surface yet`,
      );
    }
    return c.json(toDiffView(record, review));
  });

  app.post('/api/servers/:name/approve', deps.guard('review'), limitBody(), async (c) => {
    const body = await readJsonBody(c, ApproveBody);
    if (!body.ok) return body.response;
    const name = c.req.param('name');
    const outcome = await approveObservedSurface(store, name, body.value.digest, {
      ...actor(c),
      acceptRisk: body.value.acceptRisk === true,
    });
    await signAfterDecision(deps);
    if (!outcome.approved) {
      return apiError(
        c,
        409,
        'PIN_STALE_DIGEST',
        `${name} changed since that digest was reviewed; review the diff again`,
        { requested: body.value.digest, observed: outcome.observed },
      );
    }
    return c.json({
      server: name,
      approved: true,
      status: outcome.record?.status ?? null,
      digest: body.value.digest,
      restricted: outcome.restricted.map((item) => ({ ...item, ref: toVisible(item.ref) })),
    });
  });

  app.post('/api/servers/:name/quarantine', deps.guard('review'), limitBody(), async (c) => {
    const body = await readJsonBody(c, QuarantineBody);
    if (!body.ok) return body.response;
    const name = c.req.param('name');
    const { tool, block, digest } = body.value;
    if (tool === undefined && block === true) {
      return apiError(c, 400, 'BAD_REQUEST', 'block applies to one tool: add tool');
    }
    // Tightening never waits on a review: it applies to whatever the server shows now. A digest
    // the page sent only tells the reviewer whether the server changed since they looked.
    const record = await store.getServer(name);
    const observed = record?.observed?.digests.surface ?? null;
    const hasChanged =
      digest !== undefined && !(observed !== null && digestEquals(observed, digest));
    if (tool !== undefined) {
      const mode = block === true ? 'block' : 'quarantine';
      const change = await setToolRiskMode(store, name, tool, mode, actor(c));
      await signAfterDecision(deps);
      return c.json({
        server: name,
        tool: toVisible(tool),
        mode,
        applied: change.applied,
        digest: change.digest,
        hasChanged,
      });
    }
    const after = await quarantineServer(store, name, actor(c));
    await signAfterDecision(deps);
    return c.json({ server: name, status: after?.status ?? null, hasChanged });
  });

  app.post(
    '/api/servers/:name/tools/:tool/approve',
    deps.guard('review'),
    limitBody(),
    async (c) => {
      const body = await readJsonBody(c, ApproveBody);
      if (!body.ok) return body.response;
      const name = c.req.param('name');
      const tool = c.req.param('tool');
      const change = await setToolRiskMode(store, name, tool, 'allow', {
        ...actor(c),
        reviewedDigest: body.value.digest,
      });
      await signAfterDecision(deps);
      if (!change.applied) {
        return apiError(
          c,
          409,
          'PIN_STALE_DIGEST',
          `tool ${toVisible(tool)} of ${name} changed since that digest was reviewed; review the diff again`,
          { requested: body.value.digest, assessed: change.digest },
        );
      }
      return c.json({
        server: name,
        tool: toVisible(tool),
        mode: 'allow',
        applied: true,
        digest: change.digest,
      });
    },
  );
}
