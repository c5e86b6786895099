import { PinError } from '../shared/errors.js';
import { digestEquals } from '../surface/digest.js';
import { createBaseline, mergeBaseline } from './baseline.js';
import { checkObservation } from './check.js';
import type { Observation, PinEvent, Posture, ServerRecord } from './types.js';

/** What a transition writes: the next record and the events that explain it. */
export interface Transition {
  record: ServerRecord;
  events: PinEvent[];
}

/** Context every transition needs. */
export interface TransitionContext {
  name: string;
  now: number;
}

/**
 * Applies an observation (DESIGN §5). Trust only ratchets tighter here (I5): `changed`, `pending`
 * and `quarantined` never become `verified` through an observation, whatever it shows.
 * Returns undefined when nothing needs writing (the common case: verified and unchanged).
 */
export function applyObservation(
  current: ServerRecord | undefined,
  observation: Observation,
  posture: Posture,
  ctx: TransitionContext,
): Transition | undefined {
  const digest = observation.digests.surface;
  const probe = event(ctx, 'probe', { digest, profile: observation.profile });
  if (current === undefined) {
    if (posture === 'discovery') {
      return {
        record: record(
          ctx,
          'verified',
          createBaseline(observation, 'tofu', ctx.now),
          observation,
          'baselined on first use (discovery posture)',
        ),
        events: [probe, event(ctx, 'baseline', { digest, by: 'tofu' })],
      };
    }
    return {
      record: record(
        ctx,
        'pending',
        null,
        observation,
        'new server; waiting for approval (enforcing posture)',
      ),
      events: [probe, event(ctx, 'pending', { digest })],
    };
  }
  const unchangedObservation =
    current.observed !== null &&
    digestEquals(current.observed.digests.surface, digest) &&
    current.observed.profile === observation.profile;
  if (current.status !== 'verified' || current.baseline === null) {
    if (unchangedObservation) return undefined;
    return { record: { ...current, observed: observation, updatedAt: ctx.now }, events: [probe] };
  }
  const result = checkObservation(current.baseline, observation);
  switch (result.kind) {
    case 'match':
      if (unchangedObservation) return undefined;
      return { record: { ...current, observed: observation, updatedAt: ctx.now }, events: [probe] };
    case 'new-profile':
      return {
        record: {
          ...current,
          baseline: {
            ...current.baseline,
            profiles: { ...current.baseline.profiles, [observation.profile]: result.keys },
          },
          observed: observation,
          updatedAt: ctx.now,
        },
        events: [probe, event(ctx, 'profile-learned', { profile: observation.profile, digest })],
      };
    case 'new-profile-unreviewed':
      if (posture === 'discovery') {
        // First use of this client profile: its extra items are trusted on first use, exactly
        // like a new server's, and the profile is learned. Nothing approved changed.
        const baseline = mergeBaseline(current.baseline, observation, 'tofu', ctx.now);
        return {
          record: { ...current, baseline, observed: observation, updatedAt: ctx.now },
          events: [
            probe,
            event(ctx, 'baseline', {
              digest: baseline.digests.surface,
              by: 'tofu',
              profile: observation.profile,
              added: result.unreviewed.length,
            }),
          ],
        };
      }
      if (unchangedObservation) return undefined;
      return {
        record: { ...current, observed: observation, updatedAt: ctx.now },
        events: [
          probe,
          event(ctx, 'profile-unreviewed', {
            profile: observation.profile,
            digest,
            unreviewed: result.unreviewed.length,
          }),
        ],
      };
    case 'drift': {
      const summary = result.changes.map((c) => `${c.change} ${c.place}:${c.key}`).join(', ');
      return {
        record: record(
          ctx,
          'changed',
          current.baseline,
          observation,
          `drifted from the approved surface: ${result.changes.length} ${result.changes.length === 1 ? 'item' : 'items'} changed`,
          current,
        ),
        events: [
          probe,
          event(ctx, 'drift', {
            approved: current.baseline.digests.surface,
            observed: digest,
            changes: result.changes.length,
            summary: truncate(summary, 2000),
          }),
        ],
      };
    }
  }
}

/**
 * A human approves the observed surface by naming its digest (I6). A digest that is not the one
 * currently observed is refused: the server changed since the reviewer looked.
 */
export function approve(
  current: ServerRecord | undefined,
  digest: string,
  actor: string,
  ctx: TransitionContext,
): { transition: Transition; approved: boolean } {
  if (current === undefined) {
    throw new PinError('PIN_UNKNOWN_SERVER', `no server named "${ctx.name}" has been seen`);
  }
  if (current.observed === null) {
    throw new PinError(
      'PIN_NOTHING_OBSERVED',
      `server "${ctx.name}" has no observed surface to approve`,
    );
  }
  const observed = current.observed.digests.surface;
  if (!digestEquals(observed, digest)) {
    return {
      approved: false,
      transition: {
        record: current,
        events: [event(ctx, 'approve-refused', { requested: digest, observed, by: actor })],
      },
    };
  }
  const baseline = mergeBaseline(current.baseline, current.observed, actor, ctx.now);
  return {
    approved: true,
    transition: {
      record: record(ctx, 'verified', baseline, current.observed, `approved by ${actor}`, current),
      events: [
        event(ctx, 'approve', {
          digest: observed,
          baseline: baseline.digests.surface,
          by: actor,
          from: current.status,
        }),
      ],
    },
  };
}

/** A human disables a server until an approval restores it. */
export function quarantine(
  current: ServerRecord | undefined,
  actor: string,
  ctx: TransitionContext,
): Transition {
  if (current === undefined) {
    throw new PinError('PIN_UNKNOWN_SERVER', `no server named "${ctx.name}" has been seen`);
  }
  return {
    record: {
      ...current,
      status: 'quarantined',
      reason: `quarantined by ${actor}`,
      updatedAt: ctx.now,
    },
    events: [event(ctx, 'quarantine', { by: actor, from: current.status })],
  };
}

/** A record in `status`; the risk assessment of `current` (if any) is carried over unchanged. */
function record(
  ctx: TransitionContext,
  status: ServerRecord['status'],
  baseline: ServerRecord['baseline'],
  observed: Observation,
  reason: string,
  current?: ServerRecord,
): ServerRecord {
  const next: ServerRecord = {
    name: ctx.name,
    status,
    revision: current?.revision ?? 0,
    baseline,
    observed,
    reason,
    updatedAt: ctx.now,
  };
  if (current?.risk !== undefined) next.risk = current.risk;
  return next;
}

function event(ctx: TransitionContext, kind: PinEvent['kind'], data: PinEvent['data']): PinEvent {
  return { at: ctx.now, server: ctx.name, kind, data };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
