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
  | 'PROMPT_NOT_APPROVED'
  | 'PROMPT_DEFINITION_CHANGED'
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

/**
 * The pinning gate for `prompts/get` on a verified server: the prompt must be approved, its
 * definition in force must hash to the approved digest, and its arguments must be declared by the
 * approved prompt (unless unknown arguments are allowed) with every required one present.
 */
export function decidePromptGet(
  record: ServerRecord,
  observation: Observation | undefined,
  params: JsonObject,
  allowUnknownArguments: boolean,
): CallVerdict {
  const baseline = record.baseline;
  const promptName = params['name'];
  if (baseline === null || observation === undefined) {
    return deny('SERVER_UNVERIFIED', 'the server could not be verified in this session');
  }
  if (typeof promptName !== 'string' || !Object.hasOwn(baseline.digests.prompts, promptName)) {
    return deny('PROMPT_NOT_APPROVED', 'this prompt is not in the approved set');
  }
  const approved = baseline.digests.prompts[promptName] ?? '';
  if (!digestEquals(approved, observation.digests.prompts[promptName] ?? '')) {
    return deny(
      'PROMPT_DEFINITION_CHANGED',
      "this prompt's definition changed since it was approved",
    );
  }
  const declared = baseline.surface.prompts[promptName]?.['arguments'];
  const specs = Array.isArray(declared)
    ? declared.filter(
        (a): a is JsonObject => typeof a === 'object' && a !== null && !Array.isArray(a),
      )
    : [];
  const given = params['arguments'];
  const args = typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {};
  const names = new Set(specs.map((a) => a['name']));
  const unknown = Object.keys(args).filter((key) => !names.has(key));
  if (unknown.length > 0 && !allowUnknownArguments) {
    return deny(
      'ARGUMENTS_INVALID',
      `arguments rejected: ${String(unknown.length)} argument(s) not declared by the approved prompt`,
    );
  }
  const missing = specs.filter(
    (a) =>
      a['required'] === true && typeof a['name'] === 'string' && !Object.hasOwn(args, a['name']),
  );
  if (missing.length > 0) {
    return deny(
      'ARGUMENTS_INVALID',
      `arguments rejected: ${String(missing.length)} required argument(s) missing`,
    );
  }
  return { kind: 'allow', definitionDigest: approved };
}

/** The MCP tool result a denied call gets: `isError: true`, so the agent can adapt (DESIGN §6). */
export function toDeniedToolResult(verdict: { code: DenyCode; message: string }): JsonObject {
  return {
    content: [{ type: 'text', text: `holdfast deny: ${verdict.message}` }],
    isError: true,
    _meta: { 'holdfast/deny': { code: verdict.code } },
  };
}
