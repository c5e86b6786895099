/**
 * The held-out-2 section of docs/detection.md: the set written after the first held-out set had
 * been used for family-level feedback, and never used for tuning. It is reported apart from the
 * union (its cases count in no main target) with recall by family and every miss and false
 * positive by id and rule ids (never payload text).
 */
import { HELD_OUT_2_CORPUS } from './detection-corpus.js';
import { listLines, pct, rules, table } from './detection-markdown.js';
import {
  atLeast,
  type DetectionScores,
  floorCounts,
  groupBy,
  HELD_OUT_2_FLOORS,
  scoresWhere,
  withLabel,
} from './detection-score.js';

const percent = (fraction: number): string => `${(fraction * 100).toFixed(0)}%`;

/** One held-out-2 case as the section counts it: detected (attack) or flagged (benign). */
interface UntunedRow {
  id: string;
  family: string;
  /** `definition (<band>)` or `output`. */
  where: string;
  hit: boolean;
  /** Benign definitions only: at medium or above (reported, not counted). */
  isMedium: boolean;
  ruleIds: string[];
}

function untunedRows(scores: DetectionScores, label: 'attack' | 'benign'): UntunedRow[] {
  const floor = label === 'attack' ? 'medium' : 'high';
  return [
    ...withLabel(scores.definitions, label).map((s) => ({
      id: s.case.id,
      family: s.case.family,
      where: `definition (${s.band})`,
      hit:
        label === 'attack' ? atLeast(s.band, floor) : s.items.some((i) => atLeast(i.band, floor)),
      isMedium: s.items.some((i) => atLeast(i.band, 'medium')),
      ruleIds: [...new Set(s.items.flatMap((i) => i.ruleIds))].sort(),
    })),
    ...withLabel(scores.outputs, label).map((s) => ({
      id: s.case.id,
      family: s.case.family,
      where: 'output',
      hit: s.flagged,
      isMedium: false,
      ruleIds: s.ruleIds,
    })),
  ].sort((a, b) => a.family.localeCompare(b.family) || a.id.localeCompare(b.id));
}

function familyTable(rows: readonly UntunedRow[], hit: string, rate: string): string[] {
  const groups = [...groupBy(rows, (r) => r.family)].sort(([a], [b]) => a.localeCompare(b));
  return table(
    ['family', 'cases', hit, rate],
    groups.map(([family, list]) => {
      const count = list.filter((r) => r.hit).length;
      return [family, String(list.length), String(count), pct(count, list.length)];
    }),
  );
}

/** Markdown lines of the "held-out-2 (never used for tuning)" section. */
export function renderUntunedSection(all: DetectionScores): string[] {
  const scores = scoresWhere(all, (c) => c === HELD_OUT_2_CORPUS);
  const counts = floorCounts(scores);
  const attacks = untunedRows(scores, 'attack');
  const benign = untunedRows(scores, 'benign');
  const row = (r: UntunedRow) => [r.id, r.family, r.where, rules(r.ruleIds)];
  const recall = percent(HELD_OUT_2_FLOORS.recall);
  const fp = percent(HELD_OUT_2_FLOORS.fp);
  return [
    '## held-out-2 (never used for tuning)',
    '',
    '`test/fixtures/risk/held-out-2/` was written after the first held-out set had been measured',
    'and its misses reported by family to the engine author, without reading the rules, the dev',
    'fixtures or the held-out attacks. It is never used for tuning, so it is the honest',
    'generalization number. It counts in none of the union targets. Its own floors were fixed',
    'before it was first measured and count cases the same way as the held-out floors:',
    `at least ${recall} of its attacks detected, at most ${fp} of its benign cases flagged.`,
    '',
    ...table(
      ['set', 'cases', 'detected / flagged', 'rate'],
      [
        [
          'attacks (definitions at medium+, outputs flagged)',
          String(counts.attacks),
          String(counts.detected),
          pct(counts.detected, counts.attacks),
        ],
        [
          'benign (definitions at high+, outputs flagged)',
          String(counts.benign),
          String(counts.flagged),
          pct(counts.flagged, counts.benign),
        ],
      ],
    ),
    '### held-out-2 attacks by family',
    '',
    ...familyTable(attacks, 'detected', 'recall'),
    '### held-out-2 benign by family',
    '',
    ...familyTable(benign, 'flagged', 'FP rate'),
    ...listLines('held-out-2 attacks missed', attacks.filter((r) => !r.hit).map(row), [
      'id',
      'family',
      'where',
      'rules',
    ]),
    ...listLines(
      'held-out-2 benign flagged (false positives)',
      benign.filter((r) => r.hit).map(row),
      ['id', 'family', 'where', 'rules'],
    ),
    ...listLines(
      'held-out-2 benign definitions at medium (reported, not counted)',
      benign.filter((r) => !r.hit && r.isMedium).map(row),
      ['id', 'family', 'where', 'rules'],
    ),
  ];
}
