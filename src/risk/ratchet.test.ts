import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AssessedItem, ItemRisk } from './ratchet.js';
import { applyAssessment, raiseForAnomaly, reviewItem, setItemMode } from './ratchet.js';
import type { Band, RiskMode } from './types.js';
import { BANDS, rank, RISK_MODES } from './types.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const MODE_OF: Record<Band, RiskMode> = {
  low: 'allow',
  medium: 'allow',
  high: 'quarantine',
  critical: 'block',
};
const assessed = (band: Band, digest = D1): AssessedItem => ({
  digest,
  score: rank(BANDS, band) * 30,
  band,
  mode: MODE_OF[band],
});
const scan = (previous: ItemRisk | undefined, item: AssessedItem, isNew = false): ItemRisk =>
  applyAssessment(previous, item, { isNew, newMode: 'quarantine' });

describe('the quarantine ratchet', () => {
  it('starts an item at the mode its band maps to', () => {
    expect(scan(undefined, assessed('high'))).toMatchObject({ mode: 'quarantine', source: 'scan' });
    expect(scan(undefined, assessed('low'))).toMatchObject({ mode: 'allow', reviewed: null });
  });

  it('starts an item that appeared on its own quarantined, whatever its band', () => {
    expect(scan(undefined, assessed('low'), true)).toMatchObject({
      mode: 'quarantine',
      source: 'new',
    });
    expect(scan(undefined, assessed('critical'), true)).toMatchObject({ mode: 'block' });
  });

  it('never relaxes a mode on re-scan, even when the new scan is clean', () => {
    const blocked = scan(undefined, assessed('critical'));
    const rescanned = scan(blocked, assessed('low', D2));
    expect(rescanned.mode).toBe('block');
    expect(rescanned.band).toBe('low');
  });

  it('tightens when a re-scan finds more', () => {
    const allowed = scan(undefined, assessed('low'));
    expect(scan(allowed, assessed('high')).mode).toBe('quarantine');
  });

  it("keeps a human's quarantine through re-scans and reviews of the server", () => {
    const quarantined = setItemMode(assessed('low'), 'quarantine', 'cli:alice');
    expect(scan(quarantined, assessed('low')).mode).toBe('quarantine');
    const reviewed = reviewItem(quarantined, assessed('low'), { by: 'cli:bob', acceptRisk: true });
    expect(reviewed).toMatchObject({ mode: 'quarantine', source: 'human', by: 'cli:alice' });
  });

  it('lets a review lift a quarantine the scan set, but not a block without acceptRisk', () => {
    const high = scan(undefined, assessed('high'));
    expect(reviewItem(high, assessed('high'), { by: 'cli:a', acceptRisk: false }).mode).toBe(
      'allow',
    );
    const critical = scan(undefined, assessed('critical'));
    expect(
      reviewItem(critical, assessed('critical'), { by: 'cli:a', acceptRisk: false }).mode,
    ).toBe('block');
    expect(reviewItem(critical, assessed('critical'), { by: 'cli:a', acceptRisk: true }).mode).toBe(
      'allow',
    );
  });

  it('does not re-raise a reviewed definition at the same band, but does for a new definition or a higher band', () => {
    const reviewed = reviewItem(scan(undefined, assessed('high')), assessed('high'), {
      by: 'cli:a',
      acceptRisk: false,
    });
    expect(scan(reviewed, assessed('high')).mode).toBe('allow');
    expect(scan(reviewed, assessed('high', D2)).mode).toBe('quarantine');
    expect(scan(reviewed, assessed('critical')).mode).toBe('block');
  });

  it('lets an anomaly only tighten a mode', () => {
    const blocked = scan(undefined, assessed('critical'));
    expect(raiseForAnomaly(blocked, 'quarantine', 'shape')).toBe(blocked);
    const allowed = scan(undefined, assessed('low'));
    expect(raiseForAnomaly(allowed, 'quarantine', 'output-injection')).toMatchObject({
      mode: 'quarantine',
      source: 'anomaly',
      by: 'output-injection',
    });
  });

  it('never relaxes a mode through any sequence of scans (property)', () => {
    const step = fc.record({
      band: fc.constantFrom(...BANDS),
      digest: fc.constantFrom(D1, D2),
      isNew: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let current: ItemRisk | undefined;
        for (const s of steps) {
          const next = scan(current, assessed(s.band, s.digest), s.isNew);
          if (current !== undefined) {
            expect(rank(RISK_MODES, next.mode)).toBeGreaterThanOrEqual(
              rank(RISK_MODES, current.mode),
            );
          }
          current = next;
        }
      }),
    );
  });
});
