/**
 * Checks for JSON-RPC message text that arrives from a peer Holdfast does not trust: strict JSON
 * (no duplicate keys, bounded depth and size), then the JSON-RPC 2.0 shape. Shared by the stdio
 * and HTTP transports, in both directions.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/client';

import { SurfaceError, UpstreamError } from '../shared/errors.js';
import { parseStrictJson } from '../surface/strict-json.js';

/** Default cap on one message (one line): 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Default nesting limit for one message. */
export const DEFAULT_MAX_MESSAGE_DEPTH = 64;

/** The outcome of checking one message from upstream. */
export type WireVerdict =
  { ok: true; message: JSONRPCMessage } | { ok: false; reason: string; id?: string | number };

/**
 * Checks one message text from upstream (attacker-controlled): strict JSON within the limits,
 * then the JSON-RPC 2.0 shape. The returned message is the parsed value itself, not a re-built
 * copy, so unknown members survive for the gateway to relay.
 */
export function checkUpstreamText(
  text: string,
  limits: { maxDepth: number; maxBytes: number },
): WireVerdict {
  let value: unknown;
  try {
    value = parseStrictJson(text, limits);
  } catch (error) {
    const reason = error instanceof SurfaceError ? error.code : 'SURFACE_NOT_JSON';
    return withId({ ok: false, reason }, recoverJsonRpcId(text));
  }
  if (isJsonRpcMessage(value)) return { ok: true, message: value };
  const id = typeof value === 'object' && value !== null && 'id' in value ? value.id : undefined;
  return withId({ ok: false, reason: 'not-jsonrpc' }, id);
}

export const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const RESULT_KEYS = new Set(['jsonrpc', 'id', 'result']);
const ERROR_KEYS = new Set(['jsonrpc', 'id', 'error']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

/**
 * The JSON-RPC 2.0 shape (§4 request/notification, §5 response), as strict as the SDK's schemas:
 * no members beyond the spec's, `params` an object when present, ids strings or integers,
 * exactly one of `result` (an object) and `error` (`{ code: integer, message: string }`). Written
 * out by hand because it runs on every message in both directions and a schema library is slow.
 */
export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (!isPlainObject(value) || value['jsonrpc'] !== '2.0') return false;
  const id = value['id'];
  const isId = typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
  if ('method' in value) {
    const params = value['params'];
    return (
      typeof value['method'] === 'string' &&
      (params === undefined || isPlainObject(params)) &&
      (!('id' in value) || isId) &&
      hasOnlyKeys(value, REQUEST_KEYS)
    );
  }
  if (!isId) return false;
  if ('result' in value) return isPlainObject(value['result']) && hasOnlyKeys(value, RESULT_KEYS);
  const error = value['error'];
  return (
    isPlainObject(error) &&
    typeof error['code'] === 'number' &&
    Number.isInteger(error['code']) &&
    typeof error['message'] === 'string' &&
    hasOnlyKeys(value, ERROR_KEYS)
  );
}

export function withId(verdict: { ok: false; reason: string }, id: unknown): WireVerdict {
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id))
    ? { ...verdict, id }
    : verdict;
}

/**
 * Finds the top-level `"id"` of a JSON object text that failed strict parsing, or of the prefix of
 * an oversize one, without building the value: one forward scan, no recursion, no regex. Returns
 * undefined when there is no usable id (absent, not a string or integer, or given twice).
 */
export function recoverJsonRpcId(text: string): string | number | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  let id: string | number | undefined;
  let isSeen = false;
  for (i = skipSpace(text, i + 1); text.charCodeAt(i) === 0x22; i = skipSpace(text, i + 1)) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) break;
    const isIdKey = decodeSmall(text.slice(i, keyEnd)) === 'id';
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) break;
    i = skipSpace(text, i + 1);
    const valueEnd = valueEndAt(text, i);
    if (isIdKey) {
      if (isSeen) return undefined;
      isSeen = true;
      const value = valueEnd === -1 ? undefined : decodeSmall(text.slice(i, valueEnd));
      id =
        typeof value === 'string' || Number.isSafeInteger(value)
          ? (value as string | number)
          : undefined;
    }
    if (valueEnd === -1) break;
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== 0x2c) break;
  }
  return id;
}

function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return i;
}

/** Index just after the string whose quote is at `i`, or -1 if the text ends first. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/** Index just after the value starting at `i`, or -1 if the text ends first. */
function valueEndAt(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === 0x22) return stringEnd(text, i);
  if (first !== 0x7b && first !== 0x5b) {
    let j = i;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d)
        return j;
    }
    return -1; // a number cut by the end of a prefix may be longer than what we see
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) {
      j = stringEnd(text, j) - 1;
      if (j < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return j + 1;
  }
  return -1;
}

/** JSON.parse of a short token (a key or an id); anything long or invalid is undefined. */
function decodeSmall(token: string): unknown {
  if (token.length > 256) return undefined;
  try {
    return JSON.parse(token) as unknown;
  } catch {
    return undefined;
  }
}

/** The error reported through `onerror` for a rejected message; it never quotes the message. */
export function toProtocolError(verdict: { reason: string; id?: string | number }): UpstreamError {
  const details: Record<string, string | number> = { reason: verdict.reason };
  if (verdict.id !== undefined) details['id'] = verdict.id;
  return new UpstreamError('UPSTREAM_PROTOCOL', `Upstream message rejected (${verdict.reason})`, {
    details,
  });
}
