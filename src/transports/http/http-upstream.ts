/**
 * Upstream transport for an MCP server reached over HTTP: Streamable HTTP, legacy HTTP+SSE, or
 * `auto` (Streamable HTTP first; if the first POST fails with 400, 404 or 405, fall back to the
 * legacy SSE transport and replay that message, as the MCP spec's "Backwards compatibility" section
 * for clients describes).
 *
 * Streamable HTTP runs on our own `node:http` transport (streamable-upstream.ts); legacy SSE on the
 * SDK's transport, with a `fetch` that checks every JSON body and every SSE `message` event before
 * the SDK sees it. Both apply the same strict checks (duplicate keys, depth, size, JSON-RPC shape):
 * a bad message never reaches `onmessage`. A bad JSON body makes the POST fail with
 * `UpstreamError('UPSTREAM_PROTOCOL')`, a bad SSE event is dropped from the stream and reported
 * through `onerror`. Errors never quote header values or the rejected text.
 */
import {
  type FetchLike,
  type JSONRPCMessage,
  SSEClientTransport,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/client';

import { UpstreamError } from '../../shared/errors.js';
import {
  checkUpstreamText,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_MESSAGE_DEPTH,
  recoverJsonRpcId,
  toProtocolError,
  type WireVerdict,
} from '../wire-check.js';
import { createStreamableUpstream } from './streamable-upstream.js';

/** Options for {@link createHttpUpstream}. */
export interface HttpUpstreamOptions {
  url: URL;
  /** Sent with every request (e.g. Authorization). Never copied into errors. */
  headers?: Record<string, string>;
  /** Used by the legacy SSE transport only; Streamable HTTP runs on `node:http`. */
  fetch?: typeof fetch;
  /** Default `auto`: Streamable HTTP, falling back to legacy SSE. */
  transport?: 'auto' | 'streamable-http' | 'sse';
  /** Largest accepted message in bytes. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Deepest accepted nesting. Default 64. */
  maxDepth?: number;
}

interface Limits {
  maxBytes: number;
  maxDepth: number;
}

/** HTTP statuses on the first POST that mean "this is a legacy HTTP+SSE server". */
const LEGACY_STATUSES = new Set([400, 404, 405]);

/** Creates the transport; `start()` (called by `Client.connect`) does no network I/O for HTTP. */
export function createHttpUpstream(options: HttpUpstreamOptions): Transport {
  return new HttpUpstream(options);
}

class HttpUpstream implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;

  readonly #options: HttpUpstreamOptions;
  readonly #fetch: FetchLike;
  readonly #limits: Limits;
  #inner: Transport | undefined;
  #kind: 'streamable-http' | 'sse' | undefined;
  #isDecided: boolean;
  #probe: Promise<void> | undefined;
  #heldErrors: Error[] | undefined;
  #protocolVersion: string | undefined;
  #isClosing = false;
  #isClosed = false;

  constructor(options: HttpUpstreamOptions) {
    this.#options = options;
    this.#isDecided = (options.transport ?? 'auto') !== 'auto';
    const limits = {
      maxBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_MESSAGE_DEPTH,
    };
    this.#limits = limits;
    this.#fetch = createGuardedFetch(options.fetch ?? fetch, limits, (error) => {
      this.#reportError(error);
    });
  }

  get sessionId(): string | undefined {
    return this.#kind === 'streamable-http' ? this.#inner?.sessionId : undefined;
  }

  get hasPerRequestStream(): boolean {
    return this.#kind === 'streamable-http';
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
    this.#inner?.setProtocolVersion?.(version);
  }

  async start(): Promise<void> {
    await this.#attach(this.#options.transport === 'sse' ? 'sse' : 'streamable-http');
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#probe) await this.#probe.catch(() => undefined);
    const inner: Transport | undefined = this.#inner;
    if (!inner || this.#isClosing) {
      throw new UpstreamError('UPSTREAM_CLOSED', 'Upstream HTTP transport is not open');
    }
    if (this.#isDecided) {
      await inner.send(message, options);
      return;
    }
    // auto: hold later sends until the first one has shown which transport the server speaks.
    this.#isDecided = true;
    this.#probe = this.#sendFirst(inner, message, options);
    try {
      await this.#probe;
    } finally {
      this.#probe = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosing = true;
    if (this.#inner) await this.#inner.close();
    else this.#fireClose();
  }

  /** Sends the first message over Streamable HTTP; on a legacy status, retries it over SSE. */
  async #sendFirst(
    inner: Transport,
    message: JSONRPCMessage,
    options?: TransportSendOptions,
  ): Promise<void> {
    const held: Error[] = [];
    this.#heldErrors = held;
    try {
      await inner.send(message, options);
    } catch (error) {
      this.#heldErrors = undefined;
      if (!isLegacyStatus(error)) {
        held.forEach((e) => this.onerror?.(e));
        throw error;
      }
      inner.onclose = undefined;
      inner.onerror = undefined;
      await inner.close();
      const sse = await this.#attach('sse');
      await sse.send(message);
      return;
    }
    this.#heldErrors = undefined;
    held.forEach((e) => this.onerror?.(e));
  }

  async #attach(kind: 'streamable-http' | 'sse'): Promise<Transport> {
    const { url, headers } = this.#options;
    const init = { fetch: this.#fetch, ...(headers ? { requestInit: { headers } } : {}) };
    const inner: Transport =
      kind === 'sse'
        ? // eslint-disable-next-line @typescript-eslint/no-deprecated -- legacy SSE (DESIGN §11)
          new SSEClientTransport(url, init)
        : createStreamableUpstream({
            url,
            headers,
            maxMessageBytes: this.#limits.maxBytes,
            maxDepth: this.#limits.maxDepth,
          });
    this.#inner = inner;
    this.#kind = kind;
    inner.onmessage = (message) => this.onmessage?.(message);
    inner.onerror = (error) => {
      this.#reportError(error);
    };
    inner.onclose = () => {
      if (this.#inner === inner) this.#fireClose();
    };
    if (this.#protocolVersion !== undefined) inner.setProtocolVersion?.(this.#protocolVersion);
    await inner.start();
    return inner;
  }

  #reportError(error: Error): void {
    // SSEClientTransport reports the aborts of its own close() (e.g. a POST still awaiting 202).
    if (this.#isClosing && error.name === 'AbortError') return;
    if (this.#heldErrors) this.#heldErrors.push(error);
    else this.onerror?.(error);
  }

  #fireClose(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.onclose?.();
  }
}

/** Whether the first POST failed with a status that means "a legacy HTTP+SSE server". */
function isLegacyStatus(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error.details['reason'] !== 'http-status') return false;
  const status = error.details['status'];
  return typeof status === 'number' && LEGACY_STATUSES.has(status);
}

/**
 * Wraps `base` so that what the SDK reads from a response has passed the strict checks.
 * `report` receives the errors for rejected messages that do not fail a request by themselves.
 */
export function createGuardedFetch(
  base: FetchLike,
  limits: Limits,
  report: (error: Error) => void,
): FetchLike {
  return async (url, init) => {
    const response = await base(url, init);
    const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (!response.body) return response;
    if (type === 'text/event-stream') {
      const guard = createSseGuard(limits, (verdict) => {
        report(toProtocolError(verdict));
      });
      return rebuild(response, response.body.pipeThrough(guard));
    }
    if (type !== 'application/json') return response;
    let verdict = await checkJsonBody(response.body, limits);
    if (verdict.ok) return rebuild(response, verdict.text);
    if (verdict.id === undefined && typeof init?.body === 'string') {
      // Our own request (small, well-formed): its id is the one the response had to answer.
      const id = recoverJsonRpcId(init.body);
      if (id !== undefined) verdict = { ...verdict, id };
    }
    if (response.ok) throw toProtocolError(verdict);
    report(toProtocolError(verdict));
    return rebuild(response, null);
  };
}

type BodyVerdict = { ok: true; text: string } | Extract<WireVerdict, { ok: false }>;

/** Reads at most `maxBytes` of a JSON body (attacker-controlled) and checks it. */
async function checkJsonBody(
  body: ReadableStream<Uint8Array>,
  limits: Limits,
): Promise<BodyVerdict> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > limits.maxBytes) {
      await reader.cancel();
      const prefix = Buffer.concat(chunks).toString('utf8');
      const id = recoverJsonRpcId(prefix);
      return id === undefined
        ? { ok: false, reason: 'oversize' }
        : { ok: false, reason: 'oversize', id };
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    return { ok: false, reason: 'SURFACE_NOT_JSON' };
  }
  const verdict = checkUpstreamText(text, limits);
  return verdict.ok ? { ok: true, text } : verdict;
}

