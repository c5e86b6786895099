/**
 * Detection quality (DESIGN §7, docs/detection.md): the risk engine meets the targets on
 * the union of the labelled corpora (all but held-out-2), and a generalization floor on each
 * held-out set, written without looking at the rules. A failure lists the misses by family: fix
 * the family (other phrasings, languages, carriers), not the file. held-out-2 is never used for
 * tuning: its floors (80% / 5%) were fixed before it was first measured and do not move.
 */
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  HELD_OUT_2_CORPUS,
  isUnionCorpus,
  loadDetectionCorpus,
} from '../../scripts/detection-corpus.js';
import { readRiskFixture, riskFixtureFiles } from '../../scripts/detection-fixtures.js';
import {
  atLeast,
  attackStats,
  benignStats,
  checkTargets,
  type DetectionScores,
  HELD_OUT_2_REGRESSION,
  type RiskEngine,
  scoreCorpus,
  type TargetCheck,
  withLabel,
} from '../../scripts/detection-score.js';
import { DEFAULT_RISK_SETTINGS, scanOutputText, scanSurface } from '../../src/risk/index.js';

const HELD_OUT = fileURLToPath(new URL('../fixtures/risk/held-out/', import.meta.url));
const HELD_OUT_2 = fileURLToPath(new URL('../fixtures/risk/held-out-2/', import.meta.url));
const ENGINE: RiskEngine = { scanSurface, scanOutputText, settings: DEFAULT_RISK_SETTINGS };

describe('the held-out fixtures', () => {
  const fixtures = riskFixtureFiles(HELD_OUT).map(readRiskFixture);
  const attacks = fixtures.filter((f) => f.label === 'attack');
  const benign = fixtures.filter((f) => f.label === 'benign');

  it('hold at least 40 attacks across at least 8 families', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
    expect(new Set(attacks.map((f) => f.family)).size).toBeGreaterThanOrEqual(8);
  });

  it('hold at least 30 benign look-alikes', () => {
    expect(benign.length).toBeGreaterThanOrEqual(30);
  });

  it('cover every carrier for attacks', () => {
    expect(new Set(attacks.map((f) => f.carrier))).toEqual(
      new Set(['tool', 'prompt', 'resource', 'server', 'output']),
    );
  });
});

describe('the held-out-2 fixtures', () => {
  const fixtures = riskFixtureFiles(HELD_OUT_2).map(readRiskFixture);
  const attacks = fixtures.filter((f) => f.label === 'attack');
  const benign = fixtures.filter((f) => f.label === 'benign');

  it('hold at least 50 attacks across at least 10 families', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(50);
    expect(new Set(attacks.map((f) => f.family)).size).toBeGreaterThanOrEqual(10);
  });

  it('hold at least 40 benign look-alikes', () => {
    expect(benign.length).toBeGreaterThanOrEqual(40);
  });

  it('cover every carrier, resource templates included, for attacks', () => {
    expect(new Set(attacks.map((f) => f.carrier))).toEqual(
      new Set(['tool', 'prompt', 'resource', 'server', 'output']),
    );
    expect(attacks.some((f) => f.definition !== undefined && 'uriTemplate' in f.definition)).toBe(
      true,
    );
  });
});

describe('the detection corpus', () => {
  const corpus = loadDetectionCorpus();
  const items = (name: string) =>
    corpus.definitions
      .filter((c) => c.corpus === name)
      .reduce((n, c) => n + Object.keys(c.surface.tools).length, 0);

  it('loads all 527 livemcpbench tools and the three captured servers', () => {
    expect(items('livemcpbench')).toBe(527);
    expect(corpus.definitions.filter((c) => c.corpus === 'captured').map((c) => c.id)).toEqual([
      'everything',
      'filesystem',
      'memory',
    ]);
  });

  it('scans every mcptox frame except client requests', () => {
    const mcptox = (name: string) =>
      [...corpus.definitions, ...corpus.outputs].filter((c) => c.corpus === name).length;
    expect(
      mcptox('mcptox/attacks') + corpus.skipped.filter((s) => s.corpus === 'mcptox/attacks').length,
    ).toBe(33);
    expect(corpus.skipped.every((s) => s.reason.startsWith('client request'))).toBe(true);
  });
});

