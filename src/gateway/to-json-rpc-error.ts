import { GatewayError } from '../shared/errors.js';
import type { JsonObject } from '../surface/types.js';

/** JSON-RPC error codes Holdfast sends (docs/errors.md). */
export const JSON_RPC = {
  /** A request Holdfast refused on purpose (not verified, not approved); `data.code` says why. */
  DENIED: -32001,
  /** The upstream server failed, hung, or sent something Holdfast would not forward. */
  UPSTREAM_FAILED: -32002,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/** A JSON-RPC error body: code, message and safe data. */
export interface WireError {
  code: number;
  message: string;
  data: JsonObject;
}

/**
 * Maps any thrown value to a JSON-RPC error, in this one place. Messages carry no stack, token,
 * environment value or server-authored text; internal faults are -32603, never a client-fault code.
 */
export function toJsonRpcError(error: unknown): WireError {
  if (error instanceof GatewayError) {
    const code = error.code as string;
    if (code.startsWith('UPSTREAM_') || code.startsWith('SURFACE_')) {
      return {
        code: JSON_RPC.UPSTREAM_FAILED,
        message: `holdfast: ${error.message}`,
        data: { code },
      };
    }
    return { code: JSON_RPC.INTERNAL_ERROR, message: `holdfast: ${error.message}`, data: { code } };
  }
  return {
    code: JSON_RPC.INTERNAL_ERROR,
    message: 'holdfast: internal error; the request was not forwarded',
    data: { code: 'INTERNAL' },
  };
}
