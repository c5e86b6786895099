/** Per-call policy (DESIGN §6): the folder's public door. */
export type { CompiledEgress, EgressCheck, EgressEntry } from './egress.js';
export { checkEgress, parseEgressEntry } from './egress.js';
export { DEFAULT_REASON, evaluatePolicy } from './evaluate.js';
export type { PolicyExplanation, RuleTrace } from './explain.js';
export { explainPolicy } from './explain.js';
export type { Glob, GlobFlavor } from './glob.js';
export { parseGlob } from './glob.js';
export type { FoundHost, HostScan } from './host-scan.js';
export { findHosts } from './host-scan.js';
export type {
  JsonLocation,
  JsonNode,
  JsonPath,
  JsonPathSegment,
  JsonPathSelector,
  NodeSelection,
} from './jsonpath.js';
export { parseJsonPath, selectNodes } from './jsonpath.js';
export { DEFAULT_POLICY_LIMITS, TOO_LARGE_REASON } from './limits.js';
export type { MissedPart } from './match-rule.js';
export type { NodeTest, Operator } from './operators.js';
export { createOperatorTest, OPERATORS } from './operators.js';
export type { CompilePolicyOptions, PolicyConfig } from './parse-policy.js';
export { compilePolicy, POLICY_CONFIG_SHAPE, PolicyConfigSchema } from './parse-policy.js';
export type {
  CompiledPolicy,
  CompiledRule,
  PolicyDecision,
  PolicyLimits,
  PolicyMode,
  PolicyRequest,
  Verdict,
} from './rule.js';
export { DEFAULT_RULE_ID, EGRESS_RULE_ID, LIMITS_RULE_ID, RISK_RULE_ID, VERDICTS } from './rule.js';
export { applyRedactions, REDACTED } from './sanitize.js';
