import { readFileSync } from 'node:fs';

import { compileConfiguredPolicy, defaultConfig, parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { CompiledPolicy, PolicyExplanation, RuleTrace } from '../../policy/index.js';
import { explainPolicy } from '../../policy/index.js';
import { toPolicyTestRequest } from '../../policy/test-request.js';
import { ConfigError } from '../../shared/errors.js';
import type { JsonValue } from '../../surface/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, toTerminalSafe, writeJson } from '../deps.js';

/** Options every `holdfast policy` subcommand takes. */
export interface PolicyOptions extends GlobalOptions {
  config?: string;
}

/** Options of `holdfast policy test`. */
export interface PolicyTestOptions extends PolicyOptions {
  server: string;
  tool?: string;
  prompt?: string;
  resource?: string;
  method?: string;
  args: string;
  definition?: string;
}

/** Loads and compiles the configuration; undefined (reported) when it does not load. */
function load(
  options: PolicyOptions,
  deps: CliDeps,
):
  | { config: Config; policy: CompiledPolicy }
  | { issues: readonly { path: string; message: string }[] } {
  try {
    const config =
      options.config === undefined
        ? defaultConfig()
        : parseConfig(readFileSync(options.config, 'utf8'), options.config);
    return { config, policy: compileConfiguredPolicy(config) };
  } catch (error) {
    if (error instanceof ConfigError) {
      const issues =
        error.issues.length > 0 ? error.issues : [{ path: '(file)', message: error.message }];
      return { issues };
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    deps.stderr.write(`holdfast: cannot read ${options.config ?? ''} (${code})\n`);
    return { issues: [{ path: '(file)', message: `cannot read the file (${code})` }] };
  }
}

/**
 * `holdfast policy check`: validates the configuration and reports every bad field at once with
 * its path (exit 2), or summarizes the rules (exit 0).
 */
export function policyCheckCommand(options: PolicyOptions, deps: CliDeps): number {
  if (options.config === undefined) {
    deps.stderr.write('holdfast: no --config given: checking the built-in defaults (no rules)\n');
  }
  const loaded = load(options, deps);
  if ('issues' in loaded) {
    if (options.json === true) writeJson(deps, { ok: false, issues: loaded.issues });
    else {
      deps.stdout.write(
        `${options.config ?? 'configuration'}: ${loaded.issues.length} problem(s)\n`,
      );
      for (const issue of loaded.issues) deps.stdout.write(`  - ${issue.path}: ${issue.message}\n`);
    }
    return EXIT.USAGE;
  }
  const { config, policy } = loaded;
  const summary = {
    ok: true,
    mode: policy.mode,
    defaultVerdict: policy.defaultVerdict,
    rules: policy.rules.map((rule) => rule.id),
    egress: { deny: config.egress.deny.length, allow: config.egress.allow.length },
  };
  if (options.json === true) writeJson(deps, summary);
  else {
    deps.stdout.write(
      `OK: ${summary.rules.length} rule(s), mode ${summary.mode}, default ${summary.defaultVerdict}, ` +
        `egress ${summary.egress.deny} denied / ${summary.egress.allow} allowed entries\n`,
    );
  }
  return EXIT.OK;
}

/** `holdfast policy test`: which rule decides a call, and why each rule before it did not. */
export function policyTestCommand(options: PolicyTestOptions, deps: CliDeps): number {
  const targets = [options.tool, options.prompt, options.resource, options.method].filter(
    (t) => t !== undefined,
  );
  if (targets.length > 1) {
    deps.stderr.write('holdfast: give at most one of --tool, --prompt, --resource, --method\n');
    return EXIT.USAGE;
  }
  let args: JsonValue;
  try {
    args = JSON.parse(options.args) as JsonValue;
  } catch {
    deps.stderr.write(
      'holdfast: --args must be JSON, e.g. --args \'{"url": "https://x.example"}\'\n',
    );
    return EXIT.USAGE;
  }
  const loaded = load(options, deps);
  if ('issues' in loaded) {
    deps.stderr.write(
      `holdfast: the configuration does not load (${loaded.issues.length} problem(s)); run holdfast policy check\n`,
    );
    return EXIT.USAGE;
  }
  const explanation = explainPolicy(
    loaded.policy,
    toPolicyTestRequest({
      server: options.server,
      tool: options.tool,
      prompt: options.prompt,
      resource: options.resource,
      method: options.method,
      args,
      definition: options.definition,
    }),
  );
  if (options.json === true) writeJson(deps, explanation);
  else deps.stdout.write(describe(explanation));
  return EXIT.OK;
}

function describe(explanation: PolicyExplanation): string {
  const { decision, egress, rules } = explanation;
  const lines = [
    `verdict: ${decision.verdict}${decision.enforced ? '' : ' (shadow mode: recorded, not enforced)'}`,
    `decided by: ${decision.ruleId}`,
    `reason: ${toTerminalSafe(decision.reason)}`,
  ];
  if (decision.redactions.length > 0) {
    lines.push(
      `redacts: ${decision.redactions.map((l) => toTerminalSafe(JSON.stringify(l))).join(', ')}`,
    );
  }
  lines.push(
    egress.kind === 'ok'
      ? 'egress: no denied host found'
      : egress.kind === 'denied'
        ? `egress: ${toTerminalSafe(egress.host)} is denied by ${toTerminalSafe(egress.rule)}`
        : 'egress: the arguments are too large to scan (denied)',
  );
  for (const trace of rules) lines.push(`  rule ${trace.ruleId}: ${traceText(trace)}`);
  return `${lines.join('\n')}\n`;
}

function traceText(trace: RuleTrace): string {
  if (trace.isMatch) return 'matched';
  if ('condition' in trace) {
    return `did not match: args_match condition ${trace.condition} (${trace.detail}) did not hold`;
  }
  return `did not match: ${trace.missed}`;
}
