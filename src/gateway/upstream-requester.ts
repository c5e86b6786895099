import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import { UpstreamError } from '../shared/errors.js';
import { createId } from '../shared/ids.js';
import type { JsonObject } from '../surface/types.js';
import type { Classified } from './wire.js';
import { toRequest } from './wire.js';

interface Pending {
  resolve: (result: JsonObject) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests the gateway sends upstream on its own behalf (probes). Their ids carry a random
 * per-session prefix, so they never collide with the client's ids; their responses are consumed
 * here and never relayed.
 */
export class UpstreamRequester {
  readonly #send: (message: JSONRPCMessage) => Promise<void>;
  readonly #timeoutMs: number;
  readonly #prefix = `${createId('holdfast')}:`;
  #next = 1;
  readonly #pending = new Map<string, Pending>();

  constructor(send: (message: JSONRPCMessage) => Promise<void>, timeoutMs: number) {
    this.#send = send;
    this.#timeoutMs = timeoutMs;
  }

  /** Sends `method` upstream and resolves with its result; times out as UPSTREAM_TIMEOUT. */
  request(method: string, params: JsonObject): Promise<JsonObject> {
    const id = `${this.#prefix}${this.#next++}`;
    return new Promise<JsonObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new UpstreamError(
            'UPSTREAM_TIMEOUT',
            `the server did not answer ${method} within ${this.#timeoutMs} ms`,
            { details: { method } },
          ),
        );
      }, this.#timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
      this.#send(toRequest(id, method, params)).catch((error: unknown) => {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** Settles one of our requests with its response; false when the response is not ours. */
  settle(m: Extract<Classified, { kind: 'response' | 'error' }>): boolean {
    const pending = this.#take(m.id);
    if (pending === undefined) return false;
    if (m.kind === 'response') {
      pending.resolve(m.result);
    } else {
      const code = typeof m.error['code'] === 'number' ? m.error['code'] : '?';
      pending.reject(
        new UpstreamError(
          'UPSTREAM_PROTOCOL',
          `the server answered a probe with an error (${code})`,
          {
            details: { reason: 'probe-error' },
          },
        ),
      );
    }
    return true;
  }

  /** Fails one of our requests (its response was refused); false when the id is not ours. */
  fail(id: unknown, error: Error): boolean {
    const pending = this.#take(id);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Fails every request still waiting. */
  failAll(error: Error): void {
    for (const id of [...this.#pending.keys()]) this.fail(id, error);
  }

  #take(id: unknown): Pending | undefined {
    if (typeof id !== 'string') return undefined;
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }
}
