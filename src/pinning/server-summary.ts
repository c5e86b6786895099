/**
 * One server's state at a glance (`holdfast servers`, the console's servers table): status,
 * digests, who approved, and its risk. Built from the record only; the refs listed as quarantined
 * or blocked name server-chosen items, so each front end renders them safely.
 */
import type { Band } from '../risk/types.js';
import { BANDS, rank } from '../risk/types.js';
import type { ServerRecord } from './types.js';

/** One server as `holdfast servers --json` prints it. */
export interface ServerSummary {
  name: string;
  status: ServerRecord['status'];
  approvedDigest: string | null;
  observedDigest: string | null;
  reason: string;
  tools: number;
  updatedAt: string;
  approvedBy: string | null;
  /** The worst band over the items assessed, and the items whose mode is not `allow`. */
  risk: {
    band: Band | null;
    quarantined: string[];
    blocked: string[];
  };
}

/** Summarizes a record without any server-authored text beyond item refs. */
export function toServerSummary(record: ServerRecord): ServerSummary {
  return {
    name: record.name,
    status: record.status,
    approvedDigest: record.baseline?.digests.surface ?? null,
    observedDigest: record.observed?.digests.surface ?? null,
    reason: record.reason,
    tools: Object.keys(record.observed?.surface.tools ?? {}).length,
    updatedAt: new Date(record.updatedAt).toISOString(),
    approvedBy: record.baseline?.approvedBy ?? null,
    risk: toRiskSummary(record),
  };
}

/** How many of `record`'s assessed items fall in each band. */
export function countItemsByBand(record: ServerRecord): Record<Band, number> {
  const counts: Record<Band, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const item of Object.values(record.risk?.items ?? {})) counts[item.band] += 1;
  return counts;
}

/** The worst band of `record`'s items and which of them are quarantined or blocked. */
function toRiskSummary(record: ServerRecord): ServerSummary['risk'] {
  const items = Object.entries(record.risk?.items ?? {});
  let band: Band | null = null;
  for (const [, item] of items) {
    if (band === null || rank(BANDS, item.band) > rank(BANDS, band)) band = item.band;
  }
  const refs = (mode: string): string[] =>
    items.filter(([, item]) => item.mode === mode).map(([ref]) => ref);
  return { band, quarantined: refs('quarantine'), blocked: refs('block') };
}
