/**
 * A server's review diff as the console shows it: exactly what `holdfast diff` shows, rendered the
 * same way. The report text is `renderDiff`'s (every server string made visible); the structured
 * changes carry only their labels (display-safe by construction) and visible keys and paths, never
 * the raw before/after values; findings carry visible refs and pointers and their evidence, which
 * the risk engine already made visible. The page inserts all of it as text.
 */
import type { ReviewDiff, ReviewedItem } from '../../pinning/review-diff.js';
import type { ServerRecord } from '../../pinning/types.js';
import type { Band, Finding } from '../../risk/types.js';
import { renderDiff } from '../../surface/render-diff.js';
import { toVisible } from '../../surface/visible.js';

/** One labelled change. */
export interface ChangeView {
  section: string;
  key: string;
  kind: string;
  path: string | null;
  label: string;
  isSuspiciousName: boolean;
}

/** One observed item with findings or a restricted mode. */
export interface RiskItemView {
  ref: string;
  kind: string;
  band: Band;
  score: number;
  /** The mode the band maps to. */
  mode: string;
  findings: Pick<Finding, 'ruleId' | 'weight' | 'pointer' | 'message' | 'evidence'>[];
  /** The mode the gateway keeps for the item (after the ratchet), null when not assessed. */
  stored: ReviewedItem['stored'];
}

/** A tool's stored risk mode, with what its approve and quarantine buttons send. */
export interface ToolModeView {
  /** The tool's name, made visible. */
  name: string;
  /**
   * The exact name percent-encoded (plain ASCII), for the `:tool` path segment and the
   * quarantine body; null when it cannot be encoded (a lone surrogate).
   */
  urlName: string | null;
  /** The definition digest a release must name (I6). */
  digest: string;
  band: Band;
  mode: string;
  source: string;
  by: string | null;
}

/** `GET /api/servers/:name/diff`. */
export interface DiffView {
  server: string;
  status: ServerRecord['status'];
  reason: string;
  approvedDigest: string | null;
  observedDigest: string;
  /** The digest the approve button sends: the observed one, as reviewed here. */
  approveDigest: string;
  observedAt: string | null;
  /** The CLI equivalent of the approve button. */
  approveCommand: string;
  isEmpty: boolean;
  /** The full report, as `holdfast diff` prints it (no colour). */
  report: string;
  changes: ChangeView[];
  risk: RiskItemView[];
  tools: ToolModeView[];
}

/** The console's view of `review`, the review diff of `record`. */
export function toDiffView(record: ServerRecord, review: ReviewDiff): DiffView {
  const observedAt = record.observed?.observedAt;
  return {
    server: record.name,
    status: record.status,
    reason: record.reason,
    approvedDigest: review.approvedDigest,
    observedDigest: review.observedDigest,
    approveDigest: review.observedDigest,
    observedAt: observedAt === undefined ? null : new Date(observedAt).toISOString(),
    approveCommand: `holdfast approve ${record.name} --digest ${review.observedDigest}`,
    isEmpty: review.diff.isEmpty,
    report: renderDiff(review.diff, { color: false }),
    changes: review.diff.changes.map((change) => ({
      section: change.section,
      key: toVisible(change.key),
      kind: change.kind,
      path: change.path === undefined ? null : toVisible(change.path),
      label: change.label,
      isSuspiciousName: change.suspiciousName === true,
    })),
    risk: [...review.risk]
      .sort((a, b) => b.score - a.score)
      .map((item) => ({
        ref: toVisible(item.ref),
        kind: item.kind,
        band: item.band,
        score: item.score,
        mode: item.mode,
        findings: item.findings.map((f) => ({
          ruleId: f.ruleId,
          weight: f.weight,
          pointer: toVisible(f.pointer),
          message: f.message,
          evidence: f.evidence,
        })),
        stored: item.stored,
      })),
    tools: toToolModes(record),
  };
}

const TOOL_PREFIX = 'tool:';

function toToolModes(record: ServerRecord): ToolModeView[] {
  return Object.entries(record.risk?.items ?? {})
    .filter(([ref]) => ref.startsWith(TOOL_PREFIX))
    .map(([ref, item]) => {
      const name = ref.slice(TOOL_PREFIX.length);
      return {
        name: toVisible(name),
        urlName: toUrlName(name),
        digest: item.digest,
        band: item.band,
        mode: item.mode,
        source: item.source,
        by: item.by,
      };
    });
}

/** Percent-encodes every character outside `[A-Za-z0-9-_.!~*'()]`; null for a lone surrogate. */
function toUrlName(name: string): string | null {
  try {
    return encodeURIComponent(name);
  } catch {
    return null;
  }
}
