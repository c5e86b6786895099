/**
 * The policy part of the configuration file (DESIGN §6) and its compilation.
 *
 * `POLICY_CONFIG_SHAPE` holds the four top-level keys (`mode`, `default_verdict`, `rules`,
 * `egress`) for the configuration schema to spread in; the loader reports zod's own errors.
 * `compilePolicy` then reports every semantic problem at once (globs, JSONPaths, regexes that
 * cannot run in linear time, CIDRs, operator value types, duplicate ids, `sanitize` without
 * anything to redact) as one ConfigError with field paths such as `rules.3.args_match.0.value`.
 */
import { z } from 'zod';

import { ConfigError } from '../shared/errors.js';
import { compileEgress } from './egress.js';
import type { GlobFlavor } from './glob.js';
import { parseGlob } from './glob.js';
import { parseJsonPath } from './jsonpath.js';
import { DEFAULT_POLICY_LIMITS } from './limits.js';
import { createOperatorTest, OPERATORS } from './operators.js';
import type {
  CompiledCondition,
  CompiledMatch,
  CompiledPolicy,
  CompiledRule,
  PolicyLimits,
} from './rule.js';
import { DEFAULT_RULE_ID, EGRESS_RULE_ID, LIMITS_RULE_ID, RISK_RULE_ID, VERDICTS } from './rule.js';

const RULE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const glob = (what: string) => z.string().min(1).max(1024).optional().describe(what);

const MatchSchema = z
  .object({
    server: glob('Server name glob.'),
    tool: glob('Tool name glob; the rule then applies only to tools/call.'),
    prompt: glob('Prompt name glob; the rule then applies only to prompts/get.'),
    resource: glob('Resource URI glob (* stops at /, ** crosses it); only resources/read.'),
    method: glob('JSON-RPC method glob, e.g. tools/call or sampling/*.'),
  })
  .strict();

const ConditionSchema = z
  .object({
    path: z.string().min(1).max(1024).describe('JSONPath (RFC 9535 subset) into the arguments.'),
    op: z.enum(OPERATORS),
    value: z
      .json()
      .describe('Operand: regex → string, in → array, gt/lt → number, cidr_match → CIDR(s).'),
    not: z.boolean().default(false).describe('Negate: holds when no selected value satisfies op.'),
  })
  .strict();

const RuleSchema = z
  .object({
    id: z.string().regex(RULE_ID, 'use 1–64 of A-Z a-z 0-9 . _ -'),
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
    match: MatchSchema.prefault({}),
    args_match: z.array(ConditionSchema).max(64).default([]).describe('All must hold.'),
    verdict: z.enum(VERDICTS),
    reason: z.string().min(1).max(500).optional().describe('Shown to the agent on deny.'),
    definition: z
      .string()
      .regex(DIGEST, 'a digest: sha256: and 64 lowercase hex digits')
      .optional()
      .describe('Apply only while the pinned definition digest is this.'),
  })
  .strict();

/** Rule ids Holdfast uses for its own decisions, so a decision's `ruleId` is never ambiguous. */
const RESERVED_RULE_IDS: ReadonlySet<string> = new Set([
  EGRESS_RULE_ID,
  LIMITS_RULE_ID,
  RISK_RULE_ID,
  DEFAULT_RULE_ID,
]);

/** The policy keys of the configuration file, to spread into the configuration schema. */
export const POLICY_CONFIG_SHAPE = {
  /** `enforce` applies decisions; `shadow` evaluates and records them only. */
  mode: z.enum(['enforce', 'shadow']).default('enforce'),
  /** The verdict when no rule matches (`sanitize` is refused: nothing matched to redact). */
  default_verdict: z.enum(VERDICTS).default('allow'),
  /** Rules, highest priority first; ties keep file order; the first match decides. */
  rules: z.array(RuleSchema).max(10_000).default([]),
  /** Hosts, IP addresses and CIDR ranges the arguments of any call may (not) mention. */
  egress: z
    .object({
      deny: z.array(z.string().min(1).max(1024)).max(10_000).default([]),
      allow: z.array(z.string().min(1).max(1024)).max(10_000).default([]),
    })
    .strict()
    .prefault({}),
};

/** The policy part of the configuration on its own (unknown keys are errors). */
export const PolicyConfigSchema = z.object(POLICY_CONFIG_SHAPE).strict();

