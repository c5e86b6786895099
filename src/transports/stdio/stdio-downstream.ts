/**
 * Downstream transport: the MCP client on our stdin/stdout (`holdfast run`). Input goes through the
 * same strict line reader as the server's output, so a client line that is not JSON, nests deeper
 * than the limit or is too long never reaches the gateway; the client gets a JSON-RPC error for it
 * (JSON-RPC 2.0 §5.1: -32700 parse error, -32600 invalid request) and stderr gets the reason.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';

import { GatewayError } from '../../shared/errors.js';
import { sendMessageLine } from '../raw-bytes.js';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_DEPTH } from '../wire-check.js';
import type { RejectedLine } from './line-reader.js';
import { LineReader } from './line-reader.js';

/** Options for {@link createStdioDownstream}. */
export interface StdioDownstreamOptions {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  maxMessageBytes?: number;
  maxDepth?: number;
}

/** A client-side message Holdfast refused; details are safe to log (never the line itself). */
export class DownstreamError extends GatewayError<'DOWNSTREAM_PROTOCOL'> {}

/** Creates the transport; `start()` begins reading stdin. */
export function createStdioDownstream(options: StdioDownstreamOptions): Transport {
  return new StdioDownstream(options);
}

class StdioDownstream implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  readonly #options: StdioDownstreamOptions;
  readonly #reader: LineReader;
  #isClosed = false;
  readonly #onData = (chunk: Buffer | string): void => {
    this.#reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };
  readonly #onEnd = (): void => void this.close();

  constructor(options: StdioDownstreamOptions) {
    this.#options = options;
    this.#reader = new LineReader({
      maxBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_MESSAGE_DEPTH,
      onMessage: (message) => this.onmessage?.(message),
      onReject: (rejected) => void this.#refuse(rejected),
    });
  }

  start(): Promise<void> {
    const { stdin, stdout } = this.#options;
    stdin.on('data', this.#onData);
    stdin.on('end', this.#onEnd);
    stdin.on('close', this.#onEnd);
    stdout.on('error', this.#onEnd);
    return Promise.resolve();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#isClosed) return;
    const { stdout } = this.#options;
    await sendMessageLine(stdout, message);
  }

  close(): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    this.#isClosed = true;
    const { stdin, stdout } = this.#options;
    stdin.off('data', this.#onData);
    stdin.off('end', this.#onEnd);
    stdin.off('close', this.#onEnd);
    stdout.off('error', this.#onEnd);
    this.onclose?.();
    return Promise.resolve();
  }

  async #refuse(rejected: RejectedLine): Promise<void> {
    const isParseError = rejected.reason === 'SURFACE_NOT_JSON';
    const code = isParseError ? -32700 : -32600;
    const what = isParseError
      ? 'parse error: the line is not JSON'
      : `invalid request (${rejected.reason})`;
    this.onerror?.(
      new DownstreamError('DOWNSTREAM_PROTOCOL', `refused a client message: ${what}`, {
        details: { reason: rejected.reason },
      }),
    );
    const id = rejected.id ?? null;
    const reply = {
      jsonrpc: '2.0',
      id,
      error: { code, message: `holdfast: ${what}`, data: { code: rejected.reason } },
    };
    await this.send(reply as unknown as JSONRPCMessage);
  }
}
