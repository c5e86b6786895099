import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

import { UpstreamError } from '../../shared/errors.js';
import { isJsonObject, SECTION_METHOD } from '../../surface/snapshot.js';
import type { JsonObject, Section } from '../../surface/types.js';
import { SECTIONS } from '../../surface/types.js';
import { describeError } from '../describe-error.js';
import { toJsonRpcError } from '../to-json-rpc-error.js';
import type { Classified, RequestId } from '../wire.js';
import { classify, toErrorResponse, toResult } from '../wire.js';
import type { ClientNotificationDeps } from './from-client.js';
import { relayClientNotification } from './from-client.js';
import { FromMember } from './from-member.js';
import { initializeMembers } from './initialize-members.js';
import { AggregateLists } from './lists.js';
import { MemberLink } from './member-link.js';
import type { AggregateServerInfo } from './merge-initialize.js';
import { LIST_CAPABILITIES } from './merge-initialize.js';
import { verifyMemberName } from './names.js';
import type { Outstanding } from './outstanding.js';
import { progressTokenOf } from './outstanding.js';
import {
  REFUSALS,
  toClosedResponse,
  toInvalidRequest,
  toMethodNotFound,
  toRefusalResponse,
  toRouteRefusal,
} from './replies.js';
import { isRoutedByUri, ROUTED_METHODS, routeRequest } from './route-request.js';
import { ServerRequestMap } from './server-requests.js';

/** What an aggregated endpoint fronts, and how. */
export interface AggregatorOptions {
  /** Each member by name: the client side of a link its GatewaySession serves. In member order. */
  members: ReadonlyMap<string, Transport>;
  /** Items per page of aggregated lists (default 100). */
  pageSize?: number;
  /** Timeout of each request the aggregator itself sends a member (initialize, lists). */
  requestTimeoutMs: number;
  /** What the endpoint calls itself in `initialize`. */
  serverInfo: AggregateServerInfo;
  log: (line: string) => void;
}

/** The list method of each section, answered from the members' lists. */
const LIST_METHODS: ReadonlyMap<string, Section> = new Map(
  SECTIONS.map((section) => [SECTION_METHOD[section].method, section]),
);

/**
 * One downstream client session in front of several members, each a GatewaySession guarding one
 * upstream server (DESIGN §11, issue 6). Every protection stays in the members; the aggregator only
 * namespaces tool and prompt names, pages the merged lists with cursors it mints, and routes each
 * message to the one member it concerns. Messages are relayed as received, except the fields it
 * must rewrite (names, ids of server→client requests, cursors).
 */
