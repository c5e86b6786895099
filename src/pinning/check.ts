import { digestEquals } from '../surface/digest.js';
import type { Digest, Section } from '../surface/types.js';
import { SECTIONS } from '../surface/types.js';
import type { Baseline, Observation, ProfileKeys } from './types.js';

/** Where a changed item lives: a section, or the server/launch items. */
export type ItemPlace = Section | 'server' | 'launch';

/** One item that differs from the baseline. Keys are names/URIs; no server-authored text. */
export interface ChangedItem {
  place: ItemPlace;
  key: string;
  change: 'added' | 'removed' | 'modified';
}

/** The outcome of comparing an observation with a baseline. */
export type CheckResult =
  | { kind: 'match' }
  /** Matches every approved item, but this client profile was never seen: learn its key set. */
  | { kind: 'new-profile'; keys: ProfileKeys }
  /**
   * A client profile never seen lists approved items plus items nobody approved (server-everything
   * adds tools for clients that can sample). Not drift of what was approved. Under the discovery
   * posture the extra items are trusted on first use; under enforcing they stay hidden and
   * uncallable until a human approves them, and the profile is not learned.
   */
  | { kind: 'new-profile-unreviewed'; unreviewed: ChangedItem[] }
  | { kind: 'drift'; changes: ChangedItem[] };

/** The item keys an observation lists, per section. */
export function toProfileKeys(observation: Observation): ProfileKeys {
  return {
    tools: Object.keys(observation.surface.tools).sort(),
    prompts: Object.keys(observation.surface.prompts).sort(),
    resources: Object.keys(observation.surface.resources).sort(),
    resourceTemplates: Object.keys(observation.surface.resourceTemplates).sort(),
  };
}

/**
 * Compares an observation with the approved baseline (DESIGN §5).
 * - Every observed item must be approved with the same digest (else added/modified).
 * - The server and launch items must match.
 * - For a client profile seen before, every item it listed must still be listed (else removed).
 * - A new profile listing only approved items is benign (server-everything lists tools by client
 *   capability): nothing unapproved would reach the client.
 */
export function checkObservation(baseline: Baseline, observation: Observation): CheckResult {
  const changes: ChangedItem[] = [];
  if (!digestEquals(baseline.digests.server, observation.digests.server)) {
    changes.push({ place: 'server', key: 'server', change: 'modified' });
  }
  if (!digestEquals(baseline.digests.launch, observation.digests.launch)) {
    changes.push({ place: 'launch', key: 'launch', change: 'modified' });
  }
  const known = Object.hasOwn(baseline.profiles, observation.profile)
    ? baseline.profiles[observation.profile]
    : undefined;
  for (const section of SECTIONS) {
    const approved = baseline.digests[section];
    const observed = observation.digests[section];
    for (const key of Object.keys(observed)) {
      const approvedDigest = lookup(approved, key);
      if (approvedDigest === undefined) {
        changes.push({ place: section, key, change: 'added' });
      } else if (!digestEquals(approvedDigest, lookup(observed, key) ?? '')) {
        changes.push({ place: section, key, change: 'modified' });
      }
    }
    if (known !== undefined) {
      for (const key of known[section]) {
        if (lookup(observed, key) === undefined)
          changes.push({ place: section, key, change: 'removed' });
      }
    }
  }
  if (known !== undefined)
    return changes.length > 0 ? { kind: 'drift', changes } : { kind: 'match' };
  if (changes.length === 0) return { kind: 'new-profile', keys: toProfileKeys(observation) };
  const onlyAdded = changes.every(
    (c) => c.place !== 'server' && c.place !== 'launch' && c.change === 'added',
  );
  return onlyAdded
    ? { kind: 'new-profile-unreviewed', unreviewed: changes }
    : { kind: 'drift', changes };
}

function lookup(record: Record<string, Digest>, key: string): Digest | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
