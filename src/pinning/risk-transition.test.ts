import { describe, expect, it } from 'vitest';

import {
  BARE_PROFILE,
  defined,
  FULL_PROFILE,
  observationOf,
  surfaceOf,
  T0,
} from '../../test/support/surfaces.js';
import type { Band, ItemAssessment, RiskMode, SurfaceAssessment } from '../risk/types.js';
import { PinError } from '../shared/errors.js';
import type { JsonObject } from '../surface/types.js';
import { setItemRisk } from './item-risk.js';
import { withRiskAssessment, withRiskReview } from './risk-transition.js';
import { applyObservation, approve } from './status.js';
import type { Observation, ServerRecord } from './types.js';

const CTX = { name: 'notes', now: T0 + 1000 };
const MODE: Record<Band, RiskMode> = {
  low: 'allow',
  medium: 'allow',
  high: 'quarantine',
  critical: 'block',
};

const tool = (name: string): JsonObject => ({ name, inputSchema: { type: 'object' } });

/** An assessment giving each named tool a band (others low), as the engine would shape it. */
function assessment(observation: Observation, bands: Record<string, Band> = {}): SurfaceAssessment {
  const items: ItemAssessment[] = Object.keys(observation.surface.tools).map((key) => {
    const band = bands[key] ?? 'low';
    return {
      ref: `tool:${key}`,
      kind: 'tool',
      key,
      findings: [],
      score: band === 'low' ? 0 : 50,
      band,
      mode: MODE[band],
    };
  });
  items.push({
    ref: 'server',
    kind: 'server',
    key: 'server',
    findings: [],
    score: 0,
    band: 'low',
    mode: 'allow',
  });
  return { items, band: 'low', mode: 'allow' };
}

function observe(
  current: ServerRecord | undefined,
  observation: Observation,
  bands: Record<string, Band> = {},
): ServerRecord {
  const transition = withRiskAssessment(
    current,
    applyObservation(current, observation, 'discovery', CTX),
    observation,
    assessment(observation, bands),
    { newMode: 'quarantine' },
    CTX,
  );
  return transition?.record ?? defined(current);
}

const ONE = observationOf(surfaceOf({ tools: [tool('search'), tool('send')] }), BARE_PROFILE);

describe('risk on observation', () => {
  it('assesses every observed item on first contact, with a risk-mode event for each restriction', () => {
    const transition = withRiskAssessment(
      undefined,
      applyObservation(undefined, ONE, 'discovery', CTX),
      ONE,
      assessment(ONE, { send: 'critical' }),
      { newMode: 'quarantine' },
      CTX,
    );
    expect(transition?.record.risk?.items['tool:send']?.mode).toBe('block');
    expect(transition?.record.risk?.items['tool:search']?.mode).toBe('allow');
    const events = transition?.events.filter((e) => e.kind === 'risk-mode') ?? [];
    expect(events.map((e) => e.data['ref'])).toContain('tool:send');
  });

  it('writes nothing when the same surface is assessed the same way again', () => {
    const first = observe(undefined, ONE);
    const again = withRiskAssessment(
      first,
      applyObservation(first, ONE, 'discovery', CTX),
      ONE,
      assessment(ONE),
      { newMode: 'quarantine' },
      CTX,
    );
    expect(again).toBeUndefined();
  });

  it('re-writes when the same surface scores differently (stricter thresholds), tightening only', () => {
    const first = observe(undefined, ONE);
    const stricter = observe(first, ONE, { search: 'high' });
    expect(stricter.risk?.items['tool:search']?.mode).toBe('quarantine');
    const looser = observe(stricter, ONE);
    expect(looser.risk?.items['tool:search']?.mode).toBe('quarantine');
  });

  it('quarantines tools that a new client profile adds on its own under discovery', () => {
    const first = observe(undefined, ONE);
    const more = observationOf(
      surfaceOf({ tools: [tool('search'), tool('send'), tool('sample')] }),
      FULL_PROFILE,
    );
    const next = observe(first, more);
    expect(next.risk?.items['tool:sample']).toMatchObject({ mode: 'quarantine', source: 'new' });
    expect(next.risk?.items['tool:search']?.mode).toBe('allow');
  });
});

describe('risk review at approval', () => {
  it('lifts scan quarantines and keeps scan blocks unless the risk is accepted', () => {
    const first = observe(undefined, ONE, { search: 'high', send: 'critical' });
    const digest = defined(first.observed).digests.surface;
    const approved = approve(first, digest, 'cli:alice', CTX).transition;
    const reviewed = withRiskReview(approved, { by: 'cli:alice', acceptRisk: false }, CTX);
    expect(reviewed.record.risk?.items['tool:search']?.mode).toBe('allow');
    expect(reviewed.record.risk?.items['tool:send']?.mode).toBe('block');
    const accepted = withRiskReview(approved, { by: 'cli:alice', acceptRisk: true }, CTX);
    expect(accepted.record.risk?.items['tool:send']?.mode).toBe('allow');
  });
});

describe('one item set by a human', () => {
  it('quarantines a tool, keeps it through a server review, and releases it only at its digest', () => {
    const first = observe(undefined, ONE);
    const set = setItemRisk(first, 'tool:search', 'quarantine', { actor: 'cli:a' }, CTX);
    expect(set.applied).toBe(true);
    const quarantined = set.transition.record;
    const digest = defined(quarantined.observed).digests.surface;
    const review = withRiskReview(
      approve(quarantined, digest, 'cli:b', CTX).transition,
      { by: 'cli:b', acceptRisk: true },
      CTX,
    );
    expect(review.record.risk?.items['tool:search']?.mode).toBe('quarantine');
    const wrong = setItemRisk(
      quarantined,
      'tool:search',
      'allow',
      {
        actor: 'cli:a',
        reviewedDigest: `sha256:${'0'.repeat(64)}`,
      },
      CTX,
    );
    expect(wrong.applied).toBe(false);
    expect(wrong.transition.events[0]?.kind).toBe('approve-refused');
    const toolDigest = defined(ONE.digests.tools['search']);
    const released = setItemRisk(
      quarantined,
      'tool:search',
      'allow',
      {
        actor: 'cli:a',
        reviewedDigest: toolDigest,
      },
      CTX,
    );
    expect(released.transition.record.risk?.items['tool:search']?.mode).toBe('allow');
  });

  it('refuses an item that was never assessed', () => {
    const first = observe(undefined, ONE);
    expect(() => setItemRisk(first, 'tool:nope', 'block', { actor: 'cli:a' }, CTX)).toThrow(
      PinError,
    );
  });
});
