/**
 * The audit entries the gateway writes per request (docs/audit-log.md §1): a decision before
 * anything is forwarded or refused, and the result before it reaches the client (I4). Arguments and
 * results appear only as salted digests. The salt is stored beside the entry (deleting it makes
 * the digest unlinkable); the raw value is kept in the redactable payload table only when
 * `audit.keep_payloads` is on.
 */
import type { AuditEvent, AuditPayload, AuditValue } from '../audit/entry.js';
import { createSalt, saltedDigest, toAuditLabel } from '../audit/entry.js';
import { EGRESS_RULE_ID } from '../policy/index.js';
import type { Anomaly } from '../store/ports.js';
import { canonicalize } from '../surface/jcs.js';
import type { JsonValue } from '../surface/types.js';
import type { RequestId } from './wire.js';

/** Who, where and when: fields every request entry carries. */
export interface RequestContext {
  at: number;
  server: string;
  session: string;
  id: RequestId;
  method: string;
  keepPayloads: boolean;
}

/** A decision: `allow`, `hold` (waiting for a human), or a denial with its stable code. */
export type Decision = { kind: 'allow' } | { kind: 'hold' } | { kind: 'deny'; code: string };

/** What the policy said about a request, recorded with its decision. */
export interface PolicyNote {
  policy: { verdict: string; ruleId: string; reason: string; enforced: boolean } | undefined;
  holdId: string | undefined;
}

/** Digests of the definition a call was checked against (`null` where there is none). */
export interface DefinitionDigests {
  approved: string | null;
  executed: string | null;
}

/**
 * The decision entry: `call` for `tools/call` (the tool, its definition digests at approval and at
 * execution, and a salted digest of the arguments), `request` for any other client request (a
 * salted digest of its params).
 * @throws when the parameters cannot be canonicalized (the caller fails closed).
 */
export function toDecisionEvent(
  ctx: RequestContext,
  params: JsonValue,
  decision: Decision,
  tool?: { name: unknown; definition: DefinitionDigests },
  note: PolicyNote = { policy: undefined, holdId: undefined },
): AuditEvent {
  const { payload, digest } = digestPayload(params, ctx.keepPayloads);
  const data: Record<string, AuditValue> = {
    ...identify(ctx),
    verdict: decision.kind,
    code: decision.kind === 'deny' ? decision.code : null,
    [tool === undefined ? 'params' : 'args']: digest,
  };
  addPolicyNote(data, note);
  if (tool !== undefined) {
    data['tool'] = toAuditLabel(tool.name);
    data['approved'] = tool.definition.approved;
    data['executed'] = tool.definition.executed;
  }
  return {
    at: ctx.at,
    server: ctx.server,
    kind: tool === undefined ? 'request' : 'call',
    data,
    payload,
  };
}

/**
 * The result entry for the request recorded at index `decision`: a salted digest of the result (or
 * error) the server returned, whether it was an error, and how long the server took.
 */
export function toResultEvent(
  ctx: RequestContext,
  decision: number,
  outcome: { result: JsonValue; isError: boolean; durationUs: number; withheld?: boolean },
): AuditEvent {
  const { payload, digest } = digestPayload(outcome.result, ctx.keepPayloads);
  return {
    at: ctx.at,
    server: ctx.server,
    kind: 'result',
    data: {
      ...identify(ctx),
      decision,
      result: digest,
      error: outcome.isError,
      duration_us: Math.max(0, Math.round(outcome.durationUs)),
      ...(outcome.withheld === true ? { withheld: true } : {}),
    },
    payload,
  };
}

/** A server→client request (sampling, elicitation, roots) and whether it was relayed. */
export function toServerRequestEvent(
  ctx: RequestContext,
  decision: Decision,
  note: PolicyNote = { policy: undefined, holdId: undefined },
): AuditEvent {
  const data: Record<string, AuditValue> = {
    ...identify(ctx),
    verdict: decision.kind,
    code: decision.kind === 'deny' ? decision.code : null,
  };
  addPolicyNote(data, note);
  return { at: ctx.at, server: ctx.server, kind: 'server-request', data };
}

/** The rules' verdict, enforced or (shadow mode) only recorded, the deciding rule, and the hold. */
function addPolicyNote(data: Record<string, AuditValue>, note: PolicyNote): void {
  if (note.policy !== undefined) {
    data['policy'] = note.policy.verdict;
    data['rule'] = note.policy.ruleId;
    data['enforced'] = note.policy.enforced;
    // A rule's reason is configured text; egress reasons name a host from the arguments, which
    // may itself carry data (DNS exfiltration), so they are not copied into the log.
    data['reason'] = note.policy.ruleId === EGRESS_RULE_ID ? null : note.policy.reason;
  }
  if (note.holdId !== undefined) data['hold'] = note.holdId;
}

function identify(ctx: RequestContext): Record<string, AuditValue> {
  return { session: ctx.session, id: toAuditLabel(ctx.id), method: toAuditLabel(ctx.method) };
}

function digestPayload(value: JsonValue, keep: boolean): { payload: AuditPayload; digest: string } {
  const salt = createSalt();
  const canonical = canonicalize(value);
  return {
    payload: { salt, body: keep ? canonical : null },
    digest: saltedDigest(salt, canonical),
  };
}

/** The entry of a behaviour anomaly: ids, kinds and the action; never the result's text. */
export function toAnomalyEvent(anomaly: Anomaly, ruleId: string | null): AuditEvent {
  return {
    at: anomaly.at,
    server: anomaly.server,
    kind: 'anomaly',
    data: {
      id: anomaly.id,
      session: anomaly.session,
      tool: toAuditLabel(anomaly.tool),
      anomaly: anomaly.kind,
      action: anomaly.action,
      rule: ruleId,
    },
  };
}
