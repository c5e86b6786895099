/**
 * Following one logical SSE stream of a Streamable HTTP session to its end, across reconnections:
 * the standalone GET stream (spec 2025-11-25 "Listening for Messages from the Server"), or the
 * stream a POST answered with, resumed with `GET` + `Last-Event-ID` when it ends before the
 * response to its request (spec "Resumability and Redelivery").
 *
 * Reconnection is bounded: after `maxAttempts` consecutive attempts that brought nothing new (no
 * event id, no message) the stream is given up and the failure reported, with the request id for a
 * POST stream so the gateway fails that request. A server that keeps making progress may keep a
 * stream going, as a long-lived stream would; `close()` ends it at once.
 */
import type { IncomingMessage } from 'node:http';

import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';

import { UpstreamError } from '../../shared/errors.js';
import { recoverJsonRpcId, toProtocolError } from '../wire-check.js';
import { discardBody, mediaTypeOf } from './http-exchange.js';
import { SseParser } from './sse-parser.js';
import { checkBody, type Limits } from './streamable-message.js';

/** How event streams are reopened. */
export interface ReconnectOptions {
  /** Consecutive attempts without progress before a stream is given up. */
  maxAttempts: number;
  /** Delay before the first attempt, doubled after each failed one. */
  initialDelayMs: number;
  /** Upper bound on any delay, including one the server asks for with `retry`. */
  maxDelayMs: number;
}

/** What the follower needs from the transport. */
export interface StreamHost {
  readonly isClosed: boolean;
  readonly hasSession: boolean;
  readonly limits: Limits;
  readonly reconnect: ReconnectOptions;
  retryMs: number | undefined;
  /** GETs the event stream, after `lastEventId` if given (for a POST's stream: `isRequest`). */
  reopen(
    lastEventId: string | undefined,
    isRequest: boolean,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage>;
  /** Hands on a message that passed the checks. */
  deliver(message: JSONRPCMessage): void;
  /** Reports a fault through `onerror` (not once the transport is closed). */
  report(error: Error): void;
  /** The session is gone (HTTP 404): report and close. */
  expire(requestId?: RequestId): UpstreamError;
  wait(ms: number): Promise<void>;
}

interface StreamState {
  lastEventId: string | undefined;
  isAnswered: boolean;
}

/**
 * Reads `first` (a POST's event stream), or opens the standalone GET stream when `first` is
 * undefined, and keeps reading until the request is answered, the stream is given up, the
 * request is aborted through `signal`, or the transport closes. Never rejects.
 */
export async function followStream(
  host: StreamHost,
  first: IncomingMessage | undefined,
  requestId: RequestId | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  const state: StreamState = { lastEventId: undefined, isAnswered: false };
  let response = first;
  let failures = 0;
  for (;;) {
    const hasRead = response !== undefined;
    if (response !== undefined) {
      const hasProgressed = await readEvents(host, response, requestId, state);
      if (isStopped(host, signal) || state.isAnswered) return;
      failures = hasProgressed ? 0 : failures + 1;
      if (requestId !== undefined && state.lastEventId === undefined) {
        // No event id: the spec gives no way to resume this stream.
        host.report(streamError('The server ended the response stream early', requestId));
        return;
      }
    }
    if (failures >= host.reconnect.maxAttempts) {
      host.report(streamError('The server event stream could not be reopened', requestId));
      return;
    }
    if (hasRead || failures > 0) await host.wait(delayFor(host, failures));
    if (isStopped(host, signal)) return;
    const opened = await open(host, state.lastEventId, requestId, signal);
    if (opened === 'stop') return;
    if (opened === 'retry') failures++;
    response = opened === 'retry' ? undefined : opened;
  }
}

async function open(
  host: StreamHost,
  lastEventId: string | undefined,
  requestId: RequestId | undefined,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage | 'stop' | 'retry'> {
  let response: IncomingMessage;
  try {
    response = await host.reopen(lastEventId, requestId !== undefined, signal);
  } catch {
    return isStopped(host, signal) ? 'stop' : 'retry';
  }
  const status = response.statusCode ?? 0;
  if (status >= 200 && status <= 299 && mediaTypeOf(response) === 'text/event-stream') {
    return response;
  }
  discardBody(response);
  if (status === 404 && host.hasSession) {
    host.expire(requestId);
    return 'stop';
  }
  if (status === 405) {
    // The server offers no GET stream (spec "Listening for Messages from the Server" 3).
    if (requestId !== undefined) {
      host.report(streamError('The server cannot resume the response stream', requestId));
    }
    return 'stop';
  }
  return 'retry';
}

/** Reads one response body as events; resolves when it ends, with whether it brought anything. */
function readEvents(
  host: StreamHost,
  response: IncomingMessage,
  requestId: RequestId | undefined,
  state: StreamState,
): Promise<boolean> {
  return new Promise((resolve) => {
    let hasProgressed = false;
    const settle = (id: RequestId | undefined): void => {
      hasProgressed = true;
      if (id !== undefined && id === requestId) state.isAnswered = true;
    };
    const parser = new SseParser(host.limits.maxBytes, {
      onMessage: (data) => settle(deliverEvent(host, data)),
      onOversize: (prefix) => settle(reportOversize(host, prefix)),
      onRetry: (ms) => (host.retryMs = ms),
    });
    response.on('data', (chunk: Buffer) => {
      if (!host.isClosed) parser.push(chunk);
    });
    response.on('close', () => {
      const id = parser.lastEventId;
      if (id !== undefined && id !== state.lastEventId) {
        state.lastEventId = id;
        hasProgressed = true;
      }
      resolve(hasProgressed);
    });
  });
}

/** Checks one event's data and delivers it; returns the response id it carried or was refused for. */
function deliverEvent(host: StreamHost, data: Buffer): RequestId | undefined {
  const verdict = checkBody(data, host.limits);
  if (!verdict.ok) {
    host.report(toProtocolError(verdict));
    return verdict.id;
  }
  const { message } = verdict;
  host.deliver(message);
  return 'method' in message || !('id' in message) ? undefined : message.id;
}

function reportOversize(host: StreamHost, prefix: Buffer): RequestId | undefined {
  const id = recoverJsonRpcId(prefix.toString('utf8'));
  host.report(
    toProtocolError(id === undefined ? { reason: 'oversize' } : { reason: 'oversize', id }),
  );
  return id;
}

function isStopped(host: StreamHost, signal: AbortSignal | undefined): boolean {
  return host.isClosed || signal?.aborted === true;
}

function delayFor(host: StreamHost, failures: number): number {
  const { initialDelayMs, maxDelayMs } = host.reconnect;
  return Math.min(host.retryMs ?? initialDelayMs * 2 ** failures, maxDelayMs);
}

function streamError(message: string, requestId: RequestId | undefined): UpstreamError {
  const details: Record<string, string | number> = { reason: 'stream-ended' };
  if (requestId !== undefined) details['id'] = requestId;
  return new UpstreamError('UPSTREAM_CLOSED', message, { details });
}
