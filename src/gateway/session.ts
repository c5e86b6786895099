import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

import { createArgumentValidator } from '../pinning/arguments.js';
import { applyObservation } from '../pinning/status.js';
import type { Observation, PinEvent, Posture, ServerRecord } from '../pinning/types.js';
import type { Clock } from '../shared/clock.js';
import { UpstreamError } from '../shared/errors.js';
import { createId } from '../shared/ids.js';
import type { PinStore } from '../store/ports.js';
import {
  computeSurfaceDigests,
  digestEquals,
  profileDigest,
  sha256Digest,
} from '../surface/digest.js';
import type { SurfaceLimits } from '../surface/snapshot.js';
import {
  advertisedSections,
  createSurface,
  hasSectionCapability,
  isJsonObject,
  toServerItem,
} from '../surface/snapshot.js';
import type { Digest, JsonObject, Section, Surface } from '../surface/types.js';
import { decideCall, toDeniedToolResult } from './gate.js';
import { fetchSection } from './probe.js';
import { JSON_RPC, toJsonRpcError } from './to-json-rpc-error.js';
import { approvedInitializeResult, approvedSectionView } from './view.js';
import type { Classified, RequestId } from './wire.js';
import { classify, toErrorResponse, toRequest, toResult } from './wire.js';

/** How and when the gateway re-checks a server. */
export interface GatewayOptions {
  /** The server's name as configured (`--name`). */
  name: string;
  store: PinStore;
  posture: Posture;
  /** Launch provenance (no secrets), part of the surface. */
  launch: JsonObject;
  clock: Clock;
  /** Diagnostics for humans (stderr). Never server-authored text. */
  log: (line: string) => void;
  /** `every-call` re-lists tools before each `tools/call`. */
  recheck: 'on-list' | 'every-call';
  /** Periodic re-probe, or null for none. */
  recheckIntervalMs: number | null;
  allowUnknownArguments: boolean;
  /** Timeout of each request the gateway itself sends upstream (probes). */
  requestTimeoutMs: number;
  limits: SurfaceLimits;
}

const LIST_METHODS: Readonly<Record<string, Section>> = {
  'tools/list': 'tools',
  'prompts/list': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resourceTemplates',
};

const LIST_CHANGED: Readonly<Record<string, Section[]>> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

/** Requests that pass whatever the server's status, because they carry no server-authored text. */
const ALWAYS_ALLOWED = new Set(['ping', 'logging/setLevel']);

