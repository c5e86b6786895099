/**
 * What a reviewer is shown before approving (DESIGN §5 "A diff for reviewers"): the observed
 * surface against what was approved for the same client profile, and the risk findings of the
 * observed version with the mode the gateway keeps for each item. `holdfast diff` and the console
 * build it here, so both show exactly the same thing; each renders it its own way.
 */
import { scanSurface } from '../risk/index.js';
import type { ItemAssessment, RiskMode, RiskSettings } from '../risk/types.js';
import type { SurfaceDiff } from '../surface/diff.js';
import { diffSurfaces } from '../surface/diff.js';
import type { Surface } from '../surface/types.js';
import { SECTIONS } from '../surface/types.js';
import { toOtherTools } from './risk-transition.js';
import type { ServerRecord } from './types.js';

/** One observed item's findings, with the mode the gateway keeps for it. */
export interface ReviewedItem extends ItemAssessment {
  /** The stored mode (after the ratchet), or null when the gateway has not assessed it. */
  stored: { mode: RiskMode; source: string; by: string | null } | null;
}

/** The diff a reviewer approves: `observedDigest` is the digest an approval must name (I6). */
export interface ReviewDiff {
  approvedDigest: string | null;
  observedDigest: string;
  diff: SurfaceDiff;
  /** Items with a finding or a mode other than allow. */
  risk: ReviewedItem[];
}

/**
 * The review diff of `record`, or undefined when nothing has been observed yet. `all` is every
 * server's record (tool names shadowed across servers are findings); bands use `settings`.
 */
export function buildReviewDiff(
  record: ServerRecord,
  all: readonly ServerRecord[],
  settings: RiskSettings,
): ReviewDiff | undefined {
  const observed = record.observed;
  if (observed === null) return undefined;
  return {
    approvedDigest: record.baseline?.digests.surface ?? null,
    observedDigest: observed.digests.surface,
    diff: diffSurfaces(approvedForProfile(record), observed.surface),
    risk: assessObserved(record, all, settings),
  };
}

/**
 * The risk findings of the observed version (the one an approval would approve): every item with a
 * finding or a mode other than allow. The findings are recomputed (the engine is deterministic).
 */
function assessObserved(
  record: ServerRecord,
  all: readonly ServerRecord[],
  settings: RiskSettings,
): ReviewedItem[] {
  const observed = record.observed;
  if (observed === null) return [];
  const assessment = scanSurface(
    observed.surface,
    { server: record.name, otherTools: toOtherTools(all, record.name) },
    settings,
  );
  const stored = record.risk?.items ?? {};
  return assessment.items
    .map((item): ReviewedItem => {
      const kept = Object.hasOwn(stored, item.ref) ? stored[item.ref] : undefined;
      return {
        ...item,
        stored: kept === undefined ? null : { mode: kept.mode, source: kept.source, by: kept.by },
      };
    })
    .filter((item) => item.findings.length > 0 || (item.stored?.mode ?? 'allow') !== 'allow');
}

/** The approved items the observed client profile lists (all of them for an unknown profile). */
export function approvedForProfile(record: ServerRecord): Surface {
  const baseline = record.baseline;
  const observed = record.observed;
  const empty: Surface = {
    server: {},
    launch: {},
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
  if (baseline === null) return empty;
  const keys =
    observed !== null && Object.hasOwn(baseline.profiles, observed.profile)
      ? baseline.profiles[observed.profile]
      : undefined;
  if (keys === undefined) return baseline.surface;
  const surface: Surface = { ...baseline.surface };
  for (const section of SECTIONS) {
    const allowed = new Set(keys[section]);
    surface[section] = Object.fromEntries(
      Object.entries(baseline.surface[section]).filter(([key]) => allowed.has(key)),
    );
  }
  return surface;
}
