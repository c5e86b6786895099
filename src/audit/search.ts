/**
 * Searching the audit log, newest first (the console's audit page): by kind, server and a plain
 * text match over the entry's fields. The log is read backwards in chunks and each request scans a
 * bounded number of entries; `next` continues where it stopped, so a search over a log of millions
 * of entries is a series of small requests, never one long one.
 *
 * The text is matched with `includes` on lower-cased fields: linear in the input, whatever the
 * query (attacker-chosen strings are in the log).
 */
import type { AuditStore } from '../store/ports.js';
import type { AuditEntry } from './entry.js';
import { parseEntry } from './entry.js';

/** Entries read per store call. */
const CHUNK = 1000;
/** Entries one search reads at most unless told otherwise. */
export const DEFAULT_MAX_SCAN = 100_000;

/** What to look for. Every given filter must hold. */
export interface AuditQuery {
  kind?: string | undefined;
  server?: string | undefined;
  /** Case-insensitive text found in the kind, the server, or a data key or value. */
  text?: string | undefined;
  /** Only entries with an index below this (a previous page's `next`). */
  before?: number | undefined;
  /** At most this many hits. */
  limit: number;
  /** At most this many entries read (default {@link DEFAULT_MAX_SCAN}). */
  maxScan?: number | undefined;
}

/** One hit: the decoded entry, or null when its stored bytes do not decode (see `holdfast audit verify`). */
export interface AuditHit {
  index: number;
  entry: AuditEntry | null;
}

/** A page of hits, newest first. */
export interface AuditPage {
  /** The log's size when searched. */
  size: number;
  hits: AuditHit[];
  /** Pass as `before` to continue; null when the search reached the start of the log. */
  next: number | null;
}

/** Searches the log backwards from `query.before` (or its end). */
export async function searchAuditLog(
  store: Pick<AuditStore, 'auditHead' | 'readEntries'>,
  query: AuditQuery,
): Promise<AuditPage> {
  const { size } = await store.auditHead();
  const maxScan = query.maxScan ?? DEFAULT_MAX_SCAN;
  const needle = query.text?.toLowerCase() ?? '';
  const hasFilter = query.kind !== undefined || query.server !== undefined || needle !== '';
  const hits: AuditHit[] = [];
  let end = Math.min(query.before ?? size, size);
  let scanned = 0;
  while (end > 0 && scanned < maxScan) {
    const start = Math.max(0, end - Math.min(CHUNK, maxScan - scanned));
    const rows = await store.readEntries(start, end - start);
    scanned += end - start;
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i];
      if (row === undefined || row.index >= end) continue;
      const entry = decode(row.entry);
      const isHit = entry === null ? !hasFilter : matches(entry, query, needle);
      if (!isHit) continue;
      hits.push({ index: row.index, entry });
      if (hits.length >= query.limit) return { size, hits, next: row.index > 0 ? row.index : null };
    }
    end = start;
  }
  return { size, hits, next: end > 0 ? end : null };
}

function decode(bytes: Buffer): AuditEntry | null {
  try {
    return parseEntry(bytes);
  } catch {
    return null;
  }
}

function matches(entry: AuditEntry, query: AuditQuery, needle: string): boolean {
  if (query.kind !== undefined && entry.kind !== query.kind) return false;
  if (query.server !== undefined && entry.server !== query.server) return false;
  if (needle === '') return true;
  if (entry.kind.toLowerCase().includes(needle)) return true;
  if (entry.server.toLowerCase().includes(needle)) return true;
  for (const [key, value] of Object.entries(entry.data)) {
    if (key.toLowerCase().includes(needle)) return true;
    if (typeof value === 'string' && value.toLowerCase().includes(needle)) return true;
    if (typeof value === 'number' && String(value) === needle) return true;
  }
  return false;
}
