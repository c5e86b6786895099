import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

import { isJsonObject } from '../../surface/snapshot.js';
import type { JsonObject } from '../../surface/types.js';
import { UpstreamRequester } from '../upstream-requester.js';
import type { Classified } from '../wire.js';

/** Callbacks for what arrives on a member link. */
export interface MemberHandlers {
  message: (message: JSONRPCMessage) => void;
  error: (error: Error) => void;
  close: () => void;
}

/**
 * One member of an aggregated endpoint: the client side of the link its GatewaySession serves.
 * `starting` until it answers `initialize`, `live` after, `out` once it failed or went away (for
 * the rest of the client session).
 */
export class MemberLink {
  readonly name: string;
  readonly #transport: Transport;
  /** Requests the aggregator itself sends (initialize, lists, setLevel), under unguessable ids. */
  readonly #requester: UpstreamRequester;
  #state: 'starting' | 'live' | 'out' = 'starting';
  #capabilities: JsonObject = {};

  constructor(name: string, transport: Transport, timeoutMs: number) {
    this.name = name;
    this.#transport = transport;
    this.#requester = new UpstreamRequester((message) => transport.send(message), timeoutMs);
  }

  get isLive(): boolean {
    return this.#state === 'live';
  }

  /** Whether it failed initialize or went away: it is out for the rest of the session. */
  get isOut(): boolean {
    return this.#state === 'out';
  }

  /** Whether the member is live and declared `capability` in its initialize result. */
  declares(capability: string): boolean {
    return this.isLive && isJsonObject(this.#capabilities[capability]);
  }

  /** It answered initialize with these capabilities. */
  markLive(capabilities: JsonObject, protocolVersion: string): void {
    this.#state = 'live';
    this.#capabilities = capabilities;
    this.#transport.setProtocolVersion?.(protocolVersion);
  }

  /** It failed or went away: nothing more is sent to it, and what it was asked fails. */
  markOut(error: Error): void {
    this.#state = 'out';
    this.#requester.failAll(error);
  }

  /** Installs the handlers, then starts the transport. */
  async start(handlers: MemberHandlers): Promise<void> {
    this.#transport.onmessage = (message) => handlers.message(message);
    this.#transport.onerror = (error) => handlers.error(error);
    this.#transport.onclose = () => handlers.close();
    await this.#transport.start();
  }

  /** Sends `method` on the aggregator's own behalf; times out as UPSTREAM_TIMEOUT. */
  request(method: string, params: JsonObject): Promise<JsonObject> {
    return this.#requester.request(method, params);
  }

  /** Settles one of the aggregator's own requests; false when the response answers the client. */
  settle(m: Extract<Classified, { kind: 'response' | 'error' }>): boolean {
    return this.#requester.settle(m);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.#transport.send(message);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}
