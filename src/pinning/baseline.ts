import { computeSurfaceDigests } from '../surface/digest.js';
import { setOwn } from '../surface/snapshot.js';
import type { JsonObject, Surface } from '../surface/types.js';
import { SECTIONS } from '../surface/types.js';
import { toProfileKeys } from './check.js';
import type { Baseline, Observation } from './types.js';

/** A first baseline from one observation (trust on first use, or a first approval). */
export function createBaseline(observation: Observation, approvedBy: string, at: number): Baseline {
  return {
    surface: observation.surface,
    digests: observation.digests,
    profiles: { [observation.profile]: toProfileKeys(observation) },
    approvedAt: at,
    approvedBy,
  };
}

/**
 * The baseline after a human approved `observation`: the observed profile's items replace what that
 * profile listed before; items only other profiles list are kept; items no profile lists are dropped.
 * The server and launch items become the observed ones.
 */
export function mergeBaseline(
  previous: Baseline | null,
  observation: Observation,
  approvedBy: string,
  at: number,
): Baseline {
  if (previous === null) return createBaseline(observation, approvedBy, at);
  const profiles = { ...previous.profiles, [observation.profile]: toProfileKeys(observation) };
  const surface: Surface = {
    server: observation.surface.server,
    launch: observation.surface.launch,
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
  for (const section of SECTIONS) {
    const listed = new Set(Object.values(profiles).flatMap((keys) => keys[section]));
    const merged: Record<string, JsonObject> = {};
    for (const key of listed) {
      const item = Object.hasOwn(observation.surface[section], key)
        ? observation.surface[section][key]
        : Object.hasOwn(previous.surface[section], key)
          ? previous.surface[section][key]
          : undefined;
      if (item !== undefined) setOwn(merged, key, item);
    }
    surface[section] = merged;
  }
  return { surface, digests: computeSurfaceDigests(surface), profiles, approvedAt: at, approvedBy };
}
