/**
 * Builders shared by the unit tests of the surface, pinning and gateway modules: surfaces,
 * observations of them, and the assertions those tests repeat.
 */
import { expect } from 'vitest';

import type { Observation } from '../../src/pinning/types.js';
import { SurfaceError } from '../../src/shared/errors.js';
import { computeSurfaceDigests, profileDigest } from '../../src/surface/digest.js';
import { setOwn } from '../../src/surface/snapshot.js';
import type { Digest, JsonObject, Section, Surface } from '../../src/surface/types.js';

/** The value, or a test failure when it is missing. */
export function defined<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

/** A fixed clock reading (2026-01-01T00:00:00Z) that tests observe and approve at. */
export const T0 = 1_767_225_600_000;

/** The profile of a client that declares sampling and elicitation. */
export const FULL_PROFILE: Digest = profileDigest('2025-11-25', { sampling: {}, elicitation: {} });

/** The profile of a client that declares no capabilities. */
export const BARE_PROFILE: Digest = profileDigest('2025-11-25', {});

/** The field that keys an item of each section. */
export const KEY_FIELD: Record<Section, string> = {
  tools: 'name',
  prompts: 'name',
  resources: 'uri',
  resourceTemplates: 'uriTemplate',
};

/** The items of a section: already keyed, or a list keyed by the section's {@link KEY_FIELD}. */
export type SectionItems = readonly JsonObject[] | Record<string, JsonObject>;

/** What {@link surfaceOf} builds a surface from; anything left out takes its default. */
export interface SurfaceParts {
  /** The server item; by default server `demo` 1.0.0 with the tools capability. */
  server?: JsonObject;
  /** The launch item; by default `npx demo-server`. */
  launch?: JsonObject;
  tools?: SectionItems;
  prompts?: SectionItems;
  resources?: SectionItems;
  resourceTemplates?: SectionItems;
}

/** Keys `items` by the section's key field, as own properties (so `__proto__` stays an item). */
export function keyedItems(section: Section, items: SectionItems = []): Record<string, JsonObject> {
  if (!Array.isArray(items)) return items as Record<string, JsonObject>;
  const out: Record<string, JsonObject> = {};
  for (const item of items as readonly JsonObject[]) {
    setOwn(out, item[KEY_FIELD[section]] as string, item);
  }
  return out;
}

/** A surface of the given parts; sections given as lists are keyed by their key field. */
export function surfaceOf(parts: SurfaceParts = {}): Surface {
  return {
    server: parts.server ?? {
      serverInfo: { name: 'demo', version: '1.0.0' },
      capabilities: { tools: {} },
    },
    launch: parts.launch ?? { command: 'npx', args: ['demo-server'] },
    tools: keyedItems('tools', parts.tools),
    prompts: keyedItems('prompts', parts.prompts),
    resources: keyedItems('resources', parts.resources),
    resourceTemplates: keyedItems('resourceTemplates', parts.resourceTemplates),
  };
}

/** An observation of `surface` with its computed digests, seen by `profile` at `observedAt`. */
export function observationOf(
  surface: Surface,
  profile: Digest = FULL_PROFILE,
  observedAt: number = T0,
): Observation {
  return { surface, digests: computeSurfaceDigests(surface), profile, observedAt };
}

/** Runs `fn` and expects it to throw a {@link SurfaceError} with `code`; returns that error. */
export function expectSurfaceError(fn: () => unknown, code: SurfaceError['code']): SurfaceError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SurfaceError);
  expect((caught as SurfaceError).code).toBe(code);
  return caught as SurfaceError;
}
