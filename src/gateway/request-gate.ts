/**
 * Every gated client request passes here (I2): the pinning checks, then the policy rules, then —
 * for a held request — a human's answer. The decision is recorded before anything takes effect
 * (I4), and any fault denies (I3).
 */
import type { AuditRecorder } from '../audit/log.js';
import type { ArgumentValidator } from '../pinning/arguments.js';
import type { Observation, ServerRecord } from '../pinning/types.js';
import type { CompiledPolicy, PolicyDecision } from '../policy/index.js';
import { RISK_RULE_ID } from '../policy/index.js';
import type { RiskMode } from '../risk/types.js';
import { StoreError } from '../shared/errors.js';
import type { Hold } from '../store/ports.js';
import { digestEquals } from '../surface/digest.js';
import type { JsonObject } from '../surface/types.js';
import type { Decision, DefinitionDigests, RequestContext } from './audit-events.js';
import { toDecisionEvent, toServerRequestEvent } from './audit-events.js';
import { describeError, errorCode } from './describe-error.js';
import type { DenyCode } from './gate.js';
import { decideCall, decidePromptGet, decideServer } from './gate.js';
import type { HoldWaitOptions } from './hold-waiter.js';
import { awaitHold } from './hold-waiter.js';
import type { PolicyOutcome } from './policy-gate.js';
import { decidePolicy } from './policy-gate.js';
import { decideRisk } from './risk-gate.js';
import type { SurfaceTracker } from './surface-tracker.js';

/** What happens to a request. */
export type GateOutcome =
  /** Forward it (with `params` replaced when values were redacted); `decision` is its entry. */
  | { kind: 'forward'; params: JsonObject | undefined; decision: number }
  | { kind: 'deny'; code: DenyCode; message: string; ruleId: string | null };

/** A request as the gate sees it. */
export interface GatedRequest {
  id: string | number;
  method: string;
  params: JsonObject;
}

/** What the gate needs from its session. */
export interface RequestGateOptions {
  name: string;
  recheck: 'on-list' | 'every-call';
  allowUnknownArguments: boolean;
  policy: CompiledPolicy;
  audit: AuditRecorder;
  tracker: SurfaceTracker;
  validator: ArgumentValidator;
  log: (line: string) => void;
  /** The audit context of a request (session, time, payload setting). */
  context: (request: GatedRequest) => RequestContext;
  /** The hold settings, with the session's elicitation and progress hooks for this request. */
  holds: (request: GatedRequest) => Omit<HoldWaitOptions, 'log'>;
  /** Who is asking, for holds: the downstream session's identity. */
  principal: string;
}

interface Checked {
  denial: { code: DenyCode; message: string } | undefined;
  definition: DefinitionDigests;
  /** The named item's risk mode (DESIGN §7); undefined for requests that name no assessed item. */
  risk: { ref: string; mode: RiskMode; band: string } | undefined;
}

/** The gate of one session. */
export class RequestGate {
  readonly #options: RequestGateOptions;

  constructor(options: RequestGateOptions) {
    this.#options = options;
  }

