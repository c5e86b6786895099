import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import { isJsonObject } from '../../surface/snapshot.js';
import type { JsonObject, Section } from '../../surface/types.js';
import { describeError } from '../describe-error.js';
import { JSON_RPC } from '../to-json-rpc-error.js';
import type { Classified, RequestId } from '../wire.js';
import { classify, toErrorResponse, toResult } from '../wire.js';
import type { MemberLink } from './member-link.js';
import type { Outstanding } from './outstanding.js';
import { progressTokenOf } from './outstanding.js';
import type { ServerRequestMap } from './server-requests.js';

/** What handling member messages needs of the aggregator. */
export interface FromMemberDeps {
  outstanding: Map<RequestId, Outstanding>;
  serverRequests: ServerRequestMap;
  sendClient: (message: JSONRPCMessage) => Promise<void>;
  /** A member said these sections changed: cursors into them are void. */
  listChanged: (sections: readonly Section[]) => void;
  log: (line: string) => void;
}

const LIST_CHANGED: Readonly<Record<string, readonly Section[]>> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

/**
 * Relays what members send to the client. A member may only answer, cancel or report progress on
 * requests that are its own: anything naming another member's request is dropped, so no member
 * can answer for (or interfere with) another.
 */
export class FromMember {
  readonly #deps: FromMemberDeps;

  constructor(deps: FromMemberDeps) {
    this.#deps = deps;
  }

  async handle(member: MemberLink, message: JSONRPCMessage): Promise<void> {
    const m = classify(message);
    if ((m.kind === 'response' || m.kind === 'error') && member.settle(m)) return;
    if (member.isOut) {
      this.#deps.log(`${member.name}: dropped a message from a server out of this session`);
      return;
    }
    switch (m.kind) {
      case 'response':
      case 'error': {
        const entry = m.id === null ? undefined : this.#deps.outstanding.get(m.id);
        if (m.id === null || entry?.member !== member.name) {
          this.#deps.log(`${member.name}: dropped a response to no request relayed to it`);
          return;
        }
        this.#deps.outstanding.delete(m.id);
        return this.#deps.sendClient(message);
      }
      case 'notification':
        return this.#notification(member, m, message);
      case 'request':
        return this.#request(member, m, message);
      case 'invalid':
        this.#deps.log(`${member.name}: dropped a message that is not JSON-RPC`);
        return;
    }
  }

  async #notification(
    member: MemberLink,
    m: Extract<Classified, { kind: 'notification' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    if (m.method === 'notifications/cancelled') {
      // The member gave up on its own request to the client: name it by the id the client saw.
      const id = m.params['requestId'];
      const minted =
        typeof id === 'string' || typeof id === 'number'
          ? this.#deps.serverRequests.mintedId(member.name, id)
          : undefined;
      if (minted === undefined) {
        this.#deps.log(`${member.name}: dropped a cancellation of no request of its own`);
        return;
      }
      this.#deps.serverRequests.take(minted);
      const params: JsonObject = { ...m.params, requestId: minted };
      return this.#deps.sendClient({ ...message, params });
    }
    if (m.method === 'notifications/progress' && !this.#ownsProgress(member, m.params)) {
      this.#deps.log(`${member.name}: dropped progress on no request relayed to it`);
      return;
    }
    const sections = Object.hasOwn(LIST_CHANGED, m.method) ? LIST_CHANGED[m.method] : undefined;
    if (sections !== undefined) this.#deps.listChanged(sections);
    return this.#deps.sendClient(message);
  }

  /** Sampling, elicitation, roots/list (and a member gateway's own questions about held calls). */
  async #request(
    member: MemberLink,
    m: Extract<Classified, { kind: 'request' }>,
    message: JSONRPCMessage,
  ): Promise<void> {
    // The aggregator is the member's client: it answers liveness checks itself.
    if (m.method === 'ping') return this.#reply(member, toResult(m.id, {}));
    const token = progressTokenOf(m.params);
    const minted = this.#deps.serverRequests.add(
      token === undefined
        ? { member: member.name, id: m.id }
        : { member: member.name, id: m.id, progressToken: token },
    );
    if (minted === undefined) {
      return this.#reply(
        member,
        toErrorResponse(
          m.id,
          JSON_RPC.INTERNAL_ERROR,
          'holdfast: too many requests to the client',
          {
            code: 'TOO_MANY_REQUESTS',
          },
        ),
      );
    }
    let params = m.params;
    if (minted.progressToken !== undefined) {
      const meta = isJsonObject(params['_meta']) ? params['_meta'] : {};
      params = { ...params, _meta: { ...meta, progressToken: minted.progressToken } };
    }
    return this.#deps.sendClient({ ...message, id: minted.id, params });
  }

  #ownsProgress(member: MemberLink, params: JsonObject): boolean {
    const token = params['progressToken'];
    if (typeof token !== 'string' && typeof token !== 'number') return false;
    for (const entry of this.#deps.outstanding.values()) {
      if (entry.member === member.name && entry.progressToken === token) return true;
    }
    return false;
  }

  async #reply(member: MemberLink, message: JSONRPCMessage): Promise<void> {
    try {
      await member.send(message);
    } catch (error) {
      this.#deps.log(`${member.name}: could not write to the link: ${describeError(error)}`);
    }
  }
}
