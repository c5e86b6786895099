/**
 * The quarantine ratchet (DESIGN §7, I5): what each item's enforcement mode is, and how it may
 * change. A re-scan only ever tightens a mode; a human's quarantine or block is never relaxed by
 * anything but another human action; an item that appears on its own starts quarantined.
 *
 * A human review is bound to what was reviewed (I6): it covers the item's definition digest and the
 * band it had then. A later scan of the same definition at the same or a lower band does not
 * re-raise the mode; a new definition or a higher band (say, stricter thresholds) does.
 */
import { digestEquals } from '../surface/digest.js';
import type { Band, RiskMode } from './types.js';
import { BANDS, rank, RISK_MODES } from './types.js';

/** Who set an item's mode. */
export type RiskSource =
  /** The scan's band mapped to this mode. */
  | 'scan'
  /** The item appeared on its own (nobody reviewed it yet). */
  | 'new'
  /** A human set it (`by` says who). */
  | 'human'
  /** A behaviour anomaly quarantined the tool (`by` names the anomaly kind). */
  | 'anomaly';

/** One item's assessment and mode as stored with its server's record. */
export interface ItemRisk {
  /** The item's definition digest when it was last assessed. */
  digest: string;
  score: number;
  band: Band;
  mode: RiskMode;
  source: RiskSource;
  /** The human or anomaly behind `mode`, when `source` is `human` or `anomaly`. */
  by: string | null;
  /** What a human reviewed: this definition at this band. Null until a human looks. */
  reviewed: { digest: string; band: Band } | null;
}

/** Every item's risk, keyed by ref (`tool:<name>`, `prompt:<name>`, `server`, …). */
export interface RiskRecord {
  items: Record<string, ItemRisk>;
}

/** A fresh assessment of one item at one digest. */
export interface AssessedItem {
  digest: string;
  score: number;
  band: Band;
  mode: RiskMode;
}

/** The tighter of two modes. */
export function tighterMode(a: RiskMode, b: RiskMode): RiskMode {
  return rank(RISK_MODES, a) >= rank(RISK_MODES, b) ? a : b;
}

/**
 * Applies a scan to one item (I5: only tighter). `isNew` marks an item that appeared on its own:
 * it starts at least quarantined (`newMode`) until a human reviews it.
 */
export function applyAssessment(
  previous: ItemRisk | undefined,
  assessed: AssessedItem,
  options: { isNew: boolean; newMode: RiskMode },
): ItemRisk {
  const scanned = options.isNew ? tighterMode(assessed.mode, options.newMode) : assessed.mode;
  const source: RiskSource = options.isNew && scanned !== assessed.mode ? 'new' : 'scan';
  const next = { digest: assessed.digest, score: assessed.score, band: assessed.band };
  if (previous === undefined) {
    return { ...next, mode: scanned, source, by: null, reviewed: null };
  }
  if (isCoveredByReview(previous, assessed) && !options.isNew) return { ...previous, ...next };
  if (rank(RISK_MODES, scanned) <= rank(RISK_MODES, previous.mode)) {
    return { ...previous, ...next };
  }
  return { ...previous, ...next, mode: scanned, source, by: null };
}

/**
 * A human reviewed the item as assessed now (approving its server at the digest they saw). Modes
 * the scan set are lifted to `allow`, except `block`, which stays unless `acceptRisk`; a mode a
 * human or an anomaly set on this one item stays until it is released on its own.
 */
export function reviewItem(
  previous: ItemRisk | undefined,
  assessed: AssessedItem,
  options: { by: string; acceptRisk: boolean },
): ItemRisk {
  const reviewed = { digest: assessed.digest, band: assessed.band };
  const next = { digest: assessed.digest, score: assessed.score, band: assessed.band, reviewed };
  const isPinned =
    previous !== undefined &&
    (previous.source === 'human' || previous.source === 'anomaly') &&
    previous.mode !== 'allow';
  if (isPinned) return { ...previous, ...next };
  if (assessed.mode === 'block' && !options.acceptRisk) {
    return { ...next, mode: 'block', source: 'scan', by: null };
  }
  return { ...next, mode: 'allow', source: 'human', by: options.by };
}

/**
 * A human sets one item's mode explicitly (`holdfast quarantine NAME --tool T`, or releasing it
 * with `holdfast approve NAME --tool T --digest D`). The review covers the item as assessed now.
 */
export function setItemMode(assessed: AssessedItem, mode: RiskMode, by: string): ItemRisk {
  return {
    digest: assessed.digest,
    score: assessed.score,
    band: assessed.band,
    mode,
    source: 'human',
    by,
    reviewed: { digest: assessed.digest, band: assessed.band },
  };
}

/**
 * A behaviour anomaly quarantines (or blocks) a tool: only ever tighter, and never below what a
 * human or a scan already set.
 */
export function raiseForAnomaly(previous: ItemRisk, mode: RiskMode, kind: string): ItemRisk {
  if (rank(RISK_MODES, mode) <= rank(RISK_MODES, previous.mode)) return previous;
  return { ...previous, mode, source: 'anomaly', by: kind };
}

function isCoveredByReview(previous: ItemRisk, assessed: AssessedItem): boolean {
  const review = previous.reviewed;
  return (
    review !== null &&
    digestEquals(review.digest, assessed.digest) &&
    rank(BANDS, assessed.band) <= rank(BANDS, review.band)
  );
}
