/**
 * A server as the console's servers table shows it. Everything a server chose (item refs name its
 * tools) is made visible with the same rendering as `holdfast diff` (toVisible), and the page
 * inserts it as text; names the operator chose (the server's own name) are kept as they are.
 */
import type { ServerSummary } from '../../pinning/server-summary.js';
import { countItemsByBand, toServerSummary } from '../../pinning/server-summary.js';
import type { ServerRecord } from '../../pinning/types.js';
import type { Band } from '../../risk/types.js';
import { toVisible } from '../../surface/visible.js';

/** One row of `GET /api/servers`. */
export interface ServerRow {
  name: string;
  status: ServerSummary['status'];
  reason: string;
  /** Anything a human should look at: not verified, or items quarantined or blocked. */
  needsReview: boolean;
  /** The worst band over the server's items, null before any assessment. */
  band: Band | null;
  /** How many items fall in each band. */
  bands: Record<Band, number>;
  /** Refs (`tool:<name>`, made visible) whose mode is quarantine or block. */
  quarantined: string[];
  blocked: string[];
  tools: number;
  approvedDigest: string | null;
  observedDigest: string | null;
  approvedBy: string | null;
  /** When the surface was last observed (ISO 8601), null when never. */
  lastProbeAt: string | null;
  updatedAt: string;
  /** Held calls of this server still waiting for a human. */
  pendingHolds: number;
}

/** The row for `record`, with `pendingHolds` held calls waiting. */
export function toServerRow(record: ServerRecord, pendingHolds: number): ServerRow {
  const summary = toServerSummary(record);
  const quarantined = summary.risk.quarantined.map(toVisible);
  const blocked = summary.risk.blocked.map(toVisible);
  const observedAt = record.observed?.observedAt;
  return {
    name: summary.name,
    status: summary.status,
    reason: summary.reason,
    needsReview: summary.status !== 'verified' || quarantined.length + blocked.length > 0,
    band: summary.risk.band,
    bands: countItemsByBand(record),
    quarantined,
    blocked,
    tools: summary.tools,
    approvedDigest: summary.approvedDigest,
    observedDigest: summary.observedDigest,
    approvedBy: summary.approvedBy,
    lastProbeAt: observedAt === undefined ? null : new Date(observedAt).toISOString(),
    updatedAt: summary.updatedAt,
    pendingHolds,
  };
}
