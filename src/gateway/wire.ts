import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import { isJsonObject } from '../surface/snapshot.js';
import type { JsonObject, JsonValue } from '../surface/types.js';

/** A JSON-RPC id. */
export type RequestId = string | number;

/** Views of a raw JSON-RPC message; the gateway relays the original object, untouched. */
export type Classified =
  | { kind: 'request'; id: RequestId; method: string; params: JsonObject }
  | { kind: 'notification'; method: string; params: JsonObject }
  | { kind: 'response'; id: RequestId; result: JsonObject }
  | { kind: 'error'; id: RequestId | null; error: JsonObject }
  | { kind: 'invalid' };

/** Classifies a message by its fields (JSON-RPC 2.0 §4–5). */
export function classify(message: JSONRPCMessage): Classified {
  const m = message as unknown as Record<string, JsonValue | undefined>;
  const { id, method, params, result, error } = m;
  const hasId = typeof id === 'string' || typeof id === 'number';
  const paramsObject = isJsonObject(params) ? params : {};
  if (typeof method === 'string') {
    return hasId
      ? { kind: 'request', id, method, params: paramsObject }
      : { kind: 'notification', method, params: paramsObject };
  }
  if (hasId && isJsonObject(result)) return { kind: 'response', id, result };
  if (isJsonObject(error)) return { kind: 'error', id: hasId ? id : null, error };
  return { kind: 'invalid' };
}

/** A JSON-RPC success response. */
export function toResult(id: RequestId, result: JsonObject): JSONRPCMessage {
  return { jsonrpc: '2.0', id, result };
}

/** A JSON-RPC request. */
export function toRequest(id: RequestId, method: string, params: JsonObject): JSONRPCMessage {
  return { jsonrpc: '2.0', id, method, params };
}

/** A JSON-RPC error response. */
export function toErrorResponse(
  id: RequestId,
  code: number,
  message: string,
  data?: JsonObject,
): JSONRPCMessage {
  const error: JsonObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error } as unknown as JSONRPCMessage;
}
