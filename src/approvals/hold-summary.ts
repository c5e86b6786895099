/**
 * A held call as people read it (`holdfast pending --json`, the console's queue): times as ISO
 * 8601 and seconds relative to now. Every field is a digest, a name or the rule's own reason.
 */
import type { Hold } from '../store/ports.js';

/** One held call as `holdfast pending --json` prints it. */
export interface HoldSummary {
  id: string;
  server: string;
  method: string;
  name: string | null;
  principal: string;
  ruleId: string;
  reason: string;
  definitionDigest: string | null;
  argsDigest: string;
  createdAt: string;
  expiresAt: string;
  ageSeconds: number;
  expiresInSeconds: number;
}

/** Summarizes a hold, with times as ISO 8601 and seconds relative to `now`. */
export function toHoldSummary(hold: Hold, now: number): HoldSummary {
  return {
    id: hold.id,
    server: hold.server,
    method: hold.method,
    name: hold.name,
    principal: hold.principal,
    ruleId: hold.ruleId,
    reason: hold.reason,
    definitionDigest: hold.definitionDigest,
    argsDigest: hold.argsDigest,
    createdAt: new Date(hold.createdAt).toISOString(),
    expiresAt: new Date(hold.expiresAt).toISOString(),
    ageSeconds: Math.max(0, Math.floor((now - hold.createdAt) / 1000)),
    expiresInSeconds: Math.max(0, Math.ceil((hold.expiresAt - now) / 1000)),
  };
}
