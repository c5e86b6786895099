/**
 * The message-level checks of the Streamable HTTP upstream (bytes in, verdict out), kept apart from
 * the socket code.
 */
import { isUtf8 } from 'node:buffer';

import { checkUpstreamText, recoverJsonRpcId, type WireVerdict } from '../wire-check.js';

/** Size and depth limits for one message. */
export interface Limits {
  maxBytes: number;
  maxDepth: number;
}

/**
 * Checks the bytes of one JSON body or event (attacker-controlled). MCP messages are UTF-8: bytes
 * that are not are refused rather than decoded with replacement characters, which would change
 * what the gateway inspects.
 */
export function checkBody(data: Buffer, limits: Limits): WireVerdict {
  if (!isUtf8(data)) return { ok: false, reason: 'SURFACE_NOT_JSON' };
  return checkUpstreamText(data.toString('utf8'), limits);
}

/** Checks a JSON body read by `readBody`; an oversize one keeps the id its prefix shows. */
export function checkJsonBody(
  read: { body: Buffer; isOversize: boolean },
  limits: Limits,
): WireVerdict {
  if (!read.isOversize) return checkBody(read.body, limits);
  const id = recoverJsonRpcId(read.body.toString('utf8'));
  return id === undefined
    ? { ok: false, reason: 'oversize' }
    : { ok: false, reason: 'oversize', id };
}

/** "The session ID MUST only contain visible ASCII characters (ranging from 0x21 to 0x7E)." */
export function isSessionId(value: string | string[]): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
