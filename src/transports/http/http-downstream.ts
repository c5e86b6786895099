/**
 * Downstream transport for one client session of `holdfast serve` (Streamable HTTP, MCP 2025-11-25):
 * the SDK's Web-standard server transport does the framing (POST bodies, SSE streams, GET streams,
 * `Mcp-Session-Id`, resumption with `Last-Event-ID`), and this wrapper adds what the gateway needs:
 *
 * - every POST body is read within the size limit and parsed strictly (duplicate keys, depth,
 *   JSON-RPC shape) before the SDK sees it, exactly like stdio input; batches are refused (removed
 *   from the protocol in 2025-06-18);
 * - progress notifications go on the SSE stream of the request they report on (by its
 *   `progressToken`) while that request is open, and on the session's GET stream after it.
 */
import type {
  EventStore,
  JSONRPCMessage,
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/server';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';

import { checkUpstreamText, DEFAULT_MAX_MESSAGE_DEPTH } from '../wire-check.js';

/** Options for {@link createHttpDownstream}. */
export interface HttpDownstreamOptions {
  /** The session id this transport hands out at `initialize`. */
  sessionId: string;
  /** Keeps the session's SSE events so a client can resume a dropped stream. */
  eventStore?: EventStore;
  maxMessageBytes: number;
  maxDepth?: number;
  /** Called when the client ends the session with DELETE. */
  onSessionClosed?: () => void;
}

/** A Transport that is fed HTTP requests. */
export interface HttpDownstream extends Transport {
  /** Answers one HTTP request of this session (POST, GET or DELETE). */
  handle(request: Request): Promise<Response>;
}

/** Creates the transport; the session's first request must be its `initialize` POST. */
export function createHttpDownstream(options: HttpDownstreamOptions): HttpDownstream {
  return new HttpDownstreamTransport(options);
}

type RequestId = string | number;

class HttpDownstreamTransport implements HttpDownstream {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;

  readonly #options: HttpDownstreamOptions;
  readonly #inner: WebStandardStreamableHTTPServerTransport;
  /** Client requests still waiting for their response, so related messages can join their stream. */
  readonly #open = new Set<RequestId>();
  /** The request each open progress token belongs to, and back (one lookup per response). */
  readonly #progress = new Map<string | number, RequestId>();
  readonly #tokenOf = new Map<RequestId, string | number>();

  constructor(options: HttpDownstreamOptions) {
    this.#options = options;
    const innerOptions: ConstructorParameters<typeof WebStandardStreamableHTTPServerTransport>[0] =
      {
        sessionIdGenerator: () => options.sessionId,
        maxRequestBodySize: options.maxMessageBytes,
        onsessionclosed: () => options.onSessionClosed?.(),
      };
    if (options.eventStore !== undefined) innerOptions.eventStore = options.eventStore;
    this.#inner = new WebStandardStreamableHTTPServerTransport(innerOptions);
    this.#inner.onmessage = (message) => {
      this.#track(message);
      this.onmessage?.(message);
    };
    this.#inner.onerror = (error) => this.onerror?.(error);
    this.#inner.onclose = () => this.onclose?.();
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  async handle(request: Request): Promise<Response> {
    if (request.method !== 'POST') return this.#inner.handleRequest(request);
    const body = await readBodyText(request, this.#options.maxMessageBytes);
    if (body === undefined) {
      return jsonRpcError(413, -32600, 'message too large', null);
    }
    const verdict = checkUpstreamText(body, {
      maxBytes: this.#options.maxMessageBytes,
      maxDepth: this.#options.maxDepth ?? DEFAULT_MAX_MESSAGE_DEPTH,
    });
    if (!verdict.ok) {
      const notJson = verdict.reason !== 'not-jsonrpc';
      const code = notJson ? -32700 : -32600;
      const why = notJson ? `parse error (${verdict.reason})` : 'not a JSON-RPC 2.0 message';
      return jsonRpcError(400, code, `holdfast: ${why}`, verdict.id ?? null);
    }
    return this.#inner.handleRequest(request, { parsedBody: verdict.message });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as { id?: unknown; method?: unknown; params?: unknown };
    const isResponse = m.method === undefined && isRequestId(m.id);
    if (isResponse) {
      this.#settle(m.id as RequestId);
      return this.#inner.send(message);
    }
    const related = options?.relatedRequestId ?? this.#relatedTo(m);
    if (related !== undefined && this.#open.has(related)) {
      return this.#inner.send(message, { relatedRequestId: related });
    }
    return this.#inner.send(message);
  }

  /** Notes a client request (and its progress token) as open. */
  #track(message: JSONRPCMessage): void {
    const m = message as { id?: unknown; method?: unknown; params?: unknown };
    if (typeof m.method !== 'string' || !isRequestId(m.id)) return;
    this.#open.add(m.id);
    const token = progressTokenOf(m.params);
    if (token !== undefined) {
      this.#progress.set(token, m.id);
      this.#tokenOf.set(m.id, token);
    }
  }

  #settle(id: RequestId): void {
    if (!this.#open.delete(id)) return;
    const token = this.#tokenOf.get(id);
    if (token === undefined) return;
    this.#tokenOf.delete(id);
    if (this.#progress.get(token) === id) this.#progress.delete(token);
  }

  /** The open request a notification reports on (progress by token), if any. */
  #relatedTo(m: { method?: unknown; params?: unknown }): RequestId | undefined {
    if (m.method !== 'notifications/progress') return undefined;
    const token = progressTokenOf(m.params, 'direct');
    return token === undefined ? undefined : this.#progress.get(token);
  }
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || typeof value === 'number';
}

/** A request's `_meta.progressToken`, or a progress notification's `progressToken`. */
function progressTokenOf(
  params: unknown,
  where: 'meta' | 'direct' = 'meta',
): RequestId | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const holder = where === 'direct' ? params : (params as { _meta?: unknown })._meta;
  if (typeof holder !== 'object' || holder === null) return undefined;
  const token = (holder as { progressToken?: unknown }).progressToken;
  return isRequestId(token) ? token : undefined;
}

/** The body as text, or undefined when it is longer than `maxBytes` (read no further). */
export async function readBodyText(
  request: Request,
  maxBytes: number,
): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return undefined;
  if (request.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function jsonRpcError(
  status: number,
  code: number,
  message: string,
  id: RequestId | null,
): Response {
  return Response.json({ jsonrpc: '2.0', id, error: { code, message } }, { status });
}
