import type { Observation, ServerRecord } from '../pinning/types.js';
import type { RiskMode } from '../risk/types.js';
import { digestEquals } from '../surface/digest.js';
import type { JsonObject, Section } from '../surface/types.js';
import { SECTION_KEY } from '../surface/types.js';

/**
 * What the client may see of one section (I1).
 * - Verified: the observed items, as received (each one's digest is the approved one).
 * - Changed or quarantined: the approved snapshot, as this client profile saw it at approval, in
 *   approved order; an item that was added since is hidden, one removed or renamed stays listed
 *   (calls are denied anyway), a modified one shows its approved version.
 * - Nothing approved (pending): an empty list.
 */
export function approvedSectionView(
  record: ServerRecord | undefined,
  observation: Observation,
  section: Section,
): JsonObject[] {
  const items = sectionItems(record, observation, section);
  const risk = record?.risk?.items;
  // A blocked item is hidden (DESIGN §7): its text never reaches the model. Only a verified
  // server shows observed text; otherwise the approved snapshot is shown and calls are denied.
  if (risk === undefined || record?.status !== 'verified') return items;
  const keyField = SECTION_KEY[section];
  const kind = SECTION_KIND[section];
  return items.filter((item) => {
    const key = item[keyField];
    if (typeof key !== 'string') return true;
    const ref = `${kind}:${key}`;
    return !Object.hasOwn(risk, ref) || risk[ref]?.mode !== 'block';
  });
}

const SECTION_KIND: Readonly<Record<Section, string>> = {
  tools: 'tool',
  prompts: 'prompt',
  resources: 'resource',
  resourceTemplates: 'resourceTemplate',
};

function sectionItems(
  record: ServerRecord | undefined,
  observation: Observation,
  section: Section,
): JsonObject[] {
  const baseline = record?.baseline;
  if (baseline === undefined || baseline === null) return [];
  const approvedDigests = baseline.digests[section];
  const observed = observation.surface[section];
  if (record?.status === 'verified') {
    const items: JsonObject[] = [];
    for (const key of Object.keys(observed)) {
      if (!Object.hasOwn(approvedDigests, key)) continue;
      const same = digestEquals(
        approvedDigests[key] ?? '',
        observation.digests[section][key] ?? '',
      );
      const item = same ? observed[key] : baseline.surface[section][key];
      if (item !== undefined) items.push(item);
    }
    return items;
  }
  const profileKeys = Object.hasOwn(baseline.profiles, observation.profile)
    ? baseline.profiles[observation.profile]?.[section]
    : undefined;
  const visible = new Set(profileKeys ?? Object.keys(observed));
  return Object.keys(baseline.surface[section])
    .filter((key) => visible.has(key))
    .map((key) => baseline.surface[section][key])
    .filter((item): item is JsonObject => item !== undefined);
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
  options: { name: string; trustOnFirstUse: boolean; serverMode: RiskMode },
): JsonObject {
  const view = initializeView(result, serverItemDigest, record, options);
  // Received instructions the risk engine did not allow never reach the model (DESIGN §7);
  // approved instructions substituted for changed ones are shown as approved.
  const isReceived = view['instructions'] === result['instructions'];
  if (options.serverMode === 'allow' || view['instructions'] === undefined || !isReceived) {
    return view;
  }
  const { instructions: _withheld, ...rest } = view;
  return rest;
}

function initializeView(
  result: JsonObject,
  serverItemDigest: string,
  record: ServerRecord | undefined,
  options: { name: string; trustOnFirstUse: boolean },
): JsonObject {
  if (record === undefined && options.trustOnFirstUse) return result;
  const baseline = record?.baseline ?? null;
  if (baseline === null) {
    const { instructions: _hidden, ...rest } = result;
    return { ...rest, serverInfo: neutralServerInfo(options.name) };
  }
  if (digestEquals(baseline.digests.server, serverItemDigest)) return result;
  const { instructions: _hidden, ...rest } = result;
  const approved = baseline.surface.server;
  const substituted: JsonObject = { ...rest };
  // Never fall back to the received serverInfo: its name, title and description are server text.
  substituted['serverInfo'] = approved['serverInfo'] ?? neutralServerInfo(options.name);
  if (approved['capabilities'] !== undefined)
    substituted['capabilities'] = approved['capabilities'];
  if (approved['instructions'] !== undefined)
    substituted['instructions'] = approved['instructions'];
  return substituted;
}

/** The serverInfo shown while nothing about the server item is approved. */
function neutralServerInfo(name: string): JsonObject {
  return { name, version: '0.0.0-pending-approval' };
}
