/**
 * The request headers of a Streamable HTTP session (spec 2025-11-25 "Sending Messages to the
 * Server", "Session Management", "Protocol Version Header"): the configured ones, then the ones
 * the transport owns, which a configured or per-request header never replaces. The POST set is
 * built once per session state and shared by every request.
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** Headers the transport sets itself. */
const OWN_HEADERS = new Set([
  'accept',
  'connection',
  'content-length',
  'content-type',
  'host',
  'last-event-id',
  'mcp-protocol-version',
  'mcp-session-id',
  'transfer-encoding',
]);

/** Headers with lower-case names, without the ones the transport owns. */
export function toSafeHeaders(headers: Readonly<Record<string, string>>): OutgoingHttpHeaders {
  const safe: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!OWN_HEADERS.has(lower)) safe[lower] = value;
  }
  return safe;
}

/** The headers for each kind of request in one session. */
export class SessionHeaders {
  readonly #configured: OutgoingHttpHeaders;
  #sessionId: string | undefined;
  #protocolVersion: string | undefined;
  #post: OutgoingHttpHeaders | undefined;

  constructor(configured: Readonly<Record<string, string>>) {
    this.#configured = toSafeHeaders(configured);
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  set sessionId(value: string | undefined) {
    this.#sessionId = value;
    this.#post = undefined;
  }

  set protocolVersion(value: string) {
    this.#protocolVersion = value;
    this.#post = undefined;
  }

  /** A POST; `initialize` goes without the session id, as it starts a new session. */
  post(isInitialize: boolean, extra?: Readonly<Record<string, string>>): OutgoingHttpHeaders {
    let headers = isInitialize
      ? this.#build({ 'content-type': 'application/json', accept: POST_ACCEPT }, false)
      : (this.#post ??= this.#build({ 'content-type': 'application/json', accept: POST_ACCEPT }));
    if (extra !== undefined) headers = { ...toSafeHeaders(extra), ...headers };
    return headers;
  }

  /** A GET for the event stream, resuming after `lastEventId` when given. */
  get(lastEventId: string | undefined): OutgoingHttpHeaders {
    const headers = this.#build({ accept: 'text/event-stream' });
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    return headers;
  }

  /** The DELETE that ends the session. */
  delete(): OutgoingHttpHeaders {
    return this.#build({});
  }

  #build(own: OutgoingHttpHeaders, withSession = true): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...this.#configured, ...own };
    if (withSession && this.#sessionId !== undefined) headers['mcp-session-id'] = this.#sessionId;
    if (this.#protocolVersion !== undefined) {
      headers['mcp-protocol-version'] = this.#protocolVersion;
    }
    return headers;
  }
}

const POST_ACCEPT = 'application/json, text/event-stream';
