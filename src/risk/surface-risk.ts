/**
 * Applies a surface's assessment to the risk record stored with its server: every observed item
 * goes through the ratchet (only tighter), and items that appeared on their own start quarantined.
 */
import { digestEquals } from '../surface/digest.js';
import type { SurfaceDigests } from '../surface/types.js';
import type { AssessedItem, ItemRisk, RiskRecord } from './ratchet.js';
import { applyAssessment, reviewItem } from './ratchet.js';
import type { DefinitionKind, ItemAssessment, RiskMode, SurfaceAssessment } from './types.js';

/** A mode that changed, for the audit log. */
export interface ModeChange {
  ref: string;
  from: RiskMode | null;
  to: RiskMode;
  item: ItemRisk;
}

const SECTION_OF: Readonly<Record<Exclude<DefinitionKind, 'server'>, keyof SurfaceDigests>> = {
  tool: 'tools',
  prompt: 'prompts',
  resource: 'resources',
  resourceTemplate: 'resourceTemplates',
};

/** The ref of an item of a section (`tool:<name>`, …), as assessments name it. */
export function toItemRef(kind: DefinitionKind, key: string): string {
  return kind === 'server' ? 'server' : `${kind}:${key}`;
}

/** The digest of an assessed item in `digests`, or undefined when the surface lacks it. */
export function assessedDigest(item: ItemAssessment, digests: SurfaceDigests): string | undefined {
  return refDigest(toItemRef(item.kind, item.key), digests);
}

/** An assessment with its digest, as the ratchet takes it. */
export function toAssessedItem(item: ItemAssessment, digest: string): AssessedItem {
  return { digest, score: item.score, band: item.band, mode: item.mode };
}

/**
 * Runs every assessed item through the ratchet. `newRefs` are items that appeared on their own
 * (they start at least at `newMode`). Items not assessed now keep their stored state.
 */
export function applySurfaceRisk(
  previous: RiskRecord | undefined,
  assessment: SurfaceAssessment,
  digests: SurfaceDigests,
  options: { newRefs: ReadonlySet<string>; newMode: RiskMode },
): { record: RiskRecord; changes: ModeChange[] } {
  const items: Record<string, ItemRisk> = { ...(previous?.items ?? {}) };
  const changes: ModeChange[] = [];
  for (const item of assessment.items) {
    const digest = assessedDigest(item, digests);
    if (digest === undefined) continue;
    const before = Object.hasOwn(items, item.ref) ? items[item.ref] : undefined;
    const after = applyAssessment(before, toAssessedItem(item, digest), {
      isNew: options.newRefs.has(item.ref),
      newMode: options.newMode,
    });
    items[item.ref] = after;
    if (before?.mode !== after.mode) {
      changes.push({ ref: item.ref, from: before?.mode ?? null, to: after.mode, item: after });
    }
  }
  return { record: { items }, changes };
}

/**
 * A human approved the surface they reviewed: every stored item assessed at the digest now
 * observed is reviewed as stored (see `reviewItem`: a block stays unless `acceptRisk`; per-item
 * human and anomaly modes stay until released on their own).
 */
export function reviewStoredRisk(
  previous: RiskRecord | undefined,
  digests: SurfaceDigests,
  options: { by: string; acceptRisk: boolean },
): { record: RiskRecord; changes: ModeChange[] } {
  const items: Record<string, ItemRisk> = { ...(previous?.items ?? {}) };
  const changes: ModeChange[] = [];
  for (const [ref, before] of Object.entries(items)) {
    const digest = refDigest(ref, digests);
    if (digest === undefined || !digestEquals(digest, before.digest)) continue;
    const after = reviewItem(before, { ...before }, options);
    items[ref] = after;
    if (before.mode !== after.mode)
      changes.push({ ref, from: before.mode, to: after.mode, item: after });
  }
  return { record: { items }, changes };
}

/** The digest of the item `ref` names in `digests`, or undefined when the surface lacks it. */
export function refDigest(ref: string, digests: SurfaceDigests): string | undefined {
  if (ref === 'server') return digests.server;
  const colon = ref.indexOf(':');
  const kind = ref.slice(0, colon);
  if (colon < 0 || !Object.hasOwn(SECTION_OF, kind)) return undefined;
  const section = digests[SECTION_OF[kind as keyof typeof SECTION_OF]];
  const key = ref.slice(colon + 1);
  return typeof section === 'object' && Object.hasOwn(section, key) ? section[key] : undefined;
}

/** The stored mode of one item, or undefined when it was never assessed. */
export function itemMode(record: RiskRecord | undefined, ref: string): RiskMode | undefined {
  if (record === undefined || !Object.hasOwn(record.items, ref)) return undefined;
  return record.items[ref]?.mode;
}
