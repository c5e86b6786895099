import { isJsonObject } from '../../surface/snapshot.js';
import type { JsonObject } from '../../surface/types.js';

/** One member's answer to the client's `initialize`. */
export interface MemberInitialize {
  member: string;
  result: JsonObject;
  /** The version it answered with (a member that named none was left out). */
  protocolVersion: string;
}

/** What the aggregated endpoint calls itself. */
export interface AggregateServerInfo {
  name: string;
  version: string;
}

/** The endpoint's initialize result and the protocol version it names. */
export interface MergedInitialize {
  result: JsonObject;
  protocolVersion: string;
}

/** Capabilities whose presence is all that matters; their contents are not merged. */
const PLAIN_CAPABILITIES = ['logging', 'completions'] as const;
/** Capabilities that may declare `listChanged` (and, for resources, `subscribe`). */
export const LIST_CAPABILITIES = ['tools', 'prompts', 'resources'] as const;

/**
 * The `initialize` result of an aggregated endpoint, from the members that answered. Only what the
 * aggregator can route is declared: other capabilities (experimental, tasks) are left out, since
 * no request of theirs could reach the right member.
 */
export function mergeInitialize(
  requestedVersion: unknown,
  answers: readonly MemberInitialize[],
  serverInfo: AggregateServerInfo,
): MergedInitialize {
  const protocolVersion = toProtocolVersion(requestedVersion, answers);
  const result: JsonObject = {
    protocolVersion,
    capabilities: toCapabilities(answers),
    serverInfo: { name: serverInfo.name, version: serverInfo.version },
  };
  const instructions = toInstructions(answers);
  if (instructions !== undefined) result['instructions'] = instructions;
  return { result, protocolVersion };
}

/**
 * The client's version when every member agreed to it, else the lowest any member returned:
 * versions are ISO dates, so the lowest is the oldest, the one the client must then speak.
 */
function toProtocolVersion(requested: unknown, answers: readonly MemberInitialize[]): string {
  const versions = answers.map((answer) => answer.protocolVersion);
  if (typeof requested === 'string' && versions.every((version) => version === requested)) {
    return requested;
  }
  const [first, ...rest] = versions;
  if (first === undefined) return typeof requested === 'string' ? requested : '';
  return rest.reduce((lowest, version) => (version < lowest ? version : lowest), first);
}

function toCapabilities(answers: readonly MemberInitialize[]): JsonObject {
  const merged: JsonObject = {};
  for (const { result } of answers) {
    const declared = isJsonObject(result['capabilities']) ? result['capabilities'] : {};
    for (const key of PLAIN_CAPABILITIES) {
      if (isJsonObject(declared[key])) merged[key] = {};
    }
    for (const key of LIST_CAPABILITIES) {
      const own = declared[key];
      if (!isJsonObject(own)) continue;
      const into = isJsonObject(merged[key]) ? merged[key] : {};
      if (own['listChanged'] === true) into['listChanged'] = true;
      if (key === 'resources' && own['subscribe'] === true) into['subscribe'] = true;
      merged[key] = into;
    }
  }
  return merged;
}

/** Each member's instructions under its own heading, so the model knows which server says what. */
function toInstructions(answers: readonly MemberInitialize[]): string | undefined {
  const parts = answers.flatMap(({ member, result }) => {
    const text = result['instructions'];
    return typeof text === 'string' && text.trim() !== '' ? [`## ${member}\n${text}`] : [];
  });
  return parts.length === 0 ? undefined : parts.join('\n\n');
}