/** A validated policy configuration with defaults filled in. */
export type PolicyConfig = z.output<typeof PolicyConfigSchema>;

/** Options for {@link compilePolicy}. */
export interface CompilePolicyOptions {
  /** Overrides of the evaluation bounds (limits.ts). */
  readonly limits?: Partial<PolicyLimits>;
}

type Issues = { path: string; message: string }[];
type RuleConfig = PolicyConfig['rules'][number];

/** Runs `fn`, turning a ConfigError into an issue at `path`; other errors propagate. */
function attempt<T>(issues: Issues, path: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push({ path, message: error.message });
    return undefined;
  }
}

function compileMatch(rule: RuleConfig, at: string, issues: Issues): CompiledMatch {
  const m = rule.match;
  const compile = (key: keyof typeof m, flavor: GlobFlavor) => {
    const pattern = m[key];
    return pattern === undefined
      ? undefined
      : attempt(issues, `${at}.match.${key}`, () => parseGlob(pattern, flavor));
  };
  const targets = (['tool', 'prompt', 'resource'] as const).filter((k) => m[k] !== undefined);
  if (targets.length > 1) {
    issues.push({
      path: `${at}.match`,
      message: `name only one of tool, prompt and resource (got ${targets.join(', ')})`,
    });
  }
  return {
    server: compile('server', 'name'),
    tool: compile('tool', 'name'),
    prompt: compile('prompt', 'name'),
    resource: compile('resource', 'uri'),
    method: compile('method', 'name'),
  };
}

function compileRule(rule: RuleConfig, index: number, issues: Issues): CompiledRule {
  const at = `rules.${index}`;
  const match = compileMatch(rule, at, issues);
  const conditions: CompiledCondition[] = [];
  rule.args_match.forEach((c, k) => {
    const path = attempt(issues, `${at}.args_match.${k}.path`, () => parseJsonPath(c.path));
    const test = attempt(issues, `${at}.args_match.${k}.value`, () =>
      createOperatorTest(c.op, c.value),
    );
    if (path === undefined || test === undefined) return;
    conditions.push({ pathText: c.path, path, op: c.op, test, isNegated: c.not });
  });
  if (rule.verdict === 'sanitize' && !rule.args_match.some((c) => !c.not)) {
    issues.push({
      path: `${at}.verdict`,
      message:
        'sanitize redacts the values its args_match conditions select, so it needs at least ' +
        'one condition without not: true',
    });
  }
  return {
    id: rule.id,
    index,
    priority: rule.priority,
    match,
    conditions,
    verdict: rule.verdict,
    reason: rule.reason ?? `policy rule ${rule.id}`,
    definition: rule.definition,
  };
}

/**
 * Compiles a validated policy configuration. Throws ConfigError `CONFIG_INVALID` listing every
 * problem at once (`issues` carries the field paths); otherwise the rules come back sorted by
 * priority, highest first, ties in file order.
 */
export function compilePolicy(
  config: PolicyConfig,
  options: CompilePolicyOptions = {},
): CompiledPolicy {
  const issues: Issues = [];
  if (config.default_verdict === 'sanitize') {
    issues.push({
      path: 'default_verdict',
      message: 'sanitize cannot be the default: no condition matched, so nothing to redact',
    });
  }
  const firstUse = new Map<string, number>();
  config.rules.forEach((rule, i) => {
    if (RESERVED_RULE_IDS.has(rule.id)) {
      issues.push({
        path: `rules.${i}.id`,
        message: `"${rule.id}" is reserved for Holdfast's own decisions (egress, limits, risk, default)`,
      });
    }
    const first = firstUse.get(rule.id);
    if (first === undefined) firstUse.set(rule.id, i);
    else issues.push({ path: `rules.${i}.id`, message: `duplicate id (also rules.${first}.id)` });
  });
  const rules = config.rules.map((rule, i) => compileRule(rule, i, issues));
  const egress = compileEgress(config.egress.deny, config.egress.allow, issues);
  if (issues.length > 0) {
    const list = issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n');
    throw new ConfigError(
      'CONFIG_INVALID',
      `policy: ${issues.length} invalid field(s):\n${list}`,
      issues,
    );
  }
  rules.sort((a, b) => b.priority - a.priority || a.index - b.index);
  return {
    mode: config.mode,
    defaultVerdict: config.default_verdict,
    rules,
    egress,
    limits: { ...DEFAULT_POLICY_LIMITS, ...options.limits },
  };
}
