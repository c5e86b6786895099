import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import { toDeniedToolResult } from '../gate.js';
import { JSON_RPC } from '../to-json-rpc-error.js';
import type { RequestId } from '../wire.js';
import { toErrorResponse, toResult } from '../wire.js';

/** JSON-RPC 2.0 §5.1 codes the aggregator answers with, besides those in JSON_RPC. */
const AGGREGATE_RPC = {
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
} as const;

/** Why the aggregator refused to route a request (`data.code`; docs/errors.md). */
export type RefusalCode =
  | 'UNKNOWN_TOOL'
  | 'UNKNOWN_PROMPT'
  | 'UNKNOWN_RESOURCE'
  | 'UNKNOWN_REFERENCE'
  | 'UNKNOWN_CURSOR'
  | 'MEMBER_UNAVAILABLE';

/** A refusal: a stable code and a message that echoes nothing the client or a server sent. */
export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** An invalid-params error (-32602; -32002 for an unavailable member) carrying the code. */
export function toRefusalResponse(id: RequestId, refusal: Refusal): JSONRPCMessage {
  const code =
    refusal.code === 'MEMBER_UNAVAILABLE' ? JSON_RPC.UPSTREAM_FAILED : JSON_RPC.INVALID_PARAMS;
  return toErrorResponse(id, code, `holdfast: ${refusal.message}`, { code: refusal.code });
}

/**
 * A routing refusal as `method` answers it: for `tools/call` a denial shaped like the gate's
 * (toDeniedToolResult), so an agent that called a bare or mistyped name sees why and can adapt;
 * a JSON-RPC error otherwise.
 */
export function toRouteRefusal(id: RequestId, method: string, refusal: Refusal): JSONRPCMessage {
  return method === 'tools/call'
    ? toResult(id, toDeniedToolResult({ code: refusal.code, message: refusal.message }))
    : toRefusalResponse(id, refusal);
}

/** An invalid request (-32600): a second `initialize`, or an id still in use. */
export function toInvalidRequest(
  id: RequestId,
  code: 'ALREADY_INITIALIZED' | 'DUPLICATE_ID',
): JSONRPCMessage {
  const message = code === 'DUPLICATE_ID' ? 'request id in use' : 'already initialized';
  return toErrorResponse(id, AGGREGATE_RPC.INVALID_REQUEST, `holdfast: ${message}`, { code });
}

/** A request that cannot be answered because its server (or every server) went away. */
export function toClosedResponse(
  id: RequestId,
  reason: string,
  code: 'UPSTREAM_CLOSED' | 'NO_MEMBER' = 'UPSTREAM_CLOSED',
): JSONRPCMessage {
  return toErrorResponse(id, JSON_RPC.UPSTREAM_FAILED, `holdfast: ${reason}`, { code });
}

/** Method not found (-32601): the aggregator cannot tell which member would serve it. */
export function toMethodNotFound(id: RequestId): JSONRPCMessage {
  return toErrorResponse(
    id,
    AGGREGATE_RPC.METHOD_NOT_FOUND,
    'holdfast: this method is not available on an aggregated endpoint',
    { code: 'METHOD_NOT_FOUND' },
  );
}

/** Refusals with fixed wording. */
export const REFUSALS = {
  unknownCursor: { code: 'UNKNOWN_CURSOR', message: 'unknown cursor; list again without one' },
  unavailable: {
    code: 'MEMBER_UNAVAILABLE',
    message: 'that server is not available in this session',
  },
} as const satisfies Record<string, Refusal>;
