/**
 * Held calls as the console's queue shows them: the same summary as `holdfast pending --json`,
 * with the names an agent or a server chose (tool name or resource URI, principal) made visible.
 */
import type { HoldSummary } from '../../approvals/hold-summary.js';
import { toHoldSummary } from '../../approvals/hold-summary.js';
import type { Hold, HoldState } from '../../store/index.js';
import { toVisible } from '../../surface/visible.js';

/** One held call, pending or decided. */
export interface HoldView extends HoldSummary {
  state: HoldState;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

/** The display-safe view of `hold` at `now`. */
export function toHoldView(hold: Hold, now: number): HoldView {
  const summary = toHoldSummary(hold, now);
  return {
    ...summary,
    name: summary.name === null ? null : toVisible(summary.name),
    principal: toVisible(summary.principal),
    reason: toVisible(summary.reason),
    state: hold.state,
    resolvedBy: hold.resolvedBy === null ? null : toVisible(hold.resolvedBy),
    resolvedAt: hold.resolvedAt === null ? null : new Date(hold.resolvedAt).toISOString(),
  };
}
