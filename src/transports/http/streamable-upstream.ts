/**
 * Upstream transport for MCP Streamable HTTP (spec 2025-11-25, Basic › Transports › Streamable
 * HTTP) on `node:http` with a keep-alive agent. It replaces the SDK's `StreamableHTTPClientTransport`
 * on the gateway's hot path: that one reads every reply through `fetch` and web streams, which cost
 * a third of the gateway's CPU under load.
 *
 * Every JSON body and every SSE `message` event passes the strict checks (duplicate keys, depth,
 * size, JSON-RPC shape) before `onmessage` sees it. A bad JSON body fails its request; a bad event
 * is dropped and reported through `onerror` (with `details.id` when the id is recoverable, so the
 * gateway can fail that request). Errors never quote header values or the server's text.
 */
import type { IncomingMessage } from 'node:http';

import type {
  JSONRPCMessage,
  RequestId,
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/client';

import { UpstreamError } from '../../shared/errors.js';
import { toProtocolError } from '../wire-check.js';
import { discardBody, HttpExchanger, mediaTypeOf, readBody } from './http-exchange.js';
import { SessionHeaders } from './streamable-headers.js';
import { checkJsonBody, isSessionId, type Limits } from './streamable-message.js';
import { followStream, type ReconnectOptions, type StreamHost } from './streamable-stream.js';

/** Options for {@link createStreamableUpstream}. */
export interface StreamableUpstreamOptions {
  url: URL;
  /** Sent with every request (e.g. Authorization). Never copied into errors. */
  headers?: Record<string, string> | undefined;
  maxMessageBytes: number;
  maxDepth: number;
  /** Reopening event streams (the GET stream; a POST stream resumed with `Last-Event-ID`). */
  reconnect?: Partial<ReconnectOptions>;
  /** Socket idle time allowed per request (the standalone GET stream has none). Default 300 s. */
  timeoutMs?: number;
  /** Time allowed for the DELETE that ends the session on `close()`. Default 2 s. */
  closeTimeoutMs?: number;
  /** Sockets to the server. Default 64. */
  maxSockets?: number;
}

/** As undici's default headers and body timeouts, which `fetch` applied before. */
const DEFAULT_TIMEOUT_MS = 300_000;
/**
 * How long an idle socket is kept, as undici keeps it: below the 5 s keep-alive timeout of Node
 * servers, which do not announce it on SSE responses (the SDK sets `Connection: keep-alive`
 * itself), so we do not write a request into a socket the server is closing.
 */
const IDLE_SOCKET_MS = 4000;
const DEFAULT_RECONNECT: ReconnectOptions = {
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
};

/** Creates the transport; `start()` does no network I/O. */
export function createStreamableUpstream(options: StreamableUpstreamOptions): Transport {
  return new StreamableUpstream(options);
}

/** See the module comment. Public members beyond `Transport` serve `followStream` only. */
class StreamableUpstream implements Transport, StreamHost {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  /** One POST, and its own response stream, per outgoing request. */
  readonly hasPerRequestStream = true;
  readonly limits: Limits;
  readonly reconnect: ReconnectOptions;
  /** A `retry` field from the server overrides the backoff (spec: "Resumability"). */
  retryMs: number | undefined;

  readonly #http: HttpExchanger;
  readonly #headers: SessionHeaders;
  readonly #timeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #waits = new Map<NodeJS.Timeout, () => void>();
  #hasStandaloneStream = false;
  #isClosed = false;

  constructor(options: StreamableUpstreamOptions) {
    this.#http = new HttpExchanger(options.url, {
      maxSockets: options.maxSockets ?? 64,
      idleSocketMs: IDLE_SOCKET_MS,
    });
    this.#headers = new SessionHeaders(options.headers ?? {});
    this.limits = { maxBytes: options.maxMessageBytes, maxDepth: options.maxDepth };
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
  }

  get sessionId(): string | undefined {
    return this.#headers.sessionId;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  setProtocolVersion(version: string): void {
    this.#headers.protocolVersion = version;
  }

  async start(): Promise<void> {
    // Nothing to open: the first POST (initialize) starts the session.
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#isClosed) {
      throw new UpstreamError('UPSTREAM_CLOSED', 'Upstream HTTP transport is not open');
    }
    const method = 'method' in message ? message.method : undefined;
    const requestId = method !== undefined && 'id' in message ? message.id : undefined;
    const isInitialize = requestId !== undefined && method === 'initialize';
    const signal = options?.requestSignal;
    try {
      const response = await this.#http.exchange({
        method: 'POST',
        headers: this.#headers.post(isInitialize, options?.headers),
        body: JSON.stringify(message),
        timeoutMs: this.#timeoutMs,
        bodyTimeoutMs: this.#timeoutMs,
        signal,
      });
      await this.#receive(response, method, requestId, signal);
    } catch (error) {
      throw this.#failSend(error, requestId, signal);
    }
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const [timer, resolve] of this.#waits) {
      clearTimeout(timer);
      resolve();
    }
    this.#waits.clear();
    this.#http.abortAll();
    if (this.#headers.sessionId !== undefined) await this.#deleteSession();
    this.#http.close();
    this.onclose?.();
  }

  // ---- StreamHost: what the event-stream follower needs -------------------------------------

  /** GET the endpoint's event stream (spec: "Listening for Messages from the Server"). */
  reopen(
    lastEventId: string | undefined,
    isRequest: boolean,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage> {
    const headers = this.#headers.get(lastEventId);
    const timeoutMs = this.#timeoutMs;
    // The standalone stream may stay quiet for hours; TCP keep-alive watches its socket instead.
    const bodyTimeoutMs = isRequest ? timeoutMs : 0;
    return this.#http.exchange({ method: 'GET', headers, timeoutMs, bodyTimeoutMs, signal });
  }

  get hasSession(): boolean {
    return this.#headers.sessionId !== undefined;
  }

  report(error: Error): void {
    if (!this.#isClosed) this.onerror?.(error);
  }

  /** HTTP 404 on a request carrying the session id: the session is gone; fail closed. */
  expire(requestId?: RequestId): UpstreamError {
    const details: Record<string, string | number> = { reason: 'session-expired', status: 404 };
    if (requestId !== undefined) details['id'] = requestId;
    const error = new UpstreamError('UPSTREAM_CLOSED', 'The server ended the session (HTTP 404)', {
      details,
    });
    this.#headers.sessionId = undefined; // nothing left to DELETE
    this.report(error);
    void this.close();
    return error;
  }

  /** Resolves after `ms`, or at once when the transport closes. */
  wait(ms: number): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waits.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.#waits.set(timer, resolve);
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Handles the response to a POST (spec: "Sending Messages to the Server", steps 5-6). */
  async #receive(
    response: IncomingMessage,
    method: string | undefined,
    requestId: RequestId | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      discardBody(response);
      if (status === 404 && this.hasSession && method !== 'initialize') {
        throw this.expire(requestId);
      }
      throw new UpstreamError('UPSTREAM_PROTOCOL', `The server answered HTTP ${status}`, {
        details: { reason: 'http-status', status },
      });
    }
    if (method === 'initialize') this.#takeSession(response);
    if (status === 202 || requestId === undefined) {
      discardBody(response);
      // Spec "Listening for Messages from the Server": once the session is initialized.
      if (method === 'notifications/initialized' && !this.#hasStandaloneStream) {
        this.#hasStandaloneStream = true;
        void followStream(this, undefined, undefined, undefined);
      }
      return;
    }
    const type = mediaTypeOf(response);
    if (type === 'text/event-stream') {
      void followStream(this, response, requestId, signal);
      return;
    }
    if (type !== 'application/json') {
      discardBody(response);
      throw new UpstreamError('UPSTREAM_PROTOCOL', 'The server answered with an unexpected type', {
        details: { reason: 'content-type' },
      });
    }
    const body = await readBody(response, this.limits.maxBytes);
    const verdict = checkJsonBody(body, this.limits);
    if (!verdict.ok) throw toProtocolError({ ...verdict, id: verdict.id ?? requestId });
    this.deliver(verdict.message);
  }

  /** The spec: the server MAY assign a session id in the `InitializeResult` response headers. */
  #takeSession(response: IncomingMessage): void {
    const value = response.headers['mcp-session-id'];
    if (value === undefined) return;
    if (!isSessionId(value)) {
      discardBody(response);
      throw new UpstreamError('UPSTREAM_PROTOCOL', 'The server sent an invalid session id', {
        details: { reason: 'session-id' },
      });
    }
    this.#headers.sessionId = value;
  }

  /** Hands a checked message on; a throwing handler does not break the stream it came from. */
  deliver(message: JSONRPCMessage): void {
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.report(error instanceof Error ? error : new Error('message handler failed'));
    }
  }

  /** The error `send` rejects with; reported through `onerror` unless we closed or were aborted. */
  #failSend(error: unknown, requestId: RequestId | undefined, signal?: AbortSignal): Error {
    if (this.#isClosed && !isExpiry(error)) {
      return new UpstreamError('UPSTREAM_CLOSED', 'Upstream HTTP transport is closed', {
        cause: error,
      });
    }
    const failure = withId(
      error instanceof UpstreamError
        ? error
        : new UpstreamError('UPSTREAM_PROTOCOL', 'The request failed', { cause: error }),
      requestId,
    );
    if (signal?.aborted !== true && !isExpiry(failure)) this.report(failure);
    return failure;
  }

  /** Spec: "Session Management" 5, best effort: a server that is gone or slow is not waited for. */
  async #deleteSession(): Promise<void> {
    const headers = this.#headers.delete();
    this.#headers.sessionId = undefined;
    try {
      const response = await this.#http.exchange({
        method: 'DELETE',
        headers,
        timeoutMs: this.#closeTimeoutMs,
        bodyTimeoutMs: this.#closeTimeoutMs,
        signal: AbortSignal.timeout(this.#closeTimeoutMs),
      });
      discardBody(response);
    } catch {
      // The server may have no DELETE (405) or be gone already; the session ends either way.
    }
  }
}

function isExpiry(error: unknown): boolean {
  return error instanceof UpstreamError && error.details['reason'] === 'session-expired';
}

function withId(error: UpstreamError, id: RequestId | undefined): UpstreamError {
  if (id === undefined || error.details['id'] !== undefined) return error;
  return new UpstreamError(error.code, error.message, {
    cause: error.cause,
    details: { ...error.details, id },
  });
}
