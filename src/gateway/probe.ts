import { SurfaceError } from '../shared/errors.js';
import type { SurfaceLimits } from '../surface/snapshot.js';
import { collectSection, SECTION_METHOD } from '../surface/snapshot.js';
import type { JsonObject, Section } from '../surface/types.js';

/** Sends one request upstream on the gateway's own behalf and resolves with its result. */
export type UpstreamRequest = (method: string, params: JsonObject) => Promise<JsonObject>;

/**
 * Fetches every page of one section (DESIGN §4: all pages), refusing cursor loops and oversize
 * lists instead of truncating them.
 */
export async function fetchSection(
  request: UpstreamRequest,
  section: Section,
  limits: SurfaceLimits,
): Promise<Record<string, JsonObject>> {
  const { method } = SECTION_METHOD[section];
  const pages: JsonObject[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    if (pages.length >= limits.maxPages) {
      throw new SurfaceError(
        'SURFACE_TOO_LARGE',
        `${section} has more than ${limits.maxPages} pages`,
        {
          details: { section, maxPages: limits.maxPages },
        },
      );
    }
    const page = await request(method, cursor === undefined ? {} : { cursor });
    pages.push(page);
    const next = page['nextCursor'];
    if (next === undefined || next === null || next === '') break;
    if (typeof next !== 'string') {
      throw new SurfaceError('SURFACE_MALFORMED', `${section} nextCursor is not a string`);
    }
    if (seen.has(next)) {
      throw new SurfaceError('SURFACE_CURSOR_LOOP', `${section} pagination repeats a cursor`, {
        details: { section },
      });
    }
    seen.add(next);
    cursor = next;
  }
  return collectSection(section, pages, limits);
}
