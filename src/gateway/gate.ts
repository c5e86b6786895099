import type { ArgumentValidator } from '../pinning/arguments.js';
import type { Observation, ServerRecord } from '../pinning/types.js';
import { digestEquals } from '../surface/digest.js';
import { isJsonObject } from '../surface/snapshot.js';
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
  | 'STORE_UNAVAILABLE'
  | 'AUDIT_UNAVAILABLE'
  | 'POLICY_DENIED'
  | 'POLICY_UNAVAILABLE'
  | 'HOLD_DENIED'
  | 'HOLD_EXPIRED'
  | 'HOLD_STALE'
  | 'HOLD_UNAVAILABLE'
  | 'RISK_BLOCKED'
  | 'RISK_UNASSESSED';

/** What the call gate needs to decide. */
export interface GateInput {
  name: string;
  record: ServerRecord | undefined;
  observation: Observation | undefined;
  toolName: unknown;
  args: unknown;
}

/** A denial: why, with a stable code and a message safe to show the agent. */
export type Denial = Extract<CallVerdict, { kind: 'deny' }>;

/**
 * The status half of I2, for every gated request: only a `verified` server passes. Returns the
 * denial, or undefined when the server is verified.
 */
export function decideServer(name: string, record: ServerRecord | undefined): Denial | undefined {
  const review = `Review with: holdfast diff ${name}`;
  switch (record?.status) {
    case undefined:
      return deny('SERVER_UNKNOWN', `server "${name}" has not been probed yet`);
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
      return undefined;
  }
}

/** The codes an item check denies with, per kind of item. */
const ITEM_DENIALS = {
  tools: {
    noun: 'tool',
    notApproved: 'TOOL_NOT_APPROVED',
    notListed: 'TOOL_NOT_LISTED',
    changed: 'TOOL_DEFINITION_CHANGED',
  },
  prompts: {
    noun: 'prompt',
    notApproved: 'PROMPT_NOT_APPROVED',
    notListed: 'PROMPT_DEFINITION_CHANGED',
    changed: 'PROMPT_DEFINITION_CHANGED',
  },
} as const;

/**
 * The item half of I2, shared by `tools/call` and `prompts/get`: the server is verified, the named
 * item is in the approved set, this session still sees it, and the definition in force hashes to
 * the approved digest. Returns the approved item and its digest, or the denial.
 */
function decideItem(
  name: string,
  record: ServerRecord | undefined,
  observation: Observation | undefined,
  section: keyof typeof ITEM_DENIALS,
  itemName: unknown,
): Denial | { kind: 'allow'; digest: string; item: JsonObject | undefined } {
  const statusDenial = decideServer(name, record);
  if (statusDenial !== undefined) return statusDenial;
  const baseline = record?.baseline ?? null;
  if (baseline === null || observation === undefined) {
    return deny('SERVER_UNVERIFIED', `server "${name}" could not be verified in this session`);
  }
  const codes = ITEM_DENIALS[section];
  if (typeof itemName !== 'string' || !Object.hasOwn(baseline.digests[section], itemName)) {
    return deny(
      codes.notApproved,
      `this ${codes.noun} is not in the approved set of server "${name}"`,
    );
  }
  if (!Object.hasOwn(observation.digests[section], itemName)) {
    return deny(codes.notListed, `server "${name}" no longer lists this ${codes.noun}`);
  }
  const approved = baseline.digests[section][itemName] ?? '';
  if (!digestEquals(approved, observation.digests[section][itemName] ?? '')) {
    return deny(
      codes.changed,
      `this ${codes.noun}'s definition changed since it was approved. Review with: holdfast diff ${name}`,
    );
  }
  return { kind: 'allow', digest: approved, item: baseline.surface[section][itemName] };
}

/**
 * The pinning half of I2 for `tools/call`: the item checks above, then the arguments validate
 * against the pinned inputSchema. Messages never echo server-authored text.
 */
export function decideCall(input: GateInput, validator: ArgumentValidator): CallVerdict {
  const decided = decideItem(input.name, input.record, input.observation, 'tools', input.toolName);
  if (decided.kind === 'deny') return decided;
  const verdict = validator.validate(
    decided.digest,
    decided.item?.['inputSchema'],
    input.args as JsonObject | undefined,
  );
  if (verdict.kind === 'invalid') {
    return deny(
      'ARGUMENTS_INVALID',
      `arguments rejected: ${verdict.problems.slice(0, 5).join('; ')}`,
    );
  }
  return { kind: 'allow', definitionDigest: decided.digest };
}

function deny(code: DenyCode, message: string): Denial {
  return { kind: 'deny', code, message };
}

/**
 * The pinning gate for `prompts/get`: the item checks above, then the arguments must be declared
 * by the approved prompt (unless unknown arguments are allowed), with every required one present.
 */
export function decidePromptGet(
  name: string,
  record: ServerRecord | undefined,
  observation: Observation | undefined,
  params: JsonObject,
  allowUnknownArguments: boolean,
): CallVerdict {
  const decided = decideItem(name, record, observation, 'prompts', params['name']);
  if (decided.kind === 'deny') return decided;
  const declared = decided.item?.['arguments'];
  const specs = Array.isArray(declared) ? declared.filter(isJsonObject) : [];
  const given = params['arguments'];
  const args = isJsonObject(given) ? given : {};
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
  return { kind: 'allow', definitionDigest: decided.digest };
}

/** The MCP tool result a denied call gets: `isError: true`, so the agent can adapt (DESIGN §6). */
export function toDeniedToolResult(verdict: {
  /** A DenyCode, or the aggregator's routing refusal (`UNKNOWN_TOOL`, `MEMBER_UNAVAILABLE`). */
  code: string;
  message: string;
  ruleId?: string | null;
}): JsonObject {
  const deny: JsonObject = { code: verdict.code };
  if (typeof verdict.ruleId === 'string') deny['ruleId'] = verdict.ruleId;
  return {
    content: [{ type: 'text', text: `holdfast deny: ${verdict.message}` }],
    isError: true,
    _meta: { 'holdfast/deny': deny },
  };
}
