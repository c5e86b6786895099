/**
 * The audit entries of the approval queue (docs/audit-log.md §1): `hold` when a call is held and
 * `hold-resolved` when its hold is approved, denied or found expired. Stores append them in the
 * transaction that writes the hold. They carry ids, names, digests and actors: never arguments.
 */
import type { AuditEvent } from '../audit/entry.js';
import { toAuditLabel } from '../audit/entry.js';
import type { Hold } from '../store/ports.js';

/** The `hold` entry: what was held, for whom, under which rule, until when. */
export function toHoldEvent(hold: Hold): AuditEvent {
  return {
    at: hold.createdAt,
    server: hold.server,
    kind: 'hold',
    data: {
      id: hold.id,
      method: toAuditLabel(hold.method),
      name: toAuditLabel(hold.name),
      principal: toAuditLabel(hold.principal),
      definition: hold.definitionDigest,
      args: hold.argsDigest,
      rule: toAuditLabel(hold.ruleId),
      expires_at: hold.expiresAt,
    },
  };
}

/**
 * The `hold-resolved` entry of a hold that just left `pending`: its new state and who decided
 * (`null` for an expiry).
 * @throws RangeError for a hold that is still pending.
 */
export function toHoldResolvedEvent(hold: Hold): AuditEvent {
  if (hold.state === 'pending' || hold.resolvedAt === null) {
    throw new RangeError('a pending hold has no resolution to record');
  }
  return {
    at: hold.resolvedAt,
    server: hold.server,
    kind: 'hold-resolved',
    data: { id: hold.id, state: hold.state, by: toAuditLabel(hold.resolvedBy) },
  };
}
