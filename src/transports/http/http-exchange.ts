/**
 * One HTTP exchange with an upstream MCP endpoint over `node:http`/`node:https` and a keep-alive
 * agent: no `fetch`, no web streams, so a reply is read as the Buffers the socket delivers.
 *
 * Redirects are followed as the SDK's Streamable HTTP client follows them (`fetchWithinOrigin`):
 * at most 5, only to the same origin (scheme, host and port) with the same user info, and only
 * when the method survives (a GET, or a 307/308). Any other redirect comes back as the response,
 * which the caller treats as a failed status. Errors never quote a header value.
 */
import {
  Agent,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import { UpstreamError } from '../../shared/errors.js';

/** One request. */
export interface ExchangeRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers: OutgoingHttpHeaders;
  body?: string;
  /** Socket idle time allowed before the response headers; 0 for none. */
  timeoutMs: number;
  /** Socket idle time allowed while the body is read; 0 for none (a long-lived event stream). */
  bodyTimeoutMs: number;
  /** Aborts this request (and its response body). */
  signal?: AbortSignal | undefined;
}

/** Options for {@link HttpExchanger}. */
export interface HttpExchangerOptions {
  /** Sockets per origin, so a busy session cannot open connections without end. */
  maxSockets: number;
  /** How long an idle keep-alive socket is kept (shortened by the server's `Keep-Alive` hint). */
  idleSocketMs: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** Most bytes read from a body we discard before the socket is dropped instead of reused. */
const MAX_DISCARD_BYTES = 64 * 1024;

/** Requests to one endpoint, sharing one agent; `close()` ends them all. */
export class HttpExchanger {
  readonly #url: URL;
  readonly #agent: Agent;
  readonly #request: typeof httpRequest;
  readonly #inflight = new Set<ClientRequest>();
  #isClosed = false;

  constructor(url: URL, options: HttpExchangerOptions) {
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') {
      throw new UpstreamError('UPSTREAM_PROTOCOL', 'The upstream URL is not http or https', {
        details: { reason: 'url-scheme' },
      });
    }
    this.#url = url;
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
      timeout: options.idleSocketMs,
      scheduling: 'lifo' as const,
    };
    this.#agent = isHttps ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
    this.#request = isHttps ? httpsRequest : httpRequest;
  }

  /** Sends `request`, following same-origin redirects; rejects with `UpstreamError`. */
  async exchange(request: ExchangeRequest): Promise<IncomingMessage> {
    let url = this.#url;
    for (let hop = 0; ; hop++) {
      const response = await this.#once(url, request);
      const target =
        hop < MAX_REDIRECTS ? redirectTarget(url, response, request.method) : undefined;
      if (target === undefined) return response;
      discardBody(response);
      url = target;
    }
  }

  /** Aborts every request in flight (their responses end too); new requests may still be made. */
  abortAll(): void {
    for (const request of this.#inflight) request.destroy();
    this.#inflight.clear();
  }

  /** Aborts every request in flight and destroys the agent's sockets. */
  close(): void {
    this.#isClosed = true;
    this.abortAll();
    this.#agent.destroy();
  }

  #once(url: URL, request: ExchangeRequest, isRetry = false): Promise<IncomingMessage> {
    if (this.#isClosed) return Promise.reject(closedError());
    if (request.signal?.aborted === true) return Promise.reject(cancelledError());
    return new Promise((resolve, reject) => {
      let req: ClientRequest;
      try {
        req = this.#request({
          agent: this.#agent,
          protocol: url.protocol,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: request.headers,
          timeout: request.timeoutMs,
        });
      } catch (error) {
        // e.g. a configured header with a character HTTP does not allow; Node names the header only.
        reject(
          new UpstreamError('UPSTREAM_PROTOCOL', 'The request could not be built', {
            cause: error,
            details: { reason: 'request' },
          }),
        );
        return;
      }
      let isSettled = false;
      const fail = (error: Error): void => {
        if (isSettled) return;
        isSettled = true;
        // A keep-alive socket the server closed as we reused it: a GET or DELETE is safe to repeat.
        const code = (error as { code?: unknown }).code;
        const isStale = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
        if (isStale && !isRetry && request.method !== 'POST' && !this.#isClosed) {
          resolve(this.#once(url, request, true));
        } else {
          reject(this.#isClosed ? closedError() : toConnectionError(error));
        }
      };
      const { signal } = request;
      const onAbort = (): void => void req.destroy(cancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#inflight.add(req);
      req.on('timeout', () => req.destroy(timeoutError()));
      req.on('error', fail);
      req.on('close', () => {
        this.#inflight.delete(req);
        signal?.removeEventListener('abort', onAbort);
        if (!isSettled) fail(new Error('closed'));
      });
      req.on('response', (response) => {
        isSettled = true;
        response.on('error', () => undefined); // the reader sees the end through 'close'
        req.setTimeout(request.bodyTimeoutMs);
        resolve(response);
      });
      req.end(request.body);
    });
  }
}

/** Reads and drops a body we do not use, so its socket can serve the next request. */
export function discardBody(response: IncomingMessage): void {
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_DISCARD_BYTES) response.destroy();
  });
}

