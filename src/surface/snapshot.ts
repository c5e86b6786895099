import { SurfaceError } from '../shared/errors.js';
import type { JsonObject, JsonValue, Section, Surface } from './types.js';
import { SECTION_KEY, SECTIONS } from './types.js';

/** Limits on what a server may advertise; exceeding one is an error, never a truncation. */
export interface SurfaceLimits {
  /** Most items in one section, over all pages. */
  maxItems: number;
  /** Most pages followed for one section. */
  maxPages: number;
}

/** Defaults for {@link SurfaceLimits}. */
export const DEFAULT_SURFACE_LIMITS: SurfaceLimits = { maxItems: 10_000, maxPages: 100 };

/** The list method that fetches each section, and the result field that carries its items. */
export const SECTION_METHOD: Readonly<Record<Section, { method: string; field: string }>> = {
  tools: { method: 'tools/list', field: 'tools' },
  prompts: { method: 'prompts/list', field: 'prompts' },
  resources: { method: 'resources/list', field: 'resources' },
  resourceTemplates: { method: 'resources/templates/list', field: 'resourceTemplates' },
};

/** The server capability that must be present for a section to be listed. */
export const SECTION_CAPABILITY: Readonly<Record<Section, string>> = {
  tools: 'tools',
  prompts: 'prompts',
  resources: 'resources',
  resourceTemplates: 'resources',
};

/** Narrows a JSON value to an object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server part of a surface, from an `initialize` result: `serverInfo`, `capabilities` and
 * `instructions` (when present). `protocolVersion` belongs to the client profile (see the spec).
 */
export function toServerItem(initializeResult: JsonObject): JsonObject {
  const { serverInfo, capabilities, instructions } = initializeResult;
  if (!isJsonObject(serverInfo) || !isJsonObject(capabilities)) {
    throw new SurfaceError(
      'SURFACE_MALFORMED',
      'initialize result lacks serverInfo or capabilities',
    );
  }
  if (instructions !== undefined && typeof instructions !== 'string') {
    throw new SurfaceError('SURFACE_MALFORMED', 'initialize result instructions is not a string');
  }
  return instructions === undefined
    ? { serverInfo, capabilities }
    : { serverInfo, capabilities, instructions };
}

/**
 * Collects the pages of one section into items keyed by name/URI. Items must be objects with a
 * string key field; a key seen twice (on any page) is malformed, not "last one wins".
 */
export function collectSection(
  section: Section,
  pages: readonly JsonValue[],
  limits: SurfaceLimits = DEFAULT_SURFACE_LIMITS,
): Record<string, JsonObject> {
  const keyField = SECTION_KEY[section];
  const listField = SECTION_METHOD[section].field;
  const items: Record<string, JsonObject> = Object.create(null) as Record<string, JsonObject>;
  let count = 0;
  for (const page of pages) {
    if (!isJsonObject(page)) {
      throw new SurfaceError('SURFACE_MALFORMED', `${section} page is not an object`);
    }
    const list = page[listField];
    if (!Array.isArray(list)) {
      throw new SurfaceError('SURFACE_MALFORMED', `${section} page has no ${listField} array`);
    }
    for (const item of list) {
      if (!isJsonObject(item)) {
        throw new SurfaceError('SURFACE_MALFORMED', `${section} item is not an object`);
      }
      const key = item[keyField];
      if (typeof key !== 'string') {
        throw new SurfaceError('SURFACE_MALFORMED', `${section} item lacks a string ${keyField}`);
      }
      if (Object.hasOwn(items, key)) {
        throw new SurfaceError('SURFACE_MALFORMED', `${section} lists the same ${keyField} twice`, {
          details: { section },
        });
      }
      count += 1;
      if (count > limits.maxItems) {
        throw new SurfaceError(
          'SURFACE_TOO_LARGE',
          `${section} has more than ${limits.maxItems} items`,
          {
            details: { section, maxItems: limits.maxItems },
          },
        );
      }
      items[key] = item;
    }
  }
  return toPlainRecord(items);
}

function toPlainRecord(items: Record<string, JsonObject>): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const key of Object.keys(items)) {
    const item = items[key];
    if (item !== undefined) setOwn(out, key, item);
  }
  return out;
}

/**
 * Sets an own property even for keys such as `__proto__` (item names are attacker-chosen; plain
 * assignment of `__proto__` would change the prototype instead of adding an item).
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** An empty surface for a server and launch item, with every section empty. */
export function createSurface(server: JsonObject, launch: JsonObject): Surface {
  return { server, launch, tools: {}, prompts: {}, resources: {}, resourceTemplates: {} };
}

/** Whether the server advertises the capability that a section needs. */
export function hasSectionCapability(server: JsonObject, section: Section): boolean {
  const capabilities = server['capabilities'];
  return isJsonObject(capabilities) && isJsonObject(capabilities[SECTION_CAPABILITY[section]]);
}

/** The sections a server advertises, in spec order. */
export function advertisedSections(server: JsonObject): Section[] {
  return SECTIONS.filter((section) => hasSectionCapability(server, section));
}
