/**
 * The HMAC-signed approval callback (DESIGN §9; docs/cli.md "Approving by signed callback"): how a
 * chat bot, ticketing system or on-call tool outside Holdfast resolves a hold. Pure: no I/O, no
 * clock; the HTTP adapter (transports/http/callback-server.ts) reads the request and checks the
 * nonce against the store.
 *
 * Request: `POST /holds/<id>` with body `{"decision":"approve"|"deny","by":"<name>"}` and headers
 * - `x-holdfast-timestamp`: Unix time in seconds (decimal digits);
 * - `x-holdfast-nonce`: 16–128 characters of `[A-Za-z0-9_-]`, never reused;
 * - `x-holdfast-signature`: `sha256=` + lowercase hex HMAC-SHA256(secret, message), where message
 *   is `<timestamp> LF <nonce> LF POST LF /holds/<id> LF <body bytes exactly as sent>`.
 *
 * The signature covers method, path, timestamp, nonce and body, so none can be changed or moved to
 * another hold. The timestamp bounds how long a captured request stays usable; the nonce, checked
 * by the caller only after the signature (so unauthenticated requests cannot fill the nonce
 * table), makes it usable once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { parseStrictJson } from '../surface/strict-json.js';
import { HOLD_ID_PATTERN } from './hold.js';

/** Largest accepted body. The valid body is well under 200 bytes. */
export const MAX_CALLBACK_BODY_BYTES = 4 * 1024;
/** Default replay window: a request is accepted up to 5 minutes before or after its timestamp. */
export const DEFAULT_REPLAY_WINDOW_S = 300;
/** Shortest accepted secret: 32 bytes (e.g. `openssl rand -hex 32`). */
export const MIN_CALLBACK_SECRET_BYTES = 32;
/** The header names, lowercase as node:http delivers them. */
export const CALLBACK_HEADERS = {
  timestamp: 'x-holdfast-timestamp',
  nonce: 'x-holdfast-nonce',
  signature: 'x-holdfast-signature',
} as const;

const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;
/** 1–64 printable ASCII characters, not starting or ending with a space. */
const BY_PATTERN = /^[!-~](?:[ -~]{0,62}[!-~])?$/;
const PATH_PREFIX = '/holds/';

/** What the caller of a callback decided. */
export type CallbackDecision = 'approve' | 'deny';

/** The shared secret: at least {@link MIN_CALLBACK_SECRET_BYTES} bytes (a string counts as UTF-8). */
export type CallbackSecret = string | Uint8Array;

/** One HTTP request as received. Header names are lowercase (node:http's `req.headers`). */
export interface CallbackRequest {
  method: string;
  /** The request target as sent, query string included (`req.url`). */
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Uint8Array;
  secret: CallbackSecret;
  /** Now, in milliseconds since the Unix epoch. */
  now: number;
  /** Accept timestamps at most this many seconds before or after `now`. */
  replayWindowS: number;
}

/** A verified callback; the caller must still spend `nonce` (`HoldStore.useNonce`). */
export interface CallbackAccepted {
  ok: true;
  holdId: string;
  decision: CallbackDecision;
  by: string;
  nonce: string;
}

/**
 * A refused callback: the HTTP status to answer and why, for the operator's log only. Every 401
 * must get the same answer, so a client cannot tell which check failed. `reason` never holds
 * the secret, the signature or request text.
 */
export interface CallbackRefused {
  ok: false;
  status: 400 | 401 | 404 | 405 | 413;
  reason: string;
}

/** What {@link verifyCallback} decided. */
export type CallbackVerdict = CallbackAccepted | CallbackRefused;

/** What an integrator signs; see {@link signCallback}. */
export interface SignCallbackInput {
  secret: CallbackSecret;
  holdId: string;
  decision: CallbackDecision;
  by: string;
  /** Unix time in seconds. */
  timestamp: number;
  /** 16–128 characters of `[A-Za-z0-9_-]`, fresh for every request. */
  nonce: string;
}

/** A signed request, ready to send to the callback server's base URL + `path`. */
export interface SignedCallback {
  method: 'POST';
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** The parts the signature covers. */
export interface CallbackMessage {
  timestamp: string;
  nonce: string;
  path: string;
  body: Uint8Array | string;
}

/**
 * Builds a signed callback resolving hold `holdId` (the client side, for tests and integrators).
 * @throws RangeError for a short secret, a malformed hold id, nonce, timestamp or `by`.
 */
export function signCallback(input: SignCallbackInput): SignedCallback {
  if (!HOLD_ID_PATTERN.test(input.holdId)) throw new RangeError('malformed hold id');
  if (!BY_PATTERN.test(input.by)) throw new RangeError('`by` must be 1-64 printable characters');
  if (!NONCE_PATTERN.test(input.nonce)) throw new RangeError('malformed nonce');
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new RangeError('the timestamp must be a non-negative integer (Unix seconds)');
  }
  const path = `${PATH_PREFIX}${input.holdId}`;
  const body = JSON.stringify({ decision: input.decision, by: input.by });
  const timestamp = String(input.timestamp);
  return {
    method: 'POST',
    path,
    body,
    headers: {
      'content-type': 'application/json',
      [CALLBACK_HEADERS.timestamp]: timestamp,
      [CALLBACK_HEADERS.nonce]: input.nonce,
      [CALLBACK_HEADERS.signature]: toCallbackSignature(input.secret, {
        timestamp,
        nonce: input.nonce,
        path,
        body,
      }),
    },
  };
}

