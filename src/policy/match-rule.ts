/**
 * Whether one rule applies to one request, and if not, which part of it failed. Shared by
 * evaluate.ts (first match wins) and explain.ts (`holdfast policy test`).
 *
 * Order of checks: `match.server`, `match.method`, then `match.tool` (only `tools/call`),
 * `match.prompt` (only `prompts/get`), `match.resource` (only `resources/read`, on the normalised
 * URI, resource-uri.ts), then `definition` (constant-time digest comparison), then each
 * `args_match` condition in order (all must hold). A condition holds when some selected node
 * satisfies the operator; with `not: true` when none does (so a path selecting nothing satisfies
 * a negated condition).
 */
import { digestEquals } from '../surface/digest.js';
import type { JsonValue } from '../surface/types.js';
import type { JsonLocation } from './jsonpath.js';
import { isAnySelected, selectNodes } from './jsonpath-select.js';
import { isWithinLimits } from './limits.js';
import { toResourceKey } from './resource-uri.js';
import type { CompiledCondition, CompiledRule, PolicyLimits, PolicyRequest } from './rule.js';

/** The part of a rule that did not match. */
export type MissedPart = 'server' | 'method' | 'tool' | 'prompt' | 'resource' | 'definition';

/** The outcome of matching one rule. */
export type RuleOutcome =
  | { readonly kind: 'match'; readonly redactions: readonly JsonLocation[] }
  | { readonly kind: 'miss'; readonly part: MissedPart }
  | {
      readonly kind: 'condition-failed';
      readonly index: number;
      readonly condition: CompiledCondition;
    }
  | { readonly kind: 'too-large' };

const MISSES: Readonly<Record<MissedPart, RuleOutcome>> = {
  server: { kind: 'miss', part: 'server' },
  method: { kind: 'miss', part: 'method' },
  tool: { kind: 'miss', part: 'tool' },
  prompt: { kind: 'miss', part: 'prompt' },
  resource: { kind: 'miss', part: 'resource' },
  definition: { kind: 'miss', part: 'definition' },
};
const TOO_LARGE: RuleOutcome = { kind: 'too-large' };
const NO_REDACTIONS: readonly JsonLocation[] = [];

/** A request with the derived facts rules need, each computed at most once. */
export class RequestView {
  readonly request: PolicyRequest;
  readonly limits: PolicyLimits;
  #resourceKey: string | undefined;
  #isArgsWithinLimits: boolean | undefined;

  constructor(request: PolicyRequest, limits: PolicyLimits) {
    this.request = request;
    this.limits = limits;
  }

  /** The normalised form of the request's resource URI `uri` (resource-uri.ts). */
  resourceKey(uri: string): string {
    this.#resourceKey ??= toResourceKey(uri);
    return this.#resourceKey;
  }

  /** Whether the arguments are small enough to evaluate (measured on first use). */
  get isArgsWithinLimits(): boolean {
    this.#isArgsWithinLimits ??= isWithinLimits(
      this.request.args,
      this.limits.maxArgumentNodes,
      this.limits.maxArgumentDepth,
    );
    return this.#isArgsWithinLimits;
  }
}

function matchTarget(rule: CompiledRule, view: RequestView): MissedPart | undefined {
  const { server, method, tool, prompt, resource } = rule.match;
  const request = view.request;
  if (server !== undefined && !server.test(request.server)) return 'server';
  if (method !== undefined && !method.test(request.method)) return 'method';
  const name = request.name;
  if (tool !== undefined) {
    if (request.method !== 'tools/call' || name === undefined || !tool.test(name)) return 'tool';
  }
  if (prompt !== undefined) {
    if (request.method !== 'prompts/get' || name === undefined || !prompt.test(name)) {
      return 'prompt';
    }
  }
  if (resource !== undefined) {
    if (request.method !== 'resources/read' || name === undefined) return 'resource';
    if (!resource.test(view.resourceKey(name))) return 'resource';
  }
  if (rule.definition !== undefined) {
    const digest = request.definitionDigest;
    if (digest === null || !digestEquals(rule.definition, digest)) return 'definition';
  }
  return undefined;
}

/** Matches `rule` against the request (see the file comment for the order of checks). */
export function matchRule(rule: CompiledRule, view: RequestView): RuleOutcome {
  const missed = matchTarget(rule, view);
  if (missed !== undefined) return MISSES[missed];
  if (rule.conditions.length === 0) return { kind: 'match', redactions: NO_REDACTIONS };
  if (!view.isArgsWithinLimits) return TOO_LARGE;
  const isCollecting = rule.verdict === 'sanitize';
  const redactions: JsonLocation[] = [];
  const args: JsonValue = view.request.args;
  const maxVisits = view.limits.maxSelectVisits;
  let index = 0;
  for (const condition of rule.conditions) {
    let isSatisfied = false;
    if (isCollecting && !condition.isNegated) {
      const selection = selectNodes(condition.path, args, maxVisits);
      if (selection.kind === 'too-large') return TOO_LARGE;
      for (const node of selection.nodes) {
        if (!condition.test(node.value)) continue;
        redactions.push(node.location);
        isSatisfied = true;
      }
    } else {
      const isAny = isAnySelected(condition.path, args, condition.test, maxVisits);
      if (isAny === undefined) return TOO_LARGE;
      isSatisfied = isAny;
    }
    if (isSatisfied === condition.isNegated) return { kind: 'condition-failed', index, condition };
    index++;
  }
  return { kind: 'match', redactions };
}