/**
 * Reads a body (attacker-controlled) up to `maxBytes`. Past that, the response is destroyed and the
 * first `maxBytes` come back with `isOversize`; a body cut short by the connection rejects.
 */
export function readBody(
  response: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; isOversize: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size > maxBytes) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size <= maxBytes) return;
      response.destroy();
      resolve({ body: Buffer.concat(chunks, maxBytes), isOversize: true });
    });
    response.on('close', () => {
      if (size > maxBytes) return;
      if (!response.complete) {
        reject(
          new UpstreamError('UPSTREAM_CLOSED', 'the connection failed (body cut short)', {
            details: { reason: 'network' },
          }),
        );
        return;
      }
      const only = chunks.length === 1 ? chunks[0] : undefined;
      resolve({ body: only ?? Buffer.concat(chunks, size), isOversize: false });
    });
  });
}

/** The media type of a response, lower-cased, without parameters. */
export function mediaTypeOf(response: IncomingMessage): string {
  const value = response.headers['content-type'] ?? '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

function redirectTarget(url: URL, response: IncomingMessage, method: string): URL | undefined {
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (!REDIRECT_STATUSES.has(status) || location === undefined) return undefined;
  if (method !== 'GET' && status !== 307 && status !== 308) return undefined;
  let target: URL;
  try {
    target = new URL(location, url);
  } catch {
    return undefined;
  }
  const isSameOrigin = target.protocol === url.protocol && target.host === url.host;
  const isSameUser = target.username === url.username && target.password === url.password;
  return isSameOrigin && isSameUser ? target : undefined;
}

function closedError(): UpstreamError {
  return new UpstreamError('UPSTREAM_CLOSED', 'Upstream HTTP transport is closed', {
    details: { reason: 'closed' },
  });
}

/** The error of a request aborted through its `requestSignal`. */
export function cancelledError(): UpstreamError {
  return new UpstreamError('UPSTREAM_CLOSED', 'The request was cancelled', {
    details: { reason: 'cancelled' },
  });
}

function timeoutError(): UpstreamError {
  return new UpstreamError('UPSTREAM_CLOSED', 'the connection failed (timed out)', {
    details: { reason: 'timeout' },
  });
}

/** A transport-level failure as an `UpstreamError` that names only the system error code. */
function toConnectionError(error: Error): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: unknown }).code;
  const suffix = typeof code === 'string' ? ` (${code})` : '';
  return new UpstreamError('UPSTREAM_CLOSED', `the connection failed${suffix}`, {
    cause: error,
    details: typeof code === 'string' ? { reason: 'network', code } : { reason: 'network' },
  });
}
