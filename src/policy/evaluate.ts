/**
 * Per-call policy evaluation (DESIGN §6), evaluated fresh for every request:
 * 1. egress: if `egress` has entries, every host found in the arguments is checked first; a
 *    violation is `deny` with rule id `egress`, whatever the rules say;
 * 2. rules, highest priority first (ties in file order): the first rule that matches decides;
 * 3. otherwise `default_verdict`, rule id `default`.
 * Fail closed: arguments beyond the limits (limits.ts), looked at by egress or by a rule whose
 * request part matched, give `deny` with rule id `limits`. Shadow mode makes the same decision
 * with `enforced: false`; the gateway records it and forwards.
 */
import type { EgressCheck } from './egress.js';
import { checkEgress, isEgressEmpty } from './egress.js';
import { TOO_LARGE_REASON } from './limits.js';
import type { RuleOutcome } from './match-rule.js';
import { matchRule, RequestView } from './match-rule.js';
import type {
  CompiledPolicy,
  CompiledRule,
  PolicyDecision,
  PolicyRequest,
  Verdict,
} from './rule.js';
import { DEFAULT_RULE_ID, EGRESS_RULE_ID, LIMITS_RULE_ID } from './rule.js';

/** Reason given when no rule matched. */
export const DEFAULT_REASON = 'no policy rule matched';

function decide(
  policy: CompiledPolicy,
  verdict: Verdict,
  ruleId: string,
  reason: string,
  redactions: PolicyDecision['redactions'] = [],
): PolicyDecision {
  return { verdict, ruleId, reason, redactions, enforced: policy.mode === 'enforce' };
}

/** The decision for an egress check that did not pass, or undefined when it passed. */
export function toEgressDecision(
  policy: CompiledPolicy,
  check: EgressCheck,
): PolicyDecision | undefined {
  switch (check.kind) {
    case 'ok':
      return undefined;
    case 'too-large':
      return decide(policy, 'deny', LIMITS_RULE_ID, TOO_LARGE_REASON);
    case 'denied': {
      const why =
        check.list === 'deny'
          ? `matches egress deny entry ${check.rule}`
          : 'is not in egress.allow';
      return decide(policy, 'deny', EGRESS_RULE_ID, `egress to ${check.host} ${why}`);
    }
  }
}

/** The egress check of a request, with the argument limits applied first. */
export function checkRequestEgress(policy: CompiledPolicy, view: RequestView): EgressCheck {
  if (isEgressEmpty(policy.egress)) return { kind: 'ok' };
  if (!view.isArgsWithinLimits) return { kind: 'too-large' };
  return checkEgress(policy.egress, view.request.args, policy.limits);
}

/** The decision a rule outcome produces, or undefined when the rule did not match. */
export function toRuleDecision(
  policy: CompiledPolicy,
  rule: CompiledRule,
  outcome: RuleOutcome,
): PolicyDecision | undefined {
  switch (outcome.kind) {
    case 'miss':
    case 'condition-failed':
      return undefined;
    case 'too-large':
      return decide(policy, 'deny', LIMITS_RULE_ID, TOO_LARGE_REASON);
    case 'match':
      return decide(
        policy,
        rule.verdict,
        rule.id,
        rule.reason,
        rule.verdict === 'sanitize' ? outcome.redactions : [],
      );
  }
}

/** The decision when no rule matched. */
export function toDefaultDecision(policy: CompiledPolicy): PolicyDecision {
  return decide(policy, policy.defaultVerdict, DEFAULT_RULE_ID, DEFAULT_REASON);
}

/** Evaluates `request` against `policy` (see the file comment). Never throws on request data. */
export function evaluatePolicy(policy: CompiledPolicy, request: PolicyRequest): PolicyDecision {
  const view = new RequestView(request, policy.limits);
  const egress = toEgressDecision(policy, checkRequestEgress(policy, view));
  if (egress !== undefined) return egress;
  for (const rule of policy.rules) {
    const decision = toRuleDecision(policy, rule, matchRule(rule, view));
    if (decision !== undefined) return decision;
  }
  return toDefaultDecision(policy);
}
