/**
 * A human sets one item's risk mode (DESIGN §7): quarantine or block a tool, or release it. Only
 * these explicit, audited actions relax a mode (I5), and a release names the definition digest the
 * human reviewed (I6).
 */
import { setItemMode } from '../risk/ratchet.js';
import type { RiskMode } from '../risk/types.js';
import { PinError } from '../shared/errors.js';
import { digestEquals } from '../surface/digest.js';
import { toModeEvents } from './risk-transition.js';
import type { Transition, TransitionContext } from './status.js';
import type { ServerRecord } from './types.js';

/**
 * Sets `ref`'s mode on `current`. With `reviewedDigest`, the change is refused (and the refusal
 * recorded) unless it is the digest the item was last assessed at.
 */
export function setItemRisk(
  current: ServerRecord | undefined,
  ref: string,
  mode: RiskMode,
  options: { actor: string; reviewedDigest?: string },
  ctx: TransitionContext,
): { transition: Transition; applied: boolean; digest: string } {
  if (current === undefined) {
    throw new PinError('PIN_UNKNOWN_SERVER', `no server named "${ctx.name}" has been seen`);
  }
  const items = current.risk?.items ?? {};
  const item = Object.hasOwn(items, ref) ? items[ref] : undefined;
  if (item === undefined) {
    throw new PinError(
      'PIN_UNKNOWN_ITEM',
      `server "${ctx.name}" has no assessed item ${ref} (see holdfast servers ${ctx.name} --json)`,
    );
  }
  const { reviewedDigest, actor } = options;
  if (reviewedDigest !== undefined && !digestEquals(item.digest, reviewedDigest)) {
    const refused = {
      at: ctx.now,
      server: ctx.name,
      kind: 'approve-refused' as const,
      data: { ref, requested: reviewedDigest, observed: item.digest, by: actor },
    };
    return {
      transition: { record: current, events: [refused] },
      applied: false,
      digest: item.digest,
    };
  }
  const next = setItemMode(item, mode, actor);
  const record: ServerRecord = {
    ...current,
    risk: { items: { ...items, [ref]: next } },
    updatedAt: ctx.now,
  };
  const events = toModeEvents([{ ref, from: item.mode, to: mode, item: next }], ctx);
  return { transition: { record, events }, applied: true, digest: item.digest };
}