  /** Decides `request`, recording the decision; holds it for a human when the rules say so. */
  async decide(request: GatedRequest): Promise<GateOutcome> {
    const checked = await this.#check(request, true);
    let outcome: PolicyOutcome | undefined;
    let denial: { code: DenyCode; message: string } | undefined = checked.denial;
    if (denial === undefined) {
      try {
        outcome = decidePolicy(this.#options.policy, {
          server: this.#options.name,
          method: request.method,
          params: request.params,
          definitionDigest: checked.definition.approved,
        });
      } catch (error) {
        this.#options.log(`policy evaluation failed (fail closed): ${describeError(error)}`);
        denial = { code: 'POLICY_UNAVAILABLE', message: 'holdfast could not evaluate its rules' };
      }
    }
    if (outcome?.action.kind === 'deny') {
      denial = { code: 'POLICY_DENIED', message: outcome.action.reason };
    }
    // A sanitized request is recorded as forwarded: the redacted values never reach the log.
    const forwarded = outcome?.action.kind === 'forward' ? outcome.action.params : undefined;
    // Quarantine turns anything short of deny into pending_approval (DESIGN §7), in shadow mode too.
    if (denial === undefined && outcome !== undefined && checked.risk?.mode === 'quarantine') {
      if (outcome.action.kind === 'forward') outcome = quarantined(outcome, checked.risk);
    }
    const isHeld = denial === undefined && outcome?.action.kind === 'hold';
    const decision: Decision =
      denial !== undefined
        ? { kind: 'deny', code: denial.code }
        : isHeld
          ? { kind: 'hold' }
          : { kind: 'allow' };
    const recorded = await this.#record(
      forwarded === undefined ? request : { ...request, params: forwarded },
      decision,
      checked.definition,
      outcome?.decision,
    );
    const ruleId = outcome?.decision.ruleId ?? null;
    if (denial !== undefined) return { kind: 'deny', ...denial, ruleId };
    if (recorded === undefined) return auditDenial();
    if (!isHeld) return { kind: 'forward', params: forwarded, decision: recorded.index };
    return this.#hold(
      forwarded === undefined ? request : { ...request, params: forwarded },
      checked.definition,
      recorded.argsDigest,
      outcome?.decision,
      forwarded,
    );
  }

  /**
   * Records an ungated request that is always allowed (initialize, logging/setLevel) before it is
   * forwarded; undefined when the log could not take it (the caller refuses it: I3).
   */
  async recordAllowed(request: GatedRequest): Promise<number | undefined> {
    const empty: DefinitionDigests = { approved: null, executed: null };
    return (await this.#record(request, { kind: 'allow' }, empty, undefined))?.index;
  }

  /**
   * A server→client request (sampling, elicitation, roots): relayed only while the server is
   * verified and the rules allow it; recorded either way. It is never held: nobody on the client
   * side is waiting to approve a request the server made.
   */
  async decideServerRequest(
    request: GatedRequest,
  ): Promise<
    | { kind: 'relay'; params: JsonObject | undefined }
    | { kind: 'deny'; code: string; message: string; ruleId: string | null }
  > {
    const { name, log } = this.#options;
    let denial: { code: string; message: string } | undefined;
    let params: JsonObject | undefined;
    let policy: PolicyDecision | undefined;
    try {
      denial = decideServer(name, await this.#options.tracker.currentRecord());
      if (denial === undefined) {
        const outcome = decidePolicy(this.#options.policy, {
          server: name,
          method: request.method,
          params: request.params,
          definitionDigest: null,
        });
        policy = outcome.decision;
        const { action } = outcome;
        if (action.kind === 'deny') denial = { code: 'POLICY_DENIED', message: action.reason };
        if (action.kind === 'hold') {
          denial = { code: 'POLICY_DENIED', message: 'this request needs an approval' };
        }
        if (action.kind === 'forward') params = action.params;
      }
    } catch (error) {
      log(`server request refused (fail closed): ${describeError(error)}`);
      denial = { code: errorCode(error), message: 'could not verify the request' };
    }
    const decision: Decision =
      denial === undefined ? { kind: 'allow' } : { kind: 'deny', code: denial.code };
    try {
      await this.#options.audit.append(
        toServerRequestEvent(this.#options.context(request), decision, {
          policy,
          holdId: undefined,
        }),
      );
    } catch (error) {
      log(`server request refused: ${describeError(error)}`);
      denial ??= { code: 'AUDIT_UNAVAILABLE', message: 'could not record the request' };
    }
    if (denial === undefined) return { kind: 'relay', params };
    return { kind: 'deny', ...denial, ruleId: policy?.ruleId ?? null };
  }

  async #hold(
    request: GatedRequest,
    definition: DefinitionDigests,
    argsDigest: string,
    policy: PolicyDecision | undefined,
    redacted: JsonObject | undefined,
  ): Promise<GateOutcome> {
    const { name, log } = this.#options;
    const ruleId = policy?.ruleId ?? null;
    let hold: Hold;
    try {
      hold = await awaitHold(
        {
          server: name,
          method: request.method,
          name: nameOf(request),
          principal: this.#options.principal,
          definitionDigest: definition.approved,
          argsDigest,
          ruleId: ruleId ?? 'default',
          reason: policy?.reason ?? '',
        },
        { ...this.#options.holds(request), log },
      );
    } catch (error) {
      log(`could not hold the request (fail closed): ${describeError(error)}`);
      await this.#record(request, { kind: 'deny', code: 'HOLD_UNAVAILABLE' }, definition, policy);
      return deny('HOLD_UNAVAILABLE', 'holdfast could not hold this request for approval', ruleId);
    }
    if (hold.state !== 'approved') {
      const code = hold.state === 'expired' ? 'HOLD_EXPIRED' : 'HOLD_DENIED';
      await this.#record(request, { kind: 'deny', code }, definition, policy, hold.id);
      const message =
        hold.state === 'expired'
          ? `nobody approved this request before hold ${hold.id} expired`
          : hold.resolvedBy === 'client-cancelled' || hold.resolvedBy === 'session-closed'
            ? `the request was abandoned while held (${hold.resolvedBy}); hold ${hold.id} is denied`
            : `a human denied this request (hold ${hold.id})`;
      return deny(code, message, ruleId);
    }
    // Approval binds to what was reviewed (I6): the definition must still be the approved one.
    const again = await this.#check(request, false);
    const approved = again.definition.approved;
    const held = hold.definitionDigest;
    const isSame =
      held === null || approved === null ? held === approved : digestEquals(held, approved);
    const denial: { code: DenyCode; message: string } | undefined =
      again.denial ??
      (isSame
        ? undefined
        : {
            code: 'HOLD_STALE',
            message: 'the approved definition changed while the call was held',
          });
    const recorded = await this.#record(
      request,
      denial === undefined ? { kind: 'allow' } : { kind: 'deny', code: denial.code },
      again.definition,
      policy,
      hold.id,
    );
    if (denial !== undefined) return { kind: 'deny', ...denial, ruleId };
    if (recorded === undefined) return auditDenial();
    // The held request is what was approved: with its redactions, when the rules sanitized it.
    return { kind: 'forward', params: redacted, decision: recorded.index };
  }

  /** The pinning half of I2 for `request`; any fault is a denial. */
  async #check(request: GatedRequest, mayRefresh: boolean): Promise<Checked> {
    const { name, tracker, allowUnknownArguments } = this.#options;
    let definition: DefinitionDigests = { approved: null, executed: null };
    let risk: Checked['risk'];
    try {
      await tracker.ensureReady();
      const isCall = request.method === 'tools/call';
      if (isCall && mayRefresh && this.#options.recheck === 'every-call') {
        await tracker.refresh(['tools']);
      }
      const record = await tracker.currentRecord();
      const observation = tracker.observation;
      if (isCall || request.method === 'prompts/get') {
        definition = definitionDigests(record, observation, request);
      }
      const verdict = isCall
        ? decideCall(
            {
              name,
              record,
              observation,
              toolName: request.params['name'],
              args: request.params['arguments'],
            },
            this.#options.validator,
          )
        : request.method === 'prompts/get'
          ? decidePromptGet(name, record, observation, request.params, allowUnknownArguments)
          : decideServer(name, record);
      if (verdict?.kind === 'deny') return { denial: verdict, definition, risk };
      const assessed = decideRisk(name, record, request);
      if (assessed?.kind === 'deny') return { denial: assessed, definition, risk };
      risk = assessed;
      return { denial: undefined, definition, risk };
    } catch (error) {
      // I3: a store error, a failed re-probe or a bug denies; it never forwards.
      this.#options.log(`request denied (fail closed): ${describeError(error)}`);
      return {
        denial: {
          code: error instanceof StoreError ? 'STORE_UNAVAILABLE' : 'SERVER_UNVERIFIED',
          message: 'holdfast could not verify this request, so it was not forwarded',
        },
        definition,
        risk,
      };
    }
  }

  /** Appends a decision entry; undefined (logged) when the log could not take it. */
  async #record(
    request: GatedRequest,
    decision: Decision,
    definition: DefinitionDigests,
    policy: PolicyDecision | undefined,
    holdId?: string,
  ): Promise<{ index: number; argsDigest: string } | undefined> {
    try {
      const isCall = request.method === 'tools/call';
      const event = toDecisionEvent(
        this.#options.context(request),
        isCall ? (request.params['arguments'] ?? null) : request.params,
        decision,
        isCall ? { name: request.params['name'], definition } : undefined,
        { policy, holdId },
      );
      const index = await this.#options.audit.append(event);
      const digest = event.data[isCall ? 'args' : 'params'];
      return { index, argsDigest: typeof digest === 'string' ? digest : '' };
    } catch (error) {
      this.#options.log(`could not record a decision: ${describeError(error)}`);
      return undefined;
    }
  }
}

