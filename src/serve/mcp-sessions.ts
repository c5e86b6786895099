/**
 * The MCP sessions of `holdfast serve` (Streamable HTTP, 2025-11-25 "Session Management"): an
 * `initialize` POST without `Mcp-Session-Id` opens a session (its own downstream transport and its
 * own upstream sessions behind the gateway); every later request names it. A session belongs to the
 * principal and the endpoint that opened it: anyone else naming its id gets the same 404 as for an
 * id that never existed, so ids are no oracle and sessions, holds and progress never cross clients.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { Clock } from '../shared/clock.js';
import type { HttpDownstream } from '../transports/http/http-downstream.js';
import { readBodyText } from '../transports/http/http-downstream.js';

/** One open session, as the factory returns it. */
export interface OpenedSession {
  downstream: HttpDownstream;
  /** Resolves when the session has ended (either side closed). */
  done: Promise<void>;
  close(reason: string): Promise<void>;
}

/** Options for {@link McpSessions}. */
export interface McpSessionsOptions {
  /** Opens the gateway side of a new session: upstream sessions, gateway sessions, transport. */
  open(endpoint: string, principal: string, sessionId: string): Promise<OpenedSession>;
  maxSessions: number;
  idleTimeoutMs: number;
  clock: Clock;
  log: (line: string) => void;
  /** Told the number of open sessions whenever it changes (for the metrics gauge). */
  onCount?: (count: number) => void;
}

interface Entry {
  endpoint: string;
  principal: string;
  opened: OpenedSession;
  lastSeen: number;
}

/** Largest `initialize` body peeked at before a session is opened. */
const MAX_INITIALIZE_BYTES = 1024 * 1024;

/** The registry of open sessions; `handle` answers one HTTP request on an MCP endpoint. */
export class McpSessions {
  readonly #options: McpSessionsOptions;
  readonly #sessions = new Map<string, Entry>();
  /** Sessions being opened, counted against the limit. */
  #opening = 0;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #isClosed = false;

  constructor(options: McpSessionsOptions) {
    this.#options = options;
    const every = Math.max(1000, Math.min(60_000, Math.floor(options.idleTimeoutMs / 4)));
    this.#sweeper = setInterval(() => void this.#sweep(), every);
    this.#sweeper.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  async handle(request: Request, endpoint: string, principal: string): Promise<Response> {
    if (this.#isClosed) return rpcError(503, -32000, 'holdfast is shutting down');
    const id = request.headers.get('mcp-session-id');
    if (id === null) return this.#open(request, endpoint, principal);
    const entry = this.#lookup(id, endpoint, principal);
    if (entry === undefined) return rpcError(404, -32001, 'Session not found');
    entry.lastSeen = this.#options.clock.now();
    const response = await entry.opened.downstream.handle(request);
    if (request.method === 'DELETE' && response.ok) await this.#end(id, 'the client ended it');
    return response;
  }

  /** Closes every session (shutdown). */
  async closeAll(reason: string): Promise<void> {
    this.#isClosed = true;
    clearInterval(this.#sweeper);
    await Promise.allSettled([...this.#sessions.keys()].map((id) => this.#end(id, reason)));
  }

  async #open(request: Request, endpoint: string, principal: string): Promise<Response> {
    if (request.method !== 'POST') {
      return rpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    if (!(await isInitialize(request))) {
      return rpcError(400, -32000, 'Bad Request: no session; the first request must be initialize');
    }
    if (this.#sessions.size + this.#opening >= this.#options.maxSessions) {
      return rpcError(503, -32000, 'too many open sessions; try again later');
    }
    const id = randomBytes(24).toString('base64url');
    this.#opening++;
    let opened: OpenedSession;
    try {
      opened = await this.#options.open(endpoint, principal, id);
    } catch (error) {
      this.#options.log(`could not open a session: ${(error as Error).message}`);
      return rpcError(502, -32603, 'holdfast could not reach the upstream server');
    } finally {
      this.#opening--;
    }
    const entry: Entry = { endpoint, principal, opened, lastSeen: this.#options.clock.now() };
    this.#sessions.set(id, entry);
    this.#options.onCount?.(this.#sessions.size);
    void opened.done.then(() => this.#forget(id, entry));
    const response = await opened.downstream.handle(request);
    if (!response.ok) await this.#end(id, 'initialize failed');
    return response;
  }

  #lookup(id: string, endpoint: string, principal: string): Entry | undefined {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return undefined;
    // Same answer for a stranger's session as for none at all.
    if (entry.endpoint !== endpoint || !sameText(entry.principal, principal)) return undefined;
    return entry;
  }

  async #end(id: string, reason: string): Promise<void> {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return;
    this.#forget(id, entry);
    await entry.opened.close(reason);
  }

  #forget(id: string, entry: Entry): void {
    if (this.#sessions.get(id) !== entry) return;
    this.#sessions.delete(id);
    this.#options.onCount?.(this.#sessions.size);
  }

  async #sweep(): Promise<void> {
    const cutoff = this.#options.clock.now() - this.#options.idleTimeoutMs;
    const idle = [...this.#sessions].filter(([, entry]) => entry.lastSeen < cutoff);
    for (const [id] of idle) await this.#end(id, 'idle timeout');
  }
}

/** Whether the POST body is a single `initialize` request (read from a clone, size-bounded). */
async function isInitialize(request: Request): Promise<boolean> {
  let text: string | undefined;
  try {
    text = await readBodyText(request.clone(), MAX_INITIALIZE_BYTES);
  } catch {
    return false;
  }
  if (text === undefined) return false;
  try {
    const value = JSON.parse(text) as unknown;
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { method?: unknown }).method === 'initialize'
    );
  } catch {
    return false;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', id: null, error: { code, message } }, { status });
}
