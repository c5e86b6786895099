/**
 * The policy half of I2 (DESIGN §6): after the pinning checks allowed a request, the rules decide
 * what happens to it. Shadow mode evaluates and records, and forwards as if allowed; it never
 * relaxes a pinning denial, quarantine or block (those are decided before this runs).
 */
import type { CompiledPolicy, PolicyDecision } from '../policy/index.js';
import { applyRedactions, evaluatePolicy } from '../policy/index.js';
import { isJsonObject } from '../surface/snapshot.js';
import type { JsonObject, JsonValue } from '../surface/types.js';

/** What to do with a request the pinning checks allowed. */
export type PolicyAction =
  /** Forward it; `params` replaces the request's params when values were redacted. */
  | { kind: 'forward'; params: JsonObject | undefined }
  | { kind: 'deny'; reason: string }
  | { kind: 'hold' };

/** The rules' verdict on one request and what it means here. */
export interface PolicyOutcome {
  decision: PolicyDecision;
  action: PolicyAction;
}

/** The request as the rules see it. */
export interface PolicyTarget {
  server: string;
  method: string;
  params: JsonObject;
  /** The approved definition digest of the tool or prompt, when there is one. */
  definitionDigest: string | null;
}

/**
 * Evaluates `policy` for one request. The arguments the rules match are `arguments` for
 * `tools/call` and `prompts/get`, `{ uri }` for `resources/read`, and the params otherwise;
 * `sanitize` redacts the matched values in exactly that part of the request.
 */
export function decidePolicy(policy: CompiledPolicy, target: PolicyTarget): PolicyOutcome {
  const { params, method } = target;
  const part = argumentsOf(method, params);
  const decision = evaluatePolicy(policy, {
    server: target.server,
    method,
    name: nameOf(method, params),
    args: part,
    definitionDigest: target.definitionDigest,
  });
  if (!decision.enforced) return { decision, action: { kind: 'forward', params: undefined } };
  switch (decision.verdict) {
    case 'allow':
    case 'audit':
      return { decision, action: { kind: 'forward', params: undefined } };
    case 'deny':
      return { decision, action: { kind: 'deny', reason: decision.reason } };
    case 'pending_approval':
      return { decision, action: { kind: 'hold' } };
    case 'sanitize': {
      const redacted = applyRedactions(part, decision.redactions);
      return {
        decision,
        action: { kind: 'forward', params: withArguments(method, params, redacted) },
      };
    }
  }
}

function nameOf(method: string, params: JsonObject): string | undefined {
  const key = method === 'resources/read' ? 'uri' : 'name';
  const value = params[key];
  return method === 'tools/call' || method === 'prompts/get' || method === 'resources/read'
    ? typeof value === 'string'
      ? value
      : undefined
    : undefined;
}

function argumentsOf(method: string, params: JsonObject): JsonValue {
  if (method === 'tools/call' || method === 'prompts/get') {
    const args = params['arguments'];
    return isJsonObject(args) ? args : {};
  }
  if (method === 'resources/read') return { uri: params['uri'] ?? null };
  return params;
}

function withArguments(method: string, params: JsonObject, redacted: JsonValue): JsonObject {
  if (method === 'tools/call' || method === 'prompts/get')
    return { ...params, arguments: redacted };
  if (method === 'resources/read' && isJsonObject(redacted)) {
    return { ...params, uri: redacted['uri'] ?? null };
  }
  return isJsonObject(redacted) ? redacted : params;
}