function deny(code: DenyCode, message: string, ruleId: string | null): GateOutcome {
  return { kind: 'deny', code, message, ruleId };
}

function auditDenial(): GateOutcome {
  return deny(
    'AUDIT_UNAVAILABLE',
    'holdfast could not record this call in its audit log, so it was not forwarded',
    null,
  );
}

/** The hold a quarantined item's call becomes, with any redactions the rules made. */
function quarantined(outcome: PolicyOutcome, risk: NonNullable<Checked['risk']>): PolicyOutcome {
  const decision: PolicyDecision = {
    verdict: 'pending_approval',
    ruleId: RISK_RULE_ID,
    reason: `${risk.ref} is quarantined by its risk assessment (${risk.band}); a human approves each call`,
    redactions: outcome.decision.redactions,
    enforced: true,
  };
  return { decision, action: { kind: 'hold' } };
}

function nameOf(request: GatedRequest): string | null {
  const value = request.params[request.method === 'resources/read' ? 'uri' : 'name'];
  return typeof value === 'string' ? value : null;
}

/** The definition digests a request is checked against: approved (baseline) and observed. */
function definitionDigests(
  record: ServerRecord | undefined,
  observation: Observation | undefined,
  request: GatedRequest,
): DefinitionDigests {
  const itemName = request.params['name'];
  if (typeof itemName !== 'string') return { approved: null, executed: null };
  const section = request.method === 'tools/call' ? 'tools' : 'prompts';
  const approved = record?.baseline?.digests[section];
  const executed = observation?.digests[section];
  const pick = (digests: Record<string, string> | undefined): string | null =>
    digests !== undefined && Object.hasOwn(digests, itemName) ? (digests[itemName] ?? null) : null;
  return { approved: pick(approved), executed: pick(executed) };
}
