/**
 * Types of the per-call policy (DESIGN §6): what a compiled policy holds, what the gateway asks
 * about a request, and the decision it gets back. Compilation lives in parse-policy.ts, evaluation
 * in evaluate.ts.
 */
import type { JsonValue } from '../surface/types.js';
import type { CompiledEgress } from './egress.js';
import type { Glob } from './glob.js';
import type { JsonPath } from './jsonpath.js';
import type { NodeTest, Operator } from './operators.js';

/** What happens to a call. `sanitize` redacts the matched argument values before forwarding. */
export type Verdict = 'allow' | 'audit' | 'sanitize' | 'deny' | 'pending_approval';

/** Every verdict, in the order the documentation lists them. */
export const VERDICTS = ['allow', 'audit', 'sanitize', 'deny', 'pending_approval'] as const;

/** `enforce` applies decisions; `shadow` evaluates and audits them without enforcing. */
export type PolicyMode = 'enforce' | 'shadow';

/** Work bounds for one evaluation; exceeding any of them denies the call (fail closed). */
export interface PolicyLimits {
  /** Most JSON values (objects, arrays and scalars, counted once each) in the arguments. */
  readonly maxArgumentNodes: number;
  /** Deepest nesting of the arguments (the top-level value is depth 1). */
  readonly maxArgumentDepth: number;
  /** Most nodes one JSONPath selection may visit (`$..a..b` revisits subtrees). */
  readonly maxSelectVisits: number;
  /** Most UTF-16 code units the egress scanner reads, decoded variants included. */
  readonly maxScanChars: number;
  /** Most distinct hosts the egress scanner collects before giving up. */
  readonly maxHosts: number;
}

/** One `args_match` condition, compiled. */
export interface CompiledCondition {
  /** The JSONPath text as written, for explanations. */
  readonly pathText: string;
  readonly path: JsonPath;
  readonly op: Operator;
  /** Whether a selected node satisfies the operator. */
  readonly test: NodeTest;
  /** `not: true`: the condition holds when no selected node satisfies the operator. */
  readonly isNegated: boolean;
}

/** The request-shape part of a rule (`match`), compiled. Absent keys match anything. */
export interface CompiledMatch {
  readonly server: Glob | undefined;
  readonly tool: Glob | undefined;
  readonly prompt: Glob | undefined;
  readonly resource: Glob | undefined;
  readonly method: Glob | undefined;
}

/** One rule, compiled; `index` is its position in the file (ties in priority keep file order). */
export interface CompiledRule {
  readonly id: string;
  readonly index: number;
  readonly priority: number;
  readonly match: CompiledMatch;
  readonly conditions: readonly CompiledCondition[];
  readonly verdict: Verdict;
  readonly reason: string;
  /** When set, the rule applies only while the item's pinned definition digest is this. */
  readonly definition: string | undefined;
}

/** A validated, compiled policy: rules sorted by priority (highest first, then file order). */
export interface CompiledPolicy {
  readonly mode: PolicyMode;
  readonly defaultVerdict: Verdict;
  readonly rules: readonly CompiledRule[];
  readonly egress: CompiledEgress;
  readonly limits: PolicyLimits;
}

/** What the gateway asks the policy about one request. */
export interface PolicyRequest {
  /** The configured server name. */
  readonly server: string;
  /** The JSON-RPC method: `tools/call`, `prompts/get`, `resources/read` or a server→client one. */
  readonly method: string;
  /** Tool or prompt name, resource URI; undefined for other methods. */
  readonly name: string | undefined;
  /** Tool/prompt arguments, `{ uri }` for resources/read, params for server requests. */
  readonly args: JsonValue;
  /** The pinned definition digest of the tool/prompt/resource, when there is one. */
  readonly definitionDigest: string | null;
}

/**
 * The policy's answer. `ruleId` names the deciding rule, or `egress` (a host in the arguments is
 * not allowed), `limits` (the arguments were too large to evaluate; fail closed) or `default`.
 */
export interface PolicyDecision {
  readonly verdict: Verdict;
  readonly ruleId: string;
  /** Safe to show the agent (`holdfast deny: <reason>`): written by the operator, or fixed text. */
  readonly reason: string;
  /** Locations in `args` to redact when the verdict is `sanitize`; empty otherwise. */
  readonly redactions: readonly (readonly (string | number)[])[];
  /** False in shadow mode: the gateway records the decision and forwards anyway. */
  readonly enforced: boolean;
}

/** Rule id used for decisions made by the egress check. */
export const EGRESS_RULE_ID = 'egress';
/** Rule id used when the arguments exceed the evaluation limits. */
export const LIMITS_RULE_ID = 'limits';
/** Rule id used when a tool's risk quarantine holds a call the rules would have let through. */
export const RISK_RULE_ID = 'risk';
/** Rule id used when no rule matched. */
export const DEFAULT_RULE_ID = 'default';