/**
 * `sha256=` + lowercase hex HMAC-SHA256(secret, timestamp LF nonce LF POST LF path LF body).
 * @throws RangeError for a secret shorter than {@link MIN_CALLBACK_SECRET_BYTES}.
 */
export function toCallbackSignature(secret: CallbackSecret, message: CallbackMessage): string {
  return `sha256=${hmac(secret, message).toString('hex')}`;
}

/**
 * Checks a callback request, in an order that answers unauthenticated requests without reading
 * their content: method (405), route (404), size (413), then timestamp, nonce format and signature
 * (401, all alike), and only then the body (400).
 * @throws RangeError for a short secret or a bad replay window (the server's configuration).
 */
export function verifyCallback(request: CallbackRequest): CallbackVerdict {
  const { headers, body, now, replayWindowS } = request;
  assertCallbackSettings(request.secret, replayWindowS);
  if (request.method !== 'POST') return refuse(405, 'method not allowed');
  const holdId = request.path.startsWith(PATH_PREFIX) ? request.path.slice(PATH_PREFIX.length) : '';
  if (!HOLD_ID_PATTERN.test(holdId)) return refuse(404, 'no such route');
  if (body.byteLength > MAX_CALLBACK_BODY_BYTES) return refuse(413, 'body too large');

  // Attacker-controlled headers: checked against fixed patterns before any use.
  const timestamp = header(headers, CALLBACK_HEADERS.timestamp);
  const nonce = header(headers, CALLBACK_HEADERS.nonce);
  const signature = header(headers, CALLBACK_HEADERS.signature);
  if (timestamp === undefined || !TIMESTAMP_PATTERN.test(timestamp)) {
    return refuse(401, 'missing or malformed timestamp');
  }
  // Negated so that a `now` that is not a number (NaN) refuses rather than passes (I3).
  if (!(Math.abs(Math.floor(now / 1000) - Number(timestamp)) <= replayWindowS)) {
    return refuse(401, 'timestamp outside the replay window');
  }
  if (nonce === undefined || !NONCE_PATTERN.test(nonce)) {
    return refuse(401, 'missing or malformed nonce');
  }
  if (signature === undefined || !SIGNATURE_PATTERN.test(signature)) {
    return refuse(401, 'missing or malformed signature');
  }
  const expected = hmac(request.secret, { timestamp, nonce, path: request.path, body });
  // Constant-time: both sides are 32 bytes (the pattern above fixes the hex length).
  if (!timingSafeEqual(Buffer.from(signature.slice('sha256='.length), 'hex'), expected)) {
    return refuse(401, 'signature mismatch');
  }

  const parsed = parseBody(body);
  if (parsed === undefined) return refuse(400, 'body must be {"decision","by"} only');
  return { ok: true, holdId, decision: parsed.decision, by: parsed.by, nonce };
}

/**
 * Checks the server side's settings: a secret of at least {@link MIN_CALLBACK_SECRET_BYTES} bytes
 * and a replay window of 1 to 86400 seconds.
 * @throws RangeError otherwise.
 */
export function assertCallbackSettings(secret: CallbackSecret, replayWindowS: number): void {
  toKey(secret);
  if (!Number.isSafeInteger(replayWindowS) || replayWindowS < 1 || replayWindowS > 86_400) {
    throw new RangeError('the replay window must be an integer from 1 to 86400 seconds');
  }
}

/** The decision in an authenticated body, or undefined unless it is exactly the two keys. */
function parseBody(body: Uint8Array): { decision: CallbackDecision; by: string } | undefined {
  let value: unknown;
  try {
    // Authenticated, but still parsed strictly: no duplicate keys, valid UTF-8 only.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    value = parseStrictJson(text, { maxBytes: MAX_CALLBACK_BODY_BYTES, maxDepth: 2 });
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 2 || !('decision' in value) || !('by' in value)) return undefined;
  const { decision, by } = value;
  if (decision !== 'approve' && decision !== 'deny') return undefined;
  if (typeof by !== 'string' || !BY_PATTERN.test(by)) return undefined;
  return { decision, by };
}

function hmac(secret: CallbackSecret, message: CallbackMessage): Buffer {
  return createHmac('sha256', toKey(secret))
    .update(`${message.timestamp}\n${message.nonce}\nPOST\n${message.path}\n`, 'utf8')
    .update(message.body)
    .digest();
}

function toKey(secret: CallbackSecret): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < MIN_CALLBACK_SECRET_BYTES) {
    throw new RangeError(`the callback secret must be at least ${MIN_CALLBACK_SECRET_BYTES} bytes`);
  }
  return key;
}

/** A single-valued header; a repeated one (an array) counts as missing. */
function header(
  headers: CallbackRequest['headers'],
  name: (typeof CALLBACK_HEADERS)[keyof typeof CALLBACK_HEADERS],
): string | undefined {
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function refuse(status: CallbackRefused['status'], reason: string): CallbackRefused {
  return { ok: false, status, reason };
}
