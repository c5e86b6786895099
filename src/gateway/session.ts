import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

import type { AuditRecorder } from '../audit/log.js';
import { createArgumentValidator } from '../pinning/arguments.js';
import type { CompiledPolicy } from '../policy/index.js';
import { scanDefinition } from '../risk/index.js';
import { tighterMode } from '../risk/ratchet.js';
import type { ScanContext } from '../risk/types.js';
import { AuditError } from '../shared/errors.js';
import { createId } from '../shared/ids.js';
import type { BehaviorStore, HoldStore, PinStore } from '../store/ports.js';
import { sha256Digest } from '../surface/digest.js';
import { isJsonObject, SECTION_METHOD, toServerItem } from '../surface/snapshot.js';
import type { JsonObject, Section } from '../surface/types.js';
import { SECTIONS } from '../surface/types.js';
import type { RequestContext } from './audit-events.js';
import { toResultEvent } from './audit-events.js';
import type { BehaviorOptions } from './behavior-monitor.js';
import { BehaviorMonitor } from './behavior-monitor.js';
import { describeError, errorCode } from './describe-error.js';
import { toDeniedToolResult } from './gate.js';
import type { ApprovalSettings } from './hold-hooks.js';
import { createHoldHooks } from './hold-hooks.js';
import { RequestGate } from './request-gate.js';
import type { SurfaceTrackerOptions } from './surface-tracker.js';
import { SurfaceTracker } from './surface-tracker.js';
import { JSON_RPC, toJsonRpcError } from './to-json-rpc-error.js';
import { UpstreamRequester } from './upstream-requester.js';
import { approvedInitializeResult, approvedSectionView } from './view.js';
import type { Classified, RequestId } from './wire.js';
import { classify, toErrorResponse, toResult } from './wire.js';

/** How and when the gateway re-checks a server (see SurfaceTrackerOptions for the rest). */
export interface GatewayOptions extends SurfaceTrackerOptions {
  /** `every-call` re-lists tools before each `tools/call`. */
  recheck: 'on-list' | 'every-call';
  allowUnknownArguments: boolean;
  /** Timeout of each request the gateway itself sends upstream (probes). */
  requestTimeoutMs: number;
  /** Where every decision and result is recorded before it takes effect (I4). */
  audit: AuditRecorder;
  /** Keep raw params and results in the redactable payload table (`audit.keep_payloads`). */
  keepPayloads: boolean;
  /** The per-request rules (DESIGN §6). */
  policy: CompiledPolicy;
  /** Where held requests wait for a human (DESIGN §9). */
  holds: HoldStore;
  approvals: ApprovalSettings;
  /** Where behaviour profiles and anomalies are kept (DESIGN §8). */
  behaviorStore: BehaviorStore & PinStore;
  behavior: BehaviorOptions;
  /** The size of a message as received, when the transport kept its bytes. */
  messageBytes?: (message: JSONRPCMessage) => number | undefined;
  /**
   * Who the client is, as holds and audit entries record it (`key:<name>`, `oauth:<sub>`);
   * default `stdio:<session id>`. Read once per session.
   */
  principal?: string;
  /** This session's id in the audit log; default a fresh `ses_…` id. */
  sessionId?: string;
}

/** A client request relayed upstream, awaiting its answer. */
interface Forwarded {
  method: string;
  /** The index of its decision entry (none for a ping: its answer is not recorded either). */
  decision: number | undefined;
  /** When it was forwarded (performance.now()). */
  startedAt: number;
  /** The client cancelled it: no answer is owed at close. */
  isCancelled?: boolean;
  /** The tool a `tools/call` named: its results are checked against the tool's behaviour. */
  tool?: string;
  /** That tool's approved outputSchema when the call was decided, if it declares one. */
  outputSchema?: JsonObject;
}

/** The list method of each section, answered by the gateway itself. */
const LIST_METHODS: ReadonlyMap<string, Section> = new Map(
  SECTIONS.map((section) => [SECTION_METHOD[section].method, section]),
);

const LIST_CHANGED: Readonly<Record<string, Section[]>> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

/** The scan context of the server item, which names no tools. */
const NO_CONTEXT = (server: string): ScanContext => ({ server, otherTools: new Map() });

/** Requests that pass whatever the server's status, because they carry no server-authored text. */
const ALWAYS_ALLOWED = new Set(['ping', 'logging/setLevel']);

