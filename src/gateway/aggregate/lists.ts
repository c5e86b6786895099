import { SECTION_METHOD } from '../../surface/snapshot.js';
import type { JsonObject, Section } from '../../surface/types.js';
import { CursorBook } from './cursors.js';
import { gatherSection } from './gather.js';
import type { MemberLink } from './member-link.js';
import type { Refusal } from './replies.js';
import { REFUSALS } from './replies.js';
import { ResourceRoutes } from './routes.js';

/**
 * The merged lists of an aggregated endpoint: pages them with minted cursors, and keeps the
 * resource URI routes in step with what the members last listed.
 */
export class AggregateLists {
  readonly #cursors: CursorBook;
  readonly #log: (line: string) => void;
  /** Which member each listed resource URI and template belongs to. */
  readonly routes = new ResourceRoutes();
  #refreshing: Promise<void> | undefined;

  constructor(pageSize: number | undefined, log: (line: string) => void) {
    this.#cursors = new CursorBook(pageSize);
    this.#log = log;
  }

  /**
   * The result of a list request: without a cursor, a fresh listing of every live member (the
   * first page of it); with one, the page that cursor points at, or a refusal for a cursor this
   * session never minted for this section (or has since forgotten).
   */
  async answer(
    section: Section,
    params: JsonObject,
    live: readonly MemberLink[],
  ): Promise<{ result: JsonObject } | { refusal: Refusal }> {
    const cursor = params['cursor'];
    const page =
      cursor === undefined
        ? this.#cursors.first(section, await this.#gather(section, params, live))
        : typeof cursor === 'string'
          ? this.#cursors.next(section, cursor)
          : undefined;
    if (page === undefined) return { refusal: REFUSALS.unknownCursor };
    const result: JsonObject = { [SECTION_METHOD[section].field]: page.items };
    if (page.nextCursor !== undefined) result['nextCursor'] = page.nextCursor;
    return { result };
  }

  /** Lists resources again when a member said they changed, or they were never listed. */
  async refreshRoutes(live: readonly MemberLink[]): Promise<void> {
    if (this.routes.staleSections.length === 0) return;
    this.#refreshing ??= (async () => {
      try {
        for (const section of this.routes.staleSections) await this.#gather(section, {}, live);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    await this.#refreshing;
  }

  /** Sections changed (a member said so, or went away): cursors into them become unknown. */
  invalidate(sections: readonly Section[]): void {
    for (const section of sections) this.#cursors.invalidate(section);
    if (sections.includes('resources')) this.routes.markStale();
  }

  async #gather(
    section: Section,
    params: JsonObject,
    live: readonly MemberLink[],
  ): Promise<JsonObject[]> {
    const gathered = await gatherSection(live, section, params, this.#log);
    if (section === 'resources' || section === 'resourceTemplates') {
      this.routes.replace(section, gathered);
    }
    return gathered.map((entry) => entry.item);
  }
}
