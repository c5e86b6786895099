import type { Observation, ServerRecord } from '../pinning/types.js';
import { digestEquals } from '../surface/digest.js';
import type { JsonObject, Section } from '../surface/types.js';

/**
 * What the client may see of one section (I1): observed items whose digest is approved pass as
 * received; a modified item is replaced by its approved version; an item nobody approved is hidden.
 * With nothing approved (pending), the client sees an empty list.
 */
export function approvedSectionView(
  record: ServerRecord | undefined,
  observation: Observation,
  section: Section,
): JsonObject[] {
  const baseline = record?.baseline;
  if (baseline === undefined || baseline === null) return [];
  const approvedDigests = baseline.digests[section];
  const observed = observation.surface[section];
  const items: JsonObject[] = [];
  for (const key of Object.keys(observed)) {
    if (!Object.hasOwn(approvedDigests, key)) continue;
    const approvedDigest = approvedDigests[key] ?? '';
    const observedDigest = observation.digests[section][key] ?? '';
    const item = digestEquals(approvedDigest, observedDigest) ? observed[key] : baseline.surface[section][key];
    if (item !== undefined) items.push(item);
  }
  return items;
}

/**
 * The `initialize` result the client may see (I1). Unknown server under discovery: as received
 * (trust on first use). Approved server item unchanged: as received. Changed: the approved
 * serverInfo, capabilities and instructions. Nothing approved yet: no instructions and a neutral
 * serverInfo naming the server as configured.
 */
export function approvedInitializeResult(
  result: JsonObject,
  serverItemDigest: string,
  record: ServerRecord | undefined,
  options: { name: string; trustOnFirstUse: boolean },
): JsonObject {
  if (record === undefined && options.trustOnFirstUse) return result;
  const baseline = record?.baseline ?? null;
  if (baseline === null) {
    const { instructions: _hidden, ...rest } = result;
    return { ...rest, serverInfo: { name: options.name, version: '0.0.0-pending-approval' } };
  }
  if (digestEquals(baseline.digests.server, serverItemDigest)) return result;
  const { instructions: _hidden, ...rest } = result;
  const approved = baseline.surface.server;
  const substituted: JsonObject = { ...rest };
  if (approved['serverInfo'] !== undefined) substituted['serverInfo'] = approved['serverInfo'];
  if (approved['capabilities'] !== undefined) substituted['capabilities'] = approved['capabilities'];
  if (approved['instructions'] !== undefined) substituted['instructions'] = approved['instructions'];
  return substituted;
}