interface Pending {
  resolve: (result: JsonObject) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One downstream session relayed to one upstream session (DESIGN §3). Messages are relayed as
 * received, except where the gateway deliberately substitutes the approved snapshot or an error.
 */
export class GatewaySession {
  readonly #down: Transport;
  readonly #up: Transport;
  readonly #options: GatewayOptions;
  readonly #validator;
  readonly #idPrefix = `${createId('holdfast')}:`;
  #nextId = 1;
  readonly #ownRequests = new Map<string, Pending>();
  /** Client request ids forwarded upstream whose responses the gateway must inspect. */
  readonly #clientRequests = new Map<RequestId, string>();
  #clientCapabilities: JsonObject = {};
  #surface: Surface | undefined;
  #profile: Digest | undefined;
  #observation: Observation | undefined;
  #record: ServerRecord | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #ready: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(downstream: Transport, upstream: Transport, options: GatewayOptions) {
    this.#down = downstream;
    this.#up = upstream;
    this.#options = options;
    this.#validator = createArgumentValidator({
      allowUnknownArguments: options.allowUnknownArguments,
    });
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Resolves when either side has closed and the other has been closed too. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Wires both transports and starts them. */
  async start(): Promise<void> {
    this.#up.onmessage = (message) => void this.#fromUpstream(message);
    this.#up.onerror = (error) => this.#onUpstreamError(error);
    this.#up.onclose = () => void this.close('the server closed the connection');
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
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const pending of this.#ownRequests.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('session closed'));
    }
    this.#ownRequests.clear();
    for (const id of this.#clientRequests.keys()) {
      await this.#sendClient(
        toErrorResponse(id, JSON_RPC.UPSTREAM_FAILED, `holdfast: ${reason}`, {
          code: 'UPSTREAM_CLOSED',
        }),
      );
    }
    this.#clientRequests.clear();
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
          // A cancelled request gets no response (MCP cancellation), so stop waiting for one.
          const cancelled = m.params['requestId'];
          if (typeof cancelled === 'string' || typeof cancelled === 'number') {
            this.#clientRequests.delete(cancelled);
          }
        }
        const sent = this.#sendUpstream(message);
        // Start verifying before awaiting, so requests right behind this one wait for the probe.
        if (m.method === 'notifications/initialized') this.#startVerification(sent);
        return sent;
      }
      case 'response':
      case 'error':
      case 'invalid':
        // Answers to server→client requests (sampling, elicitation, roots) go back as received.
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
      return this.#forward(m, message);
    }
    const section = Object.hasOwn(LIST_METHODS, m.method) ? LIST_METHODS[m.method] : undefined;
    if (section !== undefined) return this.#answerList(m.id, section, m.params);
    if (m.method === 'tools/call') return this.#gateCall(m, message);
    if (ALWAYS_ALLOWED.has(m.method)) return this.#forward(m, message);
    try {
      await this.#ensureReady();
      const record = await this.#currentRecord();
      if (record?.status !== 'verified') {
        const status = record?.status ?? 'unknown';
        await this.#sendClient(
          toErrorResponse(
            m.id,
            JSON_RPC.DENIED,
            `holdfast deny: server "${this.#options.name}" is ${status}; review with: holdfast diff ${this.#options.name}`,
            { code: `SERVER_${status.toUpperCase()}` },
          ),
        );
        return;
      }
    } catch (error) {
      return this.#replyError(m.id, error);
    }
    return this.#forward(m, message);
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
      await this.#ensureReady();
      await this.#refresh([section]);
      const record = await this.#currentRecord();
      if (this.#observation === undefined) throw new Error('no observation');
      const items = approvedSectionView(record, this.#observation, section);
      const field = section === 'resourceTemplates' ? 'resourceTemplates' : section;
      await this.#sendClient(toResult(id, { [field]: items }));
      return;
    } catch (error) {
      return this.#replyError(id, error);
    }
  }

  async #gateCall(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    const { name } = this.#options;
    let verdict;
    try {
      await this.#ensureReady();
      if (this.#options.recheck === 'every-call') await this.#refresh(['tools']);
      const record = await this.#currentRecord();
      verdict = decideCall(
        {
          name,
          record,
          observation: this.#observation,
          toolName: m.params['name'],
          args: m.params['arguments'],
        },
        this.#validator,
      );
    } catch (error) {
      // I3: a store error, a failed re-probe or a bug denies; it never forwards.
      this.#options.log(`call denied (fail closed): ${describe(error)}`);
      verdict = {
        kind: 'deny' as const,
        code: 'STORE_UNAVAILABLE' as const,
        message: 'holdfast could not verify this call, so it was not forwarded',
      };
    }
    if (verdict.kind === 'allow') return this.#forward(m, message);
    await this.#recordEvents([
      {
        at: this.#options.clock.now(),
        server: name,
        kind: 'call-denied',
        data: { code: verdict.code },
      },
    ]);
    return this.#sendClient(toResult(m.id, toDeniedToolResult(verdict)));
  }

  // ---- server → client -------------------------------------------------------------------

  async #fromUpstream(message: JSONRPCMessage): Promise<void> {
    const m = classify(message);
    switch (m.kind) {
      case 'response':
      case 'error': {
        if (m.id !== null && this.#settleOwn(m)) return;
        const method = m.id === null ? undefined : this.#clientRequests.get(m.id);
        if (m.id !== null) this.#clientRequests.delete(m.id);
        if (method === 'initialize' && m.kind === 'response')
          return this.#answerInitialize(m.id, m.result);
        return this.#sendClient(message);
      }
      case 'notification': {
        const sections = Object.hasOwn(LIST_CHANGED, m.method) ? LIST_CHANGED[m.method] : undefined;
        if (sections !== undefined && this.#surface !== undefined) {
          try {
            await this.#refresh(
              sections.filter((s) => hasSectionCapability(this.#surface?.server ?? {}, s)),
            );
          } catch (error) {
            this.#options.log(`re-probe after ${m.method} failed: ${describe(error)}`);
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
    if (m.method !== 'ping') {
      try {
        const record = await this.#currentRecord();
        if (record?.status !== 'verified') {
          await this.#sendUpstream(
            toErrorResponse(
              m.id,
              JSON_RPC.DENIED,
              `holdfast deny: server "${this.#options.name}" is not verified`,
              { code: `SERVER_${(record?.status ?? 'unknown').toUpperCase()}` },
            ),
          );
          return;
        }
      } catch (error) {
        return this.#sendUpstream(
          toErrorResponse(m.id, JSON_RPC.DENIED, 'holdfast deny: could not verify the server', {
            code: describeCode(error),
          }),
        );
      }
    }
    return this.#sendClient(message);
  }

  async #answerInitialize(id: RequestId, result: JsonObject): Promise<void> {
    try {
      const serverItem = toServerItem(result);
      const protocolVersion =
        typeof result['protocolVersion'] === 'string' ? result['protocolVersion'] : '';
      this.#profile = profileDigest(protocolVersion, this.#clientCapabilities);
      // HTTP transports send the negotiated version as a header from now on.
      this.#up.setProtocolVersion?.(protocolVersion);
      this.#surface = createSurface(serverItem, this.#options.launch);
      const record = await this.#currentRecord();
      const view = approvedInitializeResult(result, sha256Digest(serverItem), record, {
        name: this.#options.name,
        trustOnFirstUse: this.#options.posture === 'discovery',
      });
      await this.#sendClient(toResult(id, view));
      return;
    } catch (error) {
      return this.#replyError(id, error);
    }
  }

  #onUpstreamError(error: Error): void {
    const details = (error as { details?: Record<string, unknown> }).details ?? {};
    this.#options.log(`server sent something holdfast will not forward: ${describe(error)}`);
    const id = details['id'];
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const own = this.#ownRequests.get(String(id));
    if (typeof id === 'string' && own !== undefined) {
      this.#ownRequests.delete(id);
      clearTimeout(own.timer);
      own.reject(error);
      return;
    }
    if (this.#clientRequests.delete(id)) {
      void this.#replyError(id, error);
    }
  }

  // ---- verification ----------------------------------------------------------------------

  #startVerification(after: Promise<void>): void {
    if (this.#ready !== undefined || this.#surface === undefined) return;
    const surface = this.#surface;
    this.#chain = after;
    this.#ready = this.#refresh(advertisedSections(surface.server)).then(
      () => true,
      (error: unknown) => {
        this.#options.log(
          `initial probe failed; calls are denied until a probe succeeds: ${describe(error)}`,
        );
        return false;
      },
    );
    const interval = this.#options.recheckIntervalMs;
    if (interval !== null) {
      this.#timer = setInterval(() => {
        this.#refresh(advertisedSections(surface.server)).catch((error: unknown) => {
          this.#options.log(`periodic re-probe failed: ${describe(error)}`);
        });
      }, interval);
      this.#timer.unref();
    }
  }

  async #ensureReady(): Promise<void> {
    if (this.#ready === undefined) {
      throw new Error('the session is not initialized');
    }
    if (!(await this.#ready)) {
      // The first probe failed: try again now, so a transient fault does not wedge the session.
      const surface = this.#surface;
      if (surface === undefined) throw new Error('the session is not initialized');
      this.#ready = this.#refresh(advertisedSections(surface.server)).then(() => true);
      await this.#ready;
    }
  }

  /** Re-lists the given sections upstream (serialized), observes, and records the outcome. */
  #refresh(sections: Section[]): Promise<void> {
    const run = this.#chain.then(async () => {
      const surface = this.#surface;
      const profile = this.#profile;
      if (surface === undefined || profile === undefined)
        throw new Error('the session is not initialized');
      const next: Surface = { ...surface };
      for (const section of sections) {
        next[section] = await fetchSection(
          (method, params) => this.#requestUpstream(method, params),
          section,
          this.#options.limits,
        );
      }
      this.#surface = next;
      const observation: Observation = {
        surface: next,
        digests: computeSurfaceDigests(next),
        profile,
        observedAt: this.#options.clock.now(),
      };
      const { name, posture, clock } = this.#options;
      const last = this.#observation;
      if (
        last !== undefined &&
        this.#record !== undefined &&
        last.profile === profile &&
        digestEquals(last.digests.surface, observation.digests.surface)
      ) {
        // Same surface as this session's last recorded look: nothing to record (every-call path).
        return;
      }
      const stored = await this.#options.store.update(name, (current) =>
        applyObservation(current, observation, posture, { name, now: clock.now() }),
      );
      const previous = this.#record?.status;
      this.#observation = observation;
      this.#record = stored;
      if (stored !== undefined && stored.status !== 'verified' && stored.status !== previous) {
        this.#options.log(
          `server "${name}" is ${stored.status}: ${stored.reason}. Review with: holdfast diff ${name}`,
        );
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #currentRecord(): Promise<ServerRecord | undefined> {
    const status = await this.#options.store.getStatus(this.#options.name);
    if (status === undefined) return (this.#record = undefined);
    if (this.#record?.revision !== status.revision) {
      this.#record = await this.#options.store.getServer(this.#options.name);
    }
    return this.#record;
  }

  async #recordEvents(events: PinEvent[]): Promise<void> {
    try {
      await this.#options.store.update(this.#options.name, (current) =>
        current === undefined ? undefined : { record: current, events },
      );
    } catch (error) {
      this.#options.log(`could not record an event: ${describe(error)}`);
    }
  }

  // ---- plumbing --------------------------------------------------------------------------

  /** Relays a client request that passed its checks, remembering it so it always gets an answer. */
  async #forward(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    this.#clientRequests.set(m.id, m.method);
    await this.#sendUpstream(message);
  }

  #requestUpstream(method: string, params: JsonObject): Promise<JsonObject> {
    const id = `${this.#idPrefix}${this.#nextId++}`;
    return new Promise<JsonObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#ownRequests.delete(id);
        reject(
          new UpstreamError(
            'UPSTREAM_TIMEOUT',
            `the server did not answer ${method} within ${this.#options.requestTimeoutMs} ms`,
            { details: { method } },
          ),
        );
      }, this.#options.requestTimeoutMs);
      timer.unref();
      this.#ownRequests.set(id, { resolve, reject, timer });
      this.#up.send(toRequest(id, method, params)).catch((error: unknown) => {
        this.#ownRequests.delete(id);
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  #settleOwn(m: Extract<Classified, { kind: 'response' | 'error' }>): boolean {
    if (typeof m.id !== 'string') return false;
    const pending = this.#ownRequests.get(m.id);
    if (pending === undefined) return false;
    this.#ownRequests.delete(m.id);
    clearTimeout(pending.timer);
    if (m.kind === 'response') pending.resolve(m.result);
    else
      pending.reject(
        new UpstreamError(
          'UPSTREAM_PROTOCOL',
          `the server answered a probe with an error (${typeof m.error['code'] === 'number' ? m.error['code'] : '?'})`,
          { details: { reason: 'probe-error' } },
        ),
      );
    return true;
  }

  async #replyError(id: RequestId, error: unknown): Promise<void> {
    this.#options.log(`request failed: ${describe(error)}`);
    const wire = toJsonRpcError(error);
    return this.#sendClient(toErrorResponse(id, wire.code, wire.message, wire.data));
  }

  async #sendClient(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#down.send(message);
    } catch (error) {
      this.#options.log(`could not write to the client: ${describe(error)}`);
    }
  }

  async #sendUpstream(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#up.send(message);
    } catch (error) {
      this.#options.log(`could not write to the server: ${describe(error)}`);
      const m = classify(message);
      if (m.kind === 'request') {
        this.#clientRequests.delete(m.id);
        await this.#replyError(m.id, error);
      }
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return 'unknown error';
}

function describeCode(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL';
}
