/**
 * The SDK's stdio server transport with a raw send path: a response can be replaced by a string the
 * server renders itself (duplicate keys, 10,000-level nesting — things `JSON.stringify` of an SDK
 * result cannot produce), and arbitrary bytes can be written to stdout.
 */
import { appendFileSync } from 'node:fs';
import type { Writable } from 'node:stream';

import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

/** Renders the complete wire line (without the trailing newline) for a response. */
export type RawRenderer = (message: JSONRPCMessage) => string;

export class RawStdioTransport extends StdioServerTransport {
  readonly #out: Writable;
  readonly #overrides = new Map<RequestId, RawRenderer>();

  constructor(stdout: Writable = process.stdout) {
    super(process.stdin, stdout);
    this.#out = stdout;
  }

  /** The response to request `id` is written as `render(response)` instead of its JSON. */
  overrideResponse(id: RequestId, render: RawRenderer): void {
    this.#overrides.set(id, render);
  }

  /** Writes `text` to stdout as is (no framing added). */
  writeRaw(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.#out.write(text)) resolve();
      else this.#out.once('drain', resolve);
    });
  }

  override async send(message: JSONRPCMessage): Promise<void> {
    const id = 'id' in message && !('method' in message) ? message.id : undefined;
    if (id !== undefined) {
      const render = this.#overrides.get(id);
      if (render !== undefined) {
        this.#overrides.delete(id);
        await this.writeRaw(`${render(message)}\n`);
        return;
      }
    }
    await super.send(message);
  }
}

/**
 * Appends one JSON line `{kind, method, id?, params}` per received request or notification to
 * `file`, synchronously, before the server handles it. Install before `server.connect`: the SDK
 * chains an existing `onmessage`.
 */
export function recordInbound(transport: RawStdioTransport, file: string): void {
  transport.onmessage = (message) => {
    if (!('method' in message)) return;
    const entry =
      'id' in message
        ? { kind: 'request', method: message.method, id: message.id, params: message.params }
        : { kind: 'notification', method: message.method, params: message.params };
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  };
}
