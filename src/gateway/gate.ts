import type { ArgumentValidator } from '../pinning/arguments.js';
import type { Observation, ServerRecord } from '../pinning/types.js';
import { digestEquals } from '../surface/digest.js';
import type { JsonObject } from '../surface/types.js';

/** Why a call was refused; `code` is stable (docs/errors.md), `message` is safe to show the agent. */
export type CallVerdict =
  { kind: 'allow'; definitionDigest: string } | { kind: 'deny'; code: DenyCode; message: string };

/** Stable denial codes. */
export type DenyCode =
  | 'SERVER_UNKNOWN'
  | 'SERVER_PENDING'
  | 'SERVER_CHANGED'
  | 'SERVER_QUARANTINED'
  | 'SERVER_UNVERIFIED'
  | 'TOOL_NOT_APPROVED'
  | 'TOOL_NOT_LISTED'
  | 'TOOL_DEFINITION_CHANGED'
  | 'ARGUMENTS_INVALID'
  | 'STORE_UNAVAILABLE';

/** What the call gate needs to decide. */
export interface GateInput {
  name: string;
  record: ServerRecord | undefined;
  observation: Observation | undefined;
  toolName: unknown;
  args: unknown;
}

/**
 * The pinning half of I2: a `tools/call` passes only if the server is verified, the tool is in the
 * approved set, the definition in force hashes to the approved digest, and the arguments validate
 * against the pinned inputSchema. Messages never echo server-authored text.
 */
export function decideCall(input: GateInput, validator: ArgumentValidator): CallVerdict {
  const { name, record, observation } = input;
  const review = `Review with: holdfast diff ${name}`;
  if (record === undefined)
    return deny('SERVER_UNKNOWN', `server "${name}" has not been probed yet`);
  switch (record.status) {
    case 'pending':
      return deny(
        'SERVER_PENDING',
        `server "${name}" is waiting for a human to approve it. ${review}, then holdfast approve ${name} --digest <digest>`,
      );
    case 'changed':
      return deny(
        'SERVER_CHANGED',
        `server "${name}" changed since it was approved; its tools are held until a human reviews the change. ${review}`,
      );
    case 'quarantined':
      return deny(
        'SERVER_QUARANTINED',
        `server "${name}" is quarantined; only an approval restores it. ${review}`,
      );
    case 'verified':
      break;
  }
  const baseline = record.baseline;
  if (baseline === null || observation === undefined) {
    return deny('SERVER_UNVERIFIED', `server "${name}" could not be verified in this session`);
  }
  const toolName = input.toolName;
  if (typeof toolName !== 'string' || !Object.hasOwn(baseline.digests.tools, toolName)) {
    return deny('TOOL_NOT_APPROVED', `this tool is not in the approved set of server "${name}"`);
  }
  if (!Object.hasOwn(observation.digests.tools, toolName)) {
    return deny('TOOL_NOT_LISTED', `server "${name}" no longer lists this tool`);
  }
  const approved = baseline.digests.tools[toolName] ?? '';
  if (!digestEquals(approved, observation.digests.tools[toolName] ?? '')) {
    return deny(
      'TOOL_DEFINITION_CHANGED',
      `this tool's definition changed since it was approved. ${review}`,
    );
  }
  const tool: JsonObject | undefined = baseline.surface.tools[toolName];
  const verdict = validator.validate(
    approved,
    tool?.['inputSchema'],
    input.args as JsonObject | undefined,
  );
  if (verdict.kind === 'invalid') {
    return deny(
      'ARGUMENTS_INVALID',
      `arguments rejected: ${verdict.problems.slice(0, 5).join('; ')}`,
    );
  }
  return { kind: 'allow', definitionDigest: approved };
}

function deny(code: DenyCode, message: string): CallVerdict {
  return { kind: 'deny', code, message };
}

/** The MCP tool result a denied call gets: `isError: true`, so the agent can adapt (DESIGN §6). */
export function toDeniedToolResult(verdict: { code: DenyCode; message: string }): JsonObject {
  return {
    content: [{ type: 'text', text: `holdfast deny: ${verdict.message}` }],
    isError: true,
    _meta: { 'holdfast/deny': { code: verdict.code } },
  };
}