function rebuild(response: Response, body: string | ReadableStream<Uint8Array> | null): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  const { status, statusText } = response;
  return new Response(body, { status, statusText, headers });
}

/**
 * A byte stream filter for `text/event-stream` (HTML Living Standard §9.2.6 "Interpreting an event
 * stream"): it splits lines on CR, LF or CRLF, gathers each event up to its blank line, and passes
 * the event on unchanged unless it is a `message` event whose data fails the checks. Linear time;
 * an event longer than `maxBytes` (counted in UTF-16 units here, in bytes by the parser) is dropped
 * without being kept. An unfinished event at the end of the stream is discarded, as the spec says.
 */
function createSseGuard(
  limits: Limits,
  reject: (verdict: { reason: string; id?: string | number }) => void,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let line = '';
  let isLineBlank = true; // tracked apart from `line`, which an oversize line leaves empty
  let isAfterCR = false;
  let lines: string[] = [];
  let size = 0;
  let eventType = '';
  let data: string[] = [];
  let oversizeId: string | number | undefined | null = null; // null: the event is not oversize

  const endLine = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    const text = line;
    const isBlank = isLineBlank;
    line = '';
    isLineBlank = true;
    if (!isBlank) {
      if (oversizeId !== null) return;
      lines.push(text);
      const colon = text.indexOf(':');
      const field = colon === -1 ? text : text.slice(0, colon);
      let value = colon === -1 ? '' : text.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') eventType = value;
      return;
    }
    // Events with empty data (e.g. resumability priming events) are never delivered by the SDK.
    const payload = data.join('\n');
    const isMessage = payload !== '' && (eventType === '' || eventType === 'message');
    const verdict = isMessage ? checkUpstreamText(payload, limits) : undefined;
    if (oversizeId !== null) {
      reject(
        oversizeId === undefined ? { reason: 'oversize' } : { reason: 'oversize', id: oversizeId },
      );
    } else if (verdict && !verdict.ok) {
      reject(verdict);
    } else {
      controller.enqueue(encoder.encode(lines.length === 0 ? '\n' : `${lines.join('\n')}\n\n`));
    }
    lines = [];
    data = [];
    size = 0;
    eventType = '';
    oversizeId = null;
  };

  return new TransformStream({
    transform(chunk, controller) {
      const text = decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c !== 0x0a && c !== 0x0d) continue;
        if (c === 0x0a && isAfterCR && i === start) {
          isAfterCR = false; // the LF of a CRLF split across chunks
          start = i + 1;
          continue;
        }
        addToLine(text.slice(start, i));
        endLine(controller);
        isAfterCR = c === 0x0d;
        if (isAfterCR && text.charCodeAt(i + 1) === 0x0a) {
          isAfterCR = false;
          i++;
        }
        start = i + 1;
      }
      if (start < text.length) {
        isAfterCR = false;
        addToLine(text.slice(start));
      }
    },
  });

  function addToLine(piece: string): void {
    if (piece !== '') isLineBlank = false;
    if (oversizeId !== null) return;
    size += piece.length + 1;
    if (size <= limits.maxBytes) {
      line += piece;
      return;
    }
    // Look for the id in what we hold (at most maxBytes plus one chunk), then stop keeping it.
    const partial = line + piece;
    const start = partial.startsWith('data: ') ? 6 : 5;
    const source =
      data.length > 0 ? data.join('\n') : partial.startsWith('data:') ? partial.slice(start) : '';
    oversizeId = recoverJsonRpcId(source);
    line = '';
    lines = [];
    data = [];
  }
}