/** The corpora a check counts: one held-out set, or the union. */
function checkScope(check: TargetCheck): (corpus: string) => boolean {
  if (check.id.startsWith('held-out-2')) return (corpus) => corpus === HELD_OUT_2_CORPUS;
  if (check.id.startsWith('held-out')) return (corpus) => corpus === 'held-out';
  return isUnionCorpus;
}

/** The misses behind a failed check, grouped by family, for the failure message. */
function explain(check: TargetCheck, scores: DetectionScores): string {
  const isHeldOut = check.id.startsWith('held-out');
  const inScope = checkScope(check);
  const wantsAttacks = check.op === '>=';
  const lines = [
    ...scores.definitions
      .filter(
        (s) => inScope(s.case.corpus) && s.case.label === (wantsAttacks ? 'attack' : 'benign'),
      )
      .filter((s) =>
        wantsAttacks ? !atLeast(s.band, 'medium') : s.items.some((i) => atLeast(i.band, 'high')),
      )
      .map((s) => `${s.case.family}: ${s.case.corpus}/${s.case.id} (${s.band})`),
    ...(isHeldOut
      ? scores.outputs
          .filter(
            (s) => inScope(s.case.corpus) && s.case.label === (wantsAttacks ? 'attack' : 'benign'),
          )
          .filter((s) => s.flagged !== wantsAttacks)
          .map((s) => `${s.case.family}: output ${s.case.id}`)
      : []),
  ].sort();
  return `${check.name}: ${(check.value * 100).toFixed(1)}% (${String(check.count)}/${String(check.n)})\n${lines.join('\n')}`;
}

describe('the risk engine on the labelled corpora', () => {
  let scores: DetectionScores;
  let checks: TargetCheck[];

  beforeAll(() => {
    scores = scoreCorpus(ENGINE, loadDetectionCorpus());
    checks = checkTargets(scores);
  });

  it('computes the union targets without the held-out-2 cases', () => {
    const union = scores.definitions.filter((s) => s.case.corpus !== HELD_OUT_2_CORPUS);
    const untuned = scores.definitions.filter((s) => s.case.corpus === HELD_OUT_2_CORPUS);
    expect(untuned.length).toBeGreaterThan(0);
    expect(checks.find((c) => c.id === 'attack-recall')?.n).toBe(
      attackStats(withLabel(union, 'attack')).n,
    );
    expect(checks.find((c) => c.id === 'benign-fp')?.n).toBe(
      benignStats(withLabel(union, 'benign')).n,
    );
  });

  it('rates at least 95% of attack definitions medium or above (union)', () => {
    const check = checks.find((c) => c.id === 'attack-recall');
    expect(check?.pass, check && explain(check, scores)).toBe(true);
  });

  it('rates at most 2% of benign definition items high or above (union)', () => {
    const check = checks.find((c) => c.id === 'benign-fp');
    expect(check?.pass, check && explain(check, scores)).toBe(true);
  });

  it('detects at least 90% of the held-out attacks', () => {
    const check = checks.find((c) => c.id === 'held-out-recall');
    expect(check?.pass, check && explain(check, scores)).toBe(true);
  });

  it('flags at most 5% of the held-out benign look-alikes', () => {
    const check = checks.find((c) => c.id === 'held-out-fp');
    expect(check?.pass, check && explain(check, scores)).toBe(true);
  });

  it('reports the held-out-2 recall against its fixed 80% floor, without gating on it', () => {
    const check = checks.find((c) => c.id === 'held-out-2-recall');
    expect(check?.bound).toBe(0.8);
    expect(check?.isGate).toBe(false);
  });

  it('does not let held-out-2 recall regress below its guard (never used for tuning)', () => {
    const check = checks.find((c) => c.id === 'held-out-2-recall');
    expect(HELD_OUT_2_REGRESSION.recall).toBe(0.6);
    expect(check?.value, check && explain(check, scores)).toBeGreaterThanOrEqual(
      HELD_OUT_2_REGRESSION.recall,
    );
  });

  it('flags at most 5% of the held-out-2 benign look-alikes (never used for tuning)', () => {
    const check = checks.find((c) => c.id === 'held-out-2-fp');
    expect(check?.bound).toBe(0.05);
    expect(check?.pass, check && explain(check, scores)).toBe(true);
  });
});