/**
 * One downstream session relayed to one upstream session (DESIGN §3). Messages are relayed as
 * received, except where the gateway deliberately substitutes the approved snapshot or an error.
 */
export class GatewaySession {
  readonly #down: Transport;
  readonly #up: Transport;
  readonly #options: GatewayOptions;
  readonly #validator;
  readonly #requester: UpstreamRequester;
  /** Requests the gateway itself sends the client (elicitation for held requests). */
  readonly #clientRequester: UpstreamRequester;
  readonly #tracker: SurfaceTracker;
  readonly #gate: RequestGate;
  readonly #monitor: BehaviorMonitor;
  /** Client requests forwarded upstream, so each one always gets an answer. */
  readonly #clientRequests = new Map<RequestId, Forwarded>();
  /**
   * Requests the gate is deciding (a held call may wait minutes), and whether the client has
   * cancelled them since. Only these are tracked, so a client cannot grow it with made-up ids.
   */
  readonly #deciding = new Map<RequestId, { isCancelled: boolean }>();
  /** Identifies this session's entries in the audit log. */
  readonly #sessionId: string;
  #clientCapabilities: JsonObject = {};
  #closed = false;
  #serverEnded = false;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(downstream: Transport, upstream: Transport, options: GatewayOptions) {
    this.#down = downstream;
    this.#up = upstream;
    this.#options = options;
    this.#sessionId = options.sessionId ?? createId('ses');
    this.#validator = createArgumentValidator({
      allowUnknownArguments: options.allowUnknownArguments,
    });
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#requester = new UpstreamRequester(
      (message) => this.#up.send(message),
      options.requestTimeoutMs,
    );
    this.#tracker = new SurfaceTracker(options, (method, params) =>
      this.#requester.request(method, params),
    );
    this.#clientRequester = new UpstreamRequester(
      (message) => this.#down.send(message),
      options.approvals.ttlMs,
    );
    this.#gate = new RequestGate({
      name: options.name,
      recheck: options.recheck,
      allowUnknownArguments: options.allowUnknownArguments,
      // Read at every decision: `holdfast serve` swaps the policy in when rules are edited.
      get policy() {
        return options.policy;
      },
      audit: options.audit,
      tracker: this.#tracker,
      validator: this.#validator,
      log: options.log,
      context: (request) => this.#context(request),
      holds: (request) =>
        createHoldHooks(request, {
          approvals: options.approvals,
          store: options.holds,
          clock: options.clock,
          canElicit: () => isJsonObject(this.#clientCapabilities['elicitation']),
          abandoned: () =>
            this.#closed
              ? 'session-closed'
              : this.#deciding.get(request.id)?.isCancelled === true
                ? 'client-cancelled'
                : undefined,
          askClient: (method, params) => this.#clientRequester.request(method, params),
          sendClient: (notification) => this.#sendClient(notification),
        }),
      principal: options.principal ?? `stdio:${this.#sessionId}`,
    });
    this.#monitor = new BehaviorMonitor({
      ...options.behavior,
      name: options.name,
      session: this.#sessionId,
      store: options.behaviorStore,
      clock: options.clock,
      log: options.log,
    });
  }

  /** Resolves when either side has closed and the other has been closed too. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Whether the session ended because the server went away (exit code 1 for `holdfast run`). */
  get endedByServer(): boolean {
    return this.#serverEnded;
  }

  /** Wires both transports and starts them. */
  async start(): Promise<void> {
    this.#up.onmessage = (message) => void this.#fromUpstream(message);
    this.#up.onerror = (error) => this.#onUpstreamError(error);
    this.#up.onclose = () => {
      this.#serverEnded = !this.#closed || this.#serverEnded;
      void this.close('the server closed the connection');
    };
    this.#down.onmessage = (message) => void this.#fromClient(message);
    this.#down.onerror = (error) => this.#options.log(`client transport error: ${error.message}`);
    this.#down.onclose = () => void this.close('the client closed the connection');
    await this.#up.start();
    await this.#down.start();
  }

  /** Closes both sides once; pending requests get errors. */
  async close(reason: string): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.log(`closing: ${reason}`);
    this.#tracker.stop();
    this.#requester.failAll(new Error('session closed'));
    for (const [id, forwarded] of this.#clientRequests) {
      if (forwarded.isCancelled === true) continue;
      await this.#sendClient(
        toErrorResponse(id, JSON_RPC.UPSTREAM_FAILED, `holdfast: ${reason}`, {
          code: 'UPSTREAM_CLOSED',
        }),
      );
    }
    this.#clientRequests.clear();
    try {
      await this.#monitor.flush();
    } catch (error) {
      this.#options.log(`could not save behaviour profiles: ${describeError(error)}`);
    }
    await Promise.allSettled([this.#up.close(), this.#down.close()]);
    this.#resolveDone();
  }

  // ---- client → server -------------------------------------------------------------------

  async #fromClient(message: JSONRPCMessage): Promise<void> {
    const m = classify(message);
    switch (m.kind) {
      case 'request':
        return this.#clientRequest(m, message);
      case 'notification': {
        if (m.method === 'notifications/cancelled') {
          // A cancelled request may get no response (MCP cancellation): owe the client none, but
          // still record (and relay) one that comes late.
          const cancelled = m.params['requestId'];
          const forwarded =
            typeof cancelled === 'string' || typeof cancelled === 'number'
              ? this.#clientRequests.get(cancelled)
              : undefined;
          if (forwarded !== undefined) forwarded.isCancelled = true;
          if (typeof cancelled === 'string' || typeof cancelled === 'number') {
            const deciding = this.#deciding.get(cancelled);
            if (deciding !== undefined) deciding.isCancelled = true;
          }
        }
        const sent = this.#sendUpstream(message);
        // Start verifying before awaiting, so requests right behind this one wait for the probe.
        if (m.method === 'notifications/initialized') this.#tracker.start(sent);
        return sent;
      }
      case 'response':
      case 'error':
        // The user's answer to the gateway's own question about a held request stays here.
        if (this.#clientRequester.settle(m)) return;
        // Answers to server→client requests (sampling, elicitation, roots) go back as received.
        return this.#sendUpstream(message);
      case 'invalid':
        return this.#sendUpstream(message);
    }
  }

  async #clientRequest(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    if (m.method === 'initialize') {
      const caps = m.params['capabilities'];
      this.#clientCapabilities = isJsonObject(caps) ? caps : {};
      return this.#forwardRecorded(m, message);
    }
    const section = LIST_METHODS.get(m.method);
    if (section !== undefined) return this.#answerList(m.id, section, m.params);
    if (m.method === 'ping') return this.#forward(m, message, undefined);
    if (ALWAYS_ALLOWED.has(m.method)) return this.#forwardRecorded(m, message);
    this.#deciding.set(m.id, { isCancelled: false });
    let outcome;
    try {
      outcome = await this.#gate.decide(m);
    } finally {
      this.#deciding.delete(m.id);
    }
    if (outcome.kind === 'forward') {
      const relayed =
        outcome.params === undefined
          ? message
          : ({ ...message, params: outcome.params } as JSONRPCMessage);
      return this.#forward(m, relayed, outcome.decision);
    }
    if (m.method === 'tools/call') {
      return this.#sendClient(toResult(m.id, toDeniedToolResult(outcome)));
    }
    const data: JsonObject = { code: outcome.code };
    if (outcome.ruleId !== null) data['ruleId'] = outcome.ruleId;
    return this.#sendClient(
      toErrorResponse(m.id, JSON_RPC.DENIED, `holdfast deny: ${outcome.message}`, data),
    );
  }

  async #answerList(id: RequestId, section: Section, params: JsonObject): Promise<void> {
    if (params['cursor'] !== undefined) {
      // The gateway returns whole lists in one page, so it never hands out a cursor.
      return this.#sendClient(
        toErrorResponse(id, JSON_RPC.INVALID_PARAMS, 'holdfast: unknown cursor', {
          code: 'UNKNOWN_CURSOR',
        }),
      );
    }
    try {
      await this.#tracker.ensureReady();
      await this.#tracker.refresh([section]);
      const record = await this.#tracker.currentRecord();
      const observation = this.#tracker.observation;
      if (observation === undefined) throw new Error('no observation');
      const items = approvedSectionView(record, observation, section);
      await this.#sendClient(toResult(id, { [SECTION_METHOD[section].field]: items }));
      return;
    } catch (error) {
      return this.#replyError(id, error);
    }
  }

  // ---- server → client -------------------------------------------------------------------

  async #fromUpstream(message: JSONRPCMessage): Promise<void> {
    const m = classify(message);
    switch (m.kind) {
      case 'response':
      case 'error': {
        if (this.#requester.settle(m)) return;
        const forwarded = m.id === null ? undefined : this.#clientRequests.get(m.id);
        if (m.id === null || forwarded === undefined) {
          // Nothing was asked under this id: server text the client never asked for, unrecorded.
          this.#options.log('dropped a response from the server to no request holdfast forwarded');
          return;
        }
        this.#clientRequests.delete(m.id);
        const withheld =
          forwarded.tool === undefined
            ? undefined
            : await this.#checkBehavior(forwarded.tool, forwarded, m, message);
        if (!(await this.#recordResult(m.id, forwarded, m, withheld))) return;
        if (withheld !== undefined) return this.#sendClient(toResult(m.id, withheld));
        if (forwarded.method === 'initialize' && m.kind === 'response')
          return this.#answerInitialize(m.id, m.result);
        return this.#sendClient(message);
      }
      case 'notification': {
        const sections = Object.hasOwn(LIST_CHANGED, m.method) ? LIST_CHANGED[m.method] : undefined;
        if (sections !== undefined) {
          try {
            await this.#tracker.refresh(this.#tracker.advertised(sections));
          } catch (error) {
            this.#options.log(`re-probe after ${m.method} failed: ${describeError(error)}`);
          }
        }
        return this.#sendClient(message);
      }
      case 'request':
        return this.#serverRequest(m, message);
      case 'invalid':
        this.#options.log('dropped a message from the server that is not JSON-RPC');
        return;
    }
  }

  async #serverRequest(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    if (m.method === 'ping') return this.#sendClient(message);
    const outcome = await this.#gate.decideServerRequest(m);
    if (outcome.kind === 'deny') {
      const data: JsonObject = { code: outcome.code };
      if (outcome.ruleId !== null) data['ruleId'] = outcome.ruleId;
      return this.#sendUpstream(
        toErrorResponse(m.id, JSON_RPC.DENIED, `holdfast deny: ${outcome.message}`, data),
      );
    }
    const params = outcome.params;
    return this.#sendClient(params === undefined ? message : { ...message, params });
  }

  async #answerInitialize(id: RequestId, result: JsonObject): Promise<void> {
    try {
      const serverItem = toServerItem(result);
      const protocolVersion =
        typeof result['protocolVersion'] === 'string' ? result['protocolVersion'] : '';
      this.#tracker.initialize(serverItem, protocolVersion, this.#clientCapabilities);
      // HTTP transports send the negotiated version as a header from now on.
      this.#up.setProtocolVersion?.(protocolVersion);
      const record = await this.#tracker.currentRecord();
      // Scanned now, before the first probe: a first contact must not relay poisoned instructions.
      const { settings } = this.#options.risk;
      const scanned = scanDefinition(
        'server',
        'server',
        serverItem,
        NO_CONTEXT(this.#options.name),
        settings,
      );
      const stored = record?.risk?.items['server']?.mode ?? 'allow';
      const view = approvedInitializeResult(result, sha256Digest(serverItem), record, {
        name: this.#options.name,
        trustOnFirstUse: this.#options.posture === 'discovery',
        serverMode: tighterMode(stored, scanned.mode),
      });
      await this.#sendClient(toResult(id, view));
      return;
    } catch (error) {
      return this.#replyError(id, error);
    }
  }

  #onUpstreamError(error: Error): void {
    const details = (error as { details?: Record<string, unknown> }).details ?? {};
    if (errorCode(error) === 'UPSTREAM_EXITED') {
      const { code, signal } = details;
      const how =
        typeof signal === 'string'
          ? `signal ${signal}`
          : `code ${typeof code === 'number' ? code : '?'}`;
      this.#options.log(`the server exited (${how})`);
      this.#serverEnded = true;
      return;
    }
    this.#options.log(`server sent something holdfast will not forward: ${describeError(error)}`);
    const id = details['id'];
    if (typeof id !== 'string' && typeof id !== 'number') return;
    if (this.#requester.fail(id, error)) return;
    if (this.#clientRequests.delete(id)) {
      void this.#replyError(id, error);
    }
  }

  // ---- plumbing --------------------------------------------------------------------------

  /** Records an allowed request's decision, then forwards it; refuses it if that fails (I3). */
  async #forwardRecorded(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    const decision = await this.#gate.recordAllowed(m);
    if (decision !== undefined) return this.#forward(m, message, decision);
    return this.#replyError(
      m.id,
      new AuditError('AUDIT_UNAVAILABLE', 'the audit log could not record this request'),
    );
  }

  /**
   * Relays a client request that passed its checks (and was recorded, unless it is a ping),
   * remembering it so it always gets an answer.
   */
  async #forward(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
    decision: number | undefined,
  ): Promise<void> {
    const forwarded: Forwarded = { method: m.method, decision, startedAt: performance.now() };
    const tool = m.method === 'tools/call' ? m.params['name'] : undefined;
    if (typeof tool === 'string') {
      forwarded.tool = tool;
      // The definition the gate just approved the call under (its record, no second store read).
      const tools = this.#tracker.record?.baseline?.surface.tools ?? {};
      const schema = Object.hasOwn(tools, tool) ? tools[tool]?.['outputSchema'] : undefined;
      if (isJsonObject(schema)) forwarded.outputSchema = schema;
    }
    this.#clientRequests.set(m.id, forwarded);
    await this.#sendUpstream(message);
  }

  /**
   * Appends the result entry of a recorded request before its answer is relayed (I4). When that
   * fails the answer is withheld and the client gets an error instead; returns whether to relay.
   */
  async #recordResult(
    id: RequestId,
    forwarded: Forwarded,
    m: Extract<Classified, { kind: 'response' | 'error' }>,
    withheld: JsonObject | undefined,
  ): Promise<boolean> {
    if (forwarded.decision === undefined) return true;
    const result = m.kind === 'response' ? m.result : m.error;
    const isError = m.kind === 'error' || result['isError'] === true;
    try {
      const ctx = this.#context({ id, method: forwarded.method });
      const durationUs = (performance.now() - forwarded.startedAt) * 1000;
      await this.#options.audit.append(
        toResultEvent(ctx, forwarded.decision, {
          result,
          isError,
          durationUs,
          withheld: withheld !== undefined,
        }),
      );
      return true;
    } catch (error) {
      this.#options.log(`result withheld: ${describeError(error)}`);
      await this.#replyError(
        id,
        new AuditError(
          'AUDIT_UNAVAILABLE',
          'the audit log could not record the result, so it was withheld',
        ),
      );
      return false;
    }
  }

  /** The tool result the client gets instead of this one, or undefined to relay it (DESIGN §8). */
  async #checkBehavior(
    tool: string,
    forwarded: Forwarded,
    m: Extract<Classified, { kind: 'response' | 'error' }>,
    message: JSONRPCMessage,
  ): Promise<JsonObject | undefined> {
    return this.#monitor.withheldResult({
      tool,
      result: m.kind === 'response' ? m.result : undefined,
      durationMs: performance.now() - forwarded.startedAt,
      bytes: this.#options.messageBytes?.(message) ?? Buffer.byteLength(JSON.stringify(message)),
      outputSchema: forwarded.outputSchema,
    });
  }

  #context(m: { id: RequestId; method: string }): RequestContext {
    return {
      at: this.#options.clock.now(),
      server: this.#options.name,
      session: this.#sessionId,
      id: m.id,
      method: m.method,
      keepPayloads: this.#options.keepPayloads,
    };
  }

  async #replyError(id: RequestId, error: unknown): Promise<void> {
    this.#options.log(`request failed: ${describeError(error)}`);
    const wire = toJsonRpcError(error);
    return this.#sendClient(toErrorResponse(id, wire.code, wire.message, wire.data));
  }

  async #sendClient(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#down.send(message);
    } catch (error) {
      this.#options.log(`could not write to the client: ${describeError(error)}`);
    }
  }

  async #sendUpstream(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#up.send(message);
    } catch (error) {
      this.#options.log(`could not write to the server: ${describeError(error)}`);
      const m = classify(message);
      // The transport may have reported the failure already (onerror with the id): answer once.
      if (m.kind === 'request' && this.#clientRequests.delete(m.id)) {
        await this.#replyError(m.id, error);
      }
    }
  }
}
