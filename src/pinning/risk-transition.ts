/**
 * Joins the risk ratchet to the status machine: an observation's transition also carries the new
 * assessment of every observed item, in the same write, with an audited event for each mode that
 * changed (DESIGN §7, I5).
 */
import type { ModeChange } from '../risk/surface-risk.js';
import { applySurfaceRisk, reviewStoredRisk } from '../risk/surface-risk.js';
import type { RiskMode, SurfaceAssessment } from '../risk/types.js';
import { SECTIONS } from '../surface/types.js';
import type { Transition, TransitionContext } from './status.js';
import type { Observation, PinEvent, ServerRecord } from './types.js';

const KIND_OF_SECTION = {
  tools: 'tool',
  prompts: 'prompt',
  resources: 'resource',
  resourceTemplates: 'resourceTemplate',
} as const;

/**
 * Adds the assessment of `observation` to the transition the status machine chose (or to the
 * current record, when the status machine had nothing to write). Undefined when nothing changes.
 */
export function withRiskAssessment(
  current: ServerRecord | undefined,
  transition: Transition | undefined,
  observation: Observation,
  assessment: SurfaceAssessment,
  options: { newMode: RiskMode },
  ctx: TransitionContext,
): Transition | undefined {
  const base = transition?.record ?? current;
  if (base === undefined) return transition;
  const applied = applySurfaceRisk(current?.risk, assessment, observation.digests, {
    newRefs: appearedOnTheirOwn(current, base),
    newMode: options.newMode,
  });
  const previous = current?.risk;
  if (transition === undefined && applied.changes.length === 0 && previous !== undefined) {
    const isSame = assessment.items.every((item) => {
      const stored = previous.items[item.ref];
      return stored?.score === item.score && stored.band === item.band;
    });
    if (isSame) return undefined;
  }
  return {
    record: { ...base, risk: applied.record, updatedAt: ctx.now },
    events: [...(transition?.events ?? []), ...toModeEvents(applied.changes, ctx)],
  };
}

/**
 * A human approved the observed surface: the risk of every item they reviewed is reviewed too
 * (see `reviewStoredRisk`). Returns the transition with the review applied.
 */
export function withRiskReview(
  transition: Transition,
  options: { by: string; acceptRisk: boolean },
  ctx: TransitionContext,
): Transition {
  const { record } = transition;
  if (record.observed === null || record.risk === undefined) return transition;
  const reviewed = reviewStoredRisk(record.risk, record.observed.digests, options);
  return {
    record: { ...record, risk: reviewed.record },
    events: [...transition.events, ...toModeEvents(reviewed.changes, ctx)],
  };
}

/** The audit events for changed modes: refs, modes and numbers only. */
export function toModeEvents(changes: readonly ModeChange[], ctx: TransitionContext): PinEvent[] {
  return changes.map((change) => ({
    at: ctx.now,
    server: ctx.name,
    kind: 'risk-mode',
    data: {
      ref: change.ref,
      from: change.from,
      mode: change.to,
      band: change.item.band,
      score: change.item.score,
      digest: change.item.digest,
      source: change.item.source,
      by: change.item.by,
    },
  }));
}

/**
 * Items trusted on first use after the server already had a baseline: a new client profile listed
 * them (server-everything does this) and nobody reviewed them. They start quarantined.
 */
function appearedOnTheirOwn(current: ServerRecord | undefined, next: ServerRecord): Set<string> {
  const refs = new Set<string>();
  const before = current?.baseline;
  const after = next.baseline;
  if (before === undefined || before === null || after === null || after === before) return refs;
  for (const section of SECTIONS) {
    for (const key of Object.keys(after.digests[section])) {
      if (!Object.hasOwn(before.digests[section], key)) {
        refs.add(`${KIND_OF_SECTION[section]}:${key}`);
      }
    }
  }
  return refs;
}

/**
 * The tool names every server but `self` advertises (approved or observed), with the servers that
 * advertise each: the scan context for shadowed names (DESIGN §1).
 */
export function toOtherTools(
  records: readonly ServerRecord[],
  self: string,
): Map<string, string[]> {
  const tools = new Map<string, string[]>();
  for (const record of records) {
    if (record.name === self) continue;
    const names = new Set([
      ...Object.keys(record.baseline?.surface.tools ?? {}),
      ...Object.keys(record.observed?.surface.tools ?? {}),
    ]);
    for (const tool of names) tools.set(tool, [...(tools.get(tool) ?? []), record.name]);
  }
  return tools;
}