export class Aggregator {
  readonly #down: Transport;
  readonly #options: AggregatorOptions;
  readonly #members: ReadonlyMap<string, MemberLink>;
  readonly #lists: AggregateLists;
  readonly #serverRequests = new ServerRequestMap();
  /** Client requests relayed to a member, until it answers. */
  readonly #outstanding = new Map<RequestId, Outstanding>();
  readonly #fromMember: FromMember;
  readonly #notificationDeps: ClientNotificationDeps;
  /** The capabilities the client was told of (merged from the members). */
  #capabilities: JsonObject = {};
  #isInitializeSeen = false;
  #isInitializing = false;
  #closed = false;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(downstream: Transport, options: AggregatorOptions) {
    for (const name of options.members.keys()) verifyMemberName(name);
    this.#down = downstream;
    this.#options = options;
    this.#lists = new AggregateLists(options.pageSize, options.log);
    this.#members = new Map(
      [...options.members].map(([name, transport]) => [
        name,
        new MemberLink(name, transport, options.requestTimeoutMs),
      ]),
    );
    this.#fromMember = new FromMember({
      outstanding: this.#outstanding,
      serverRequests: this.#serverRequests,
      sendClient: (message) => this.#sendClient(message),
      listChanged: (sections) => this.#lists.invalidate(sections),
      log: options.log,
    });
    this.#notificationDeps = {
      outstanding: this.#outstanding,
      serverRequests: this.#serverRequests,
      member: (name) => this.#members.get(name),
      live: () => this.#live(),
      sendMember: (member, relayed) => this.#sendMember(member, relayed),
      log: options.log,
    };
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Resolves once the session has closed, with every member link. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Wires and starts every member link, then the client's. */
  async start(): Promise<void> {
    for (const member of this.#members.values()) {
      await member.start({
        message: (message) => void this.#fromMember.handle(member, message),
        error: (error) => this.#options.log(`${member.name}: link error: ${error.message}`),
        close: () => void this.#memberClosed(member),
      });
    }
    this.#down.onmessage = (message) => void this.#fromClient(message);
    this.#down.onerror = (error) => this.#options.log(`client transport error: ${error.message}`);
    this.#down.onclose = () => void this.close('the client closed the connection');
    await this.#down.start();
  }

  /** Closes the client and every member link once; requests still relayed get errors. */
  async close(reason = 'the session ended'): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.log(`closing: ${reason}`);
    const closed = new UpstreamError('UPSTREAM_CLOSED', 'the session closed');
    for (const member of this.#members.values()) member.markOut(closed);
    for (const [id, entry] of this.#outstanding) {
      if (!entry.isCancelled) await this.#sendClient(toClosedResponse(id, reason));
    }
    this.#outstanding.clear();
    const links = [...this.#members.values()].map((member) => member.close());
    await Promise.allSettled([this.#down.close(), ...links]);
    this.#resolveDone();
  }

  // ---- client → members ------------------------------------------------------------------

  async #fromClient(message: JSONRPCMessage): Promise<void> {
    const m = classify(message);
    switch (m.kind) {
      case 'request':
        return this.#clientRequest(m, message);
      case 'notification':
        return relayClientNotification(m, message, this.#notificationDeps);
      case 'response':
      case 'error': {
        // The client's answer to a member's request, under the id minted for it.
        const request = this.#serverRequests.take(m.id);
        const member = request === undefined ? undefined : this.#members.get(request.member);
        if (request === undefined || member === undefined || member.isOut) {
          this.#options.log('dropped a client response to no request of a live server');
          return;
        }
        return this.#sendMember(member, { ...message, id: request.id });
      }
      case 'invalid':
        this.#options.log('dropped a message from the client that is not JSON-RPC');
        return;
    }
  }

  async #clientRequest(
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    if (m.method === 'initialize') return this.#initialize(m);
    if (m.method === 'ping') return this.#sendClient(toResult(m.id, {}));
    if (m.method === 'logging/setLevel') return this.#setLevel(m);
    const section = LIST_METHODS.get(m.method);
    if (section !== undefined) return this.#list(m.id, section, m.params);
    if (!ROUTED_METHODS.has(m.method)) return this.#sendClient(toMethodNotFound(m.id));
    if (isRoutedByUri(m.method, m.params)) await this.#lists.refreshRoutes(this.#live());
    const routed = routeRequest(m.method, m.params, {
      isMember: (name) => this.#members.has(name),
      routes: this.#lists.routes,
    });
    const member = routed.kind === 'member' ? this.#members.get(routed.member) : undefined;
    if (routed.kind === 'refused' || member?.isLive !== true) {
      const refusal = routed.kind === 'refused' ? routed.refusal : REFUSALS.unavailable;
      return this.#sendClient(toRouteRefusal(m.id, m.method, refusal));
    }
    if (this.#outstanding.has(m.id)) {
      return this.#sendClient(toInvalidRequest(m.id, 'DUPLICATE_ID'));
    }
    const entry: Outstanding = { member: member.name, isCancelled: false };
    const token = progressTokenOf(m.params);
    if (token !== undefined) entry.progressToken = token;
    this.#outstanding.set(m.id, entry);
    const isRewritten = routed.params !== m.params;
    return this.#sendMember(member, isRewritten ? { ...message, params: routed.params } : message);
  }

  async #initialize(m: Extract<Classified, { kind: 'request' }>): Promise<void> {
    if (this.#isInitializeSeen) {
      return this.#sendClient(toInvalidRequest(m.id, 'ALREADY_INITIALIZED'));
    }
    this.#isInitializeSeen = true;
    this.#isInitializing = true;
    try {
      const members = [...this.#members.values()];
      const merged = await initializeMembers(members, m.params, this.#options);
      if (merged === undefined) {
        const reason = 'no server behind this endpoint could be initialized';
        await this.#sendClient(toClosedResponse(m.id, reason, 'NO_MEMBER'));
      } else {
        const capabilities = merged.result['capabilities'];
        this.#capabilities = isJsonObject(capabilities) ? capabilities : {};
        await this.#sendClient(toResult(m.id, merged.result));
        this.#down.setProtocolVersion?.(merged.protocolVersion);
      }
      // A member left out stays out for this session: its link is closed.
      await Promise.allSettled(members.filter((x) => x.isOut).map((x) => x.close()));
    } finally {
      this.#isInitializing = false;
    }
    this.#closeIfEmpty();
  }

  async #list(id: RequestId, section: Section, params: JsonObject): Promise<void> {
    const answer = await this.#lists.answer(section, params, this.#live());
    return this.#sendClient(
      'result' in answer ? toResult(id, answer.result) : toRefusalResponse(id, answer.refusal),
    );
  }

  async #setLevel(m: Extract<Classified, { kind: 'request' }>): Promise<void> {
    const targets = this.#live().filter((member) => member.declares('logging'));
    const settled = await Promise.allSettled(
      targets.map((member) => member.request('logging/setLevel', m.params)),
    );
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed === undefined) return this.#sendClient(toResult(m.id, {}));
    this.#options.log(`logging/setLevel failed: ${describeError(failed.reason)}`);
    const wire = toJsonRpcError(failed.reason);
    return this.#sendClient(toErrorResponse(m.id, wire.code, wire.message, wire.data));
  }

  // ---- members ---------------------------------------------------------------------------

  async #memberClosed(member: MemberLink): Promise<void> {
    if (this.#closed) return;
    const declared = LIST_CAPABILITIES.filter((capability) => member.declares(capability));
    member.markOut(new UpstreamError('UPSTREAM_CLOSED', 'the server closed the connection'));
    this.#options.log(`${member.name}: the link closed; it is out of this session`);
    for (const [id, entry] of [...this.#outstanding]) {
      if (entry.member !== member.name) continue;
      this.#outstanding.delete(id);
      if (!entry.isCancelled) await this.#sendClient(toClosedResponse(id, 'the server went away'));
    }
    for (const requestId of this.#serverRequests.dropMember(member.name)) {
      await this.#sendClient({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId, reason: 'the server went away' },
      });
    }
    this.#lists.routes.dropMember(member.name);
    this.#lists.invalidate(SECTIONS);
    // Its items are gone from the lists: say so where the client was told lists may change.
    for (const capability of declared) {
      const own = this.#capabilities[capability];
      if (isJsonObject(own) && own['listChanged'] === true) {
        await this.#sendClient({
          jsonrpc: '2.0',
          method: `notifications/${capability}/list_changed`,
        });
      }
    }
    this.#closeIfEmpty();
  }

  #closeIfEmpty(): void {
    if (this.#isInitializing) return;
    if ([...this.#members.values()].every((member) => member.isOut)) {
      void this.close('no server behind this endpoint is left');
    }
  }

  #live(): MemberLink[] {
    return [...this.#members.values()].filter((member) => member.isLive);
  }

  async #sendMember(member: MemberLink, message: JSONRPCMessage): Promise<void> {
    try {
      await member.send(message);
    } catch (error) {
      this.#options.log(`${member.name}: could not write to the link: ${describeError(error)}`);
      const m = classify(message);
      if (m.kind === 'request' && this.#outstanding.delete(m.id)) {
        await this.#sendClient(toClosedResponse(m.id, 'the server is not reachable'));
      }
    }
  }

  async #sendClient(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#down.send(message);
    } catch (error) {
      this.#options.log(`could not write to the client: ${describeError(error)}`);
    }
  }
}
