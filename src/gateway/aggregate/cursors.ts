import { ConfigError } from '../../shared/errors.js';
import { createId } from '../../shared/ids.js';
import type { JsonObject, Section } from '../../surface/types.js';

/** At most this many listings are remembered per session; paging an older one is refused. */
export const MAX_SNAPSHOTS = 32;

/** Items per page when the caller sets none. */
const DEFAULT_PAGE_SIZE = 100;

/** One page of an aggregated list. */
export interface Page {
  items: JsonObject[];
  /** Present when more items follow. */
  nextCursor?: string;
}

/** The full list a client is paging through, as it was when the first page was served. */
interface Snapshot {
  section: Section;
  items: readonly JsonObject[];
  /** The cursor minted for each offset, so serving a page twice hands out the same cursor. */
  cursors: Map<number, string>;
}

/**
 * Pagination cursors minted by the aggregator (DESIGN §11: gateway-minted cursors when
 * aggregating). Each member answers in one page, so the concatenated list is paged here. A cursor is
 * an opaque random string meaningful only to the book that minted it (one per client session): a
 * cursor from another session, another section or an evicted listing is unknown.
 */
export class CursorBook {
  readonly #pageSize: number;
  /** Oldest first. */
  readonly #snapshots: Snapshot[] = [];
  readonly #cursors = new Map<string, { snapshot: Snapshot; offset: number }>();

  constructor(pageSize: number = DEFAULT_PAGE_SIZE) {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new ConfigError('CONFIG_INVALID', 'the page size must be a positive integer', [
        { path: 'serve.page_size', message: 'must be a positive integer' },
      ]);
    }
    this.#pageSize = pageSize;
  }

  /** The first page of a fresh listing; the listing is remembered only when it spans pages. */
  first(section: Section, items: readonly JsonObject[]): Page {
    if (items.length <= this.#pageSize) return { items: [...items] };
    const snapshot: Snapshot = { section, items, cursors: new Map() };
    this.#snapshots.push(snapshot);
    while (this.#snapshots.length > MAX_SNAPSHOTS) {
      const oldest = this.#snapshots.shift();
      if (oldest !== undefined) this.#forget(oldest);
    }
    return this.#page(snapshot, 0);
  }

  /** The page a cursor points at, or undefined when this book never minted it for `section`. */
  next(section: Section, cursor: string): Page | undefined {
    const entry = this.#cursors.get(cursor);
    if (entry?.snapshot.section !== section) return undefined;
    return this.#page(entry.snapshot, entry.offset);
  }

  /** Forgets every listing of `section` (its list changed): their cursors become unknown. */
  invalidate(section: Section): void {
    for (const snapshot of this.#snapshots.filter((s) => s.section === section)) {
      this.#snapshots.splice(this.#snapshots.indexOf(snapshot), 1);
      this.#forget(snapshot);
    }
  }

  #page(snapshot: Snapshot, offset: number): Page {
    const end = offset + this.#pageSize;
    const items = snapshot.items.slice(offset, end);
    if (end >= snapshot.items.length) return { items };
    let cursor = snapshot.cursors.get(end);
    if (cursor === undefined) {
      cursor = createId('cur');
      snapshot.cursors.set(end, cursor);
      this.#cursors.set(cursor, { snapshot, offset: end });
    }
    return { items, nextCursor: cursor };
  }

  #forget(snapshot: Snapshot): void {
    for (const cursor of snapshot.cursors.values()) this.#cursors.delete(cursor);
  }
}
