/**
 * Audit entries as the console shows them. Entries record names chosen by clients and servers
 * (tool names, drift summaries), so every string is made visible (toVisible) before it leaves;
 * the exact bytes are only ever sent as a download (`/api/audit/:index/entry`).
 */
import type { AuditEntry, AuditValue } from '../../audit/entry.js';
import type { AuditHit } from '../../audit/search.js';
import { toVisible } from '../../surface/visible.js';

/** One entry, display-safe. */
export interface EntryView {
  index: number;
  /** Milliseconds since the epoch, and the same as ISO 8601. */
  at: number;
  time: string;
  kind: string;
  server: string;
  data: Record<string, AuditValue>;
}

/** A search hit: the entry, or only its index when its bytes do not decode. */
export type HitView = EntryView | { index: number; isMalformed: true };

/** The display-safe view of `entry`. */
export function toEntryView(entry: AuditEntry): EntryView {
  return {
    index: entry.index,
    at: entry.at,
    time: new Date(entry.at).toISOString(),
    kind: toVisible(entry.kind),
    server: toVisible(entry.server),
    data: Object.fromEntries(
      Object.entries(entry.data).map(([key, value]) => [
        toVisible(key),
        typeof value === 'string' ? toVisible(value) : value,
      ]),
    ),
  };
}

/** The display-safe view of a search hit. */
export function toHitView(hit: AuditHit): HitView {
  return hit.entry === null ? { index: hit.index, isMalformed: true } : toEntryView(hit.entry);
}
