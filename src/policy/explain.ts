/**
 * `holdfast policy test`: the decision for a request plus why each rule before the deciding one did
 * not match. Uses the same matching code as evaluate.ts, so the explanation cannot disagree with
 * the gateway.
 */
import type { EgressCheck } from './egress.js';
import {
  checkRequestEgress,
  toDefaultDecision,
  toEgressDecision,
  toRuleDecision,
} from './evaluate.js';
import type { MissedPart } from './match-rule.js';
import { matchRule, RequestView } from './match-rule.js';
import type { CompiledPolicy, PolicyDecision, PolicyRequest } from './rule.js';

/** One rule's result, in evaluation order. */
export type RuleTrace =
  | { readonly ruleId: string; readonly isMatch: true }
  | { readonly ruleId: string; readonly isMatch: false; readonly missed: MissedPart }
  | {
      readonly ruleId: string;
      readonly isMatch: false;
      readonly missed: 'args_match';
      /** Index of the first condition that did not hold, as written in the rule. */
      readonly condition: number;
      /** The condition's JSONPath and operator, e.g. `$.url regex` or `$.url not cidr_match`. */
      readonly detail: string;
    }
  | { readonly ruleId: string; readonly isMatch: false; readonly missed: 'limits' };

/** A decision with its reasons. */
export interface PolicyExplanation {
  readonly decision: PolicyDecision;
  /** The egress check (`ok` when no egress entries are configured). */
  readonly egress: EgressCheck;
  /** Rules tried, in priority order, up to and including the deciding one. */
  readonly rules: readonly RuleTrace[];
}

/** Evaluates `request` like evaluatePolicy and reports each rule tried (stops at the first match). */
export function explainPolicy(policy: CompiledPolicy, request: PolicyRequest): PolicyExplanation {
  const view = new RequestView(request, policy.limits);
  const egress = checkRequestEgress(policy, view);
  const egressDecision = toEgressDecision(policy, egress);
  if (egressDecision !== undefined) return { decision: egressDecision, egress, rules: [] };
  const rules: RuleTrace[] = [];
  for (const rule of policy.rules) {
    const outcome = matchRule(rule, view);
    const ruleId = rule.id;
    switch (outcome.kind) {
      case 'match':
        rules.push({ ruleId, isMatch: true });
        break;
      case 'miss':
        rules.push({ ruleId, isMatch: false, missed: outcome.part });
        break;
      case 'too-large':
        rules.push({ ruleId, isMatch: false, missed: 'limits' });
        break;
      case 'condition-failed': {
        const { index, condition: c } = outcome;
        const detail = `${c.pathText} ${c.isNegated ? 'not ' : ''}${c.op}`;
        rules.push({ ruleId, isMatch: false, missed: 'args_match', condition: index, detail });
        break;
      }
    }
    const decision = toRuleDecision(policy, rule, outcome);
    if (decision !== undefined) return { decision, egress, rules };
  }
  return { decision: toDefaultDecision(policy), egress, rules };
}
