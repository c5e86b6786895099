/**
 * The HTTP endpoint for signed approval callbacks (DESIGN §9; the protocol is in
 * approvals/callback.ts and docs/cli.md). A thin node:http adapter: it reads the body with a size
 * cap, lets `verifyCallback` decide, spends the nonce, and resolves the hold through the store's
 * compare-and-set. It listens on loopback only unless told otherwise: put a TLS-terminating proxy in
 * front of it to reach it from elsewhere.
 *
 * Answers (JSON): 200 `{id, state}`; 401 `{"error":"unauthorized"}` for a bad or missing
 * signature, a stale timestamp, a malformed or replayed nonce (one answer for all, so nobody learns
 * which check failed); 404 unknown hold or route; 409 `{id, state, error}` when the hold is no
 * longer pending (already resolved or expired); 400, 405, 413 for malformed requests; 503 when the
 * store fails. The log never receives the secret, the signature or the body.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { isIP } from 'node:net';

import type { CallbackSecret } from '../../approvals/index.js';
import {
  assertCallbackSettings,
  DEFAULT_REPLAY_WINDOW_S,
  isResolvedAs,
  MAX_CALLBACK_BODY_BYTES,
  verifyCallback,
} from '../../approvals/index.js';
import type { Clock } from '../../shared/clock.js';
import { ConfigError, GatewayError } from '../../shared/errors.js';
import type { HoldStore } from '../../store/index.js';

/** Options for {@link startCallbackServer}. */
export interface CallbackServerOptions {
  /** Address to listen on: a loopback address (`127.0.0.1`, `::1`, `localhost`) unless `allowRemote`. */
  host: string;
  /** Port; 0 picks a free one (see the returned `url`). */
  port: number;
  /** The shared HMAC secret, at least 32 bytes. Never logged. */
  secret: CallbackSecret;
  store: HoldStore;
  clock: Clock;
  /** Accept timestamps this many seconds off. Default 300. */
  replayWindowS?: number;
  /** One line per refused or resolved callback, without a prefix or newline (like the gateway's). */
  log: (line: string) => void;
  /** Allow a non-loopback `host`. Off by default: the endpoint resolves holds. */
  allowRemote?: boolean;
}

/** A running callback endpoint. */
export interface CallbackServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** Stops accepting connections and closes idle ones; resolves when the server is closed. */
  close(): Promise<void>;
}

/** A whole request must arrive within this many milliseconds (no slow-body connections). */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
const UNAUTHORIZED = { error: 'unauthorized' } as const;
const ERRORS: Record<400 | 404 | 405 | 413, string> = {
  400: 'bad request',
  404: 'not found',
  405: 'method not allowed',
  413: 'payload too large',
};

/**
 * Starts the callback endpoint.
 * @throws ConfigError `CONFIG_INVALID` for a non-loopback host without `allowRemote` (also when
 *   `localhost` turns out to be bound elsewhere); RangeError for a short secret or a bad window.
 */
export async function startCallbackServer(options: CallbackServerOptions): Promise<CallbackServer> {
  const allowRemote = options.allowRemote === true;
  if (!allowRemote && !isLoopbackHost(options.host)) throw notLoopback(options.host);
  const replayWindowS = options.replayWindowS ?? DEFAULT_REPLAY_WINDOW_S;
  assertCallbackSettings(options.secret, replayWindowS);
  const server = createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS },
    (req, res) => {
      handle(req, res, { ...options, replayWindowS }).catch(() => {
        send(res, 500, { error: 'internal error' });
      });
    },
  );
  await listen(server, options.port, options.host);
  const address = server.address();
  if (address === null || typeof address === 'string') {
    await closeServer(server);
    throw new Error('the callback server has no TCP address');
  }
  if (!allowRemote && !isLoopbackAddress(address.address)) {
    await closeServer(server);
    throw notLoopback(options.host);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => closeServer(server) };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: CallbackServerOptions & { replayWindowS: number },
): Promise<void> {
  const { store, clock, log, replayWindowS } = options;
  const from = req.socket.remoteAddress ?? '?';
  const body = await readBody(req);
  if (body === undefined) {
    log(`callback refused (413: body too large) from ${from}`);
    send(res, 413, { error: ERRORS[413] }, true);
    return;
  }
  const now = clock.now();
  const verdict = verifyCallback({
    method: req.method ?? '',
    path: req.url ?? '',
    headers: req.headers,
    body,
    secret: options.secret,
    now,
    replayWindowS,
  });
  if (!verdict.ok) {
    log(`callback refused (${verdict.status}: ${verdict.reason}) from ${from}`);
    if (verdict.status === 401) send(res, 401, UNAUTHORIZED);
    else send(res, verdict.status, { error: ERRORS[verdict.status] });
    return;
  }
  const { holdId, decision, nonce } = verdict;
  try {
    // A nonce is remembered while a request carrying it could still pass the timestamp check:
    // up to 2 windows after it was used (the timestamp may have been a window ahead of us).
    const forgetBefore = now - 2 * replayWindowS * 1000 - 1000;
    if (!(await store.useNonce(nonce, now, forgetBefore))) {
      log(`callback refused (401: replayed nonce) for ${holdId} from ${from}`);
      send(res, 401, UNAUTHORIZED);
      return;
    }
    const state = decision === 'approve' ? 'approved' : 'denied';
    const by = `callback:${verdict.by}`;
    const resolution = { state, by, at: now } as const;
    const hold = await store.resolveHold(holdId, resolution);
    if (hold === undefined) {
      log(`callback for unknown hold ${holdId} from ${from}`);
      send(res, 404, { error: ERRORS[404] });
      return;
    }
    if (!isResolvedAs(hold, resolution)) {
      log(`callback for ${holdId} refused: it is already ${hold.state}`);
      send(res, 409, { id: hold.id, state: hold.state, error: 'hold is no longer pending' });
      return;
    }
    log(`hold ${holdId} ${state} by ${by}`);
    send(res, 200, { id: hold.id, state: hold.state });
  } catch (error) {
    const code =
      error instanceof GatewayError && typeof error.code === 'string' ? error.code : 'error';
    log(`callback for ${holdId} failed (${code})`);
    send(res, 503, { error: 'unavailable' });
  }
}

/**
 * The body, or undefined once it exceeds the cap. Reading stops there without destroying the
 * socket, so the 413 still reaches the client (the connection is closed after it).
 */
function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!(declared <= MAX_CALLBACK_BODY_BYTES)) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_CALLBACK_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).pause();
      resolve(undefined);
    };
    const onEnd = (): void => {
      resolve(Buffer.concat(chunks, size));
    };
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

function send(res: ServerResponse, status: number, value: object, isClosing = false): void {
  if (res.headersSent) return;
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...(status === 405 ? { allow: 'POST' } : {}),
    // An unread body is left behind: close the connection rather than parse it as a request.
    ...(isClosing ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error === undefined) resolve();
      else reject(error);
    });
    server.closeIdleConnections();
  });
}

/** `localhost`, or a literal loopback address. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || (isIP(host) !== 0 && isLoopbackAddress(host));
}

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x. */
function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}

function notLoopback(host: string): ConfigError {
  return new ConfigError(
    'CONFIG_INVALID',
    `the approval callback listens on loopback only; ${host} is not (allow it explicitly to expose the endpoint)`,
  );
}
