import { decideHold } from '../../approvals/decide-hold.js';
import { toHoldSummary } from '../../approvals/hold-summary.js';
import { HOLD_ID_PATTERN, isExpired } from '../../approvals/index.js';
import type { Hold } from '../../store/index.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import {
  cliActor,
  EXIT,
  openStore,
  signDecisionCheckpoint,
  toTerminalSafe,
  writeJson,
  writeTable,
} from '../deps.js';
import { reportFailure } from './approve.js';

export type { HoldSummary } from '../../approvals/hold-summary.js';

/** Options of `holdfast resolve`: exactly one of `approve` and `deny`. */
export interface ResolveOptions extends GlobalOptions {
  approve?: boolean;
  deny?: boolean;
}

/**
 * `holdfast pending`: the calls waiting for a human, oldest first. Holds past their expiry are
 * not listed: they can no longer be approved (the gateway denies them).
 */
export async function pendingCommand(options: GlobalOptions, deps: CliDeps): Promise<number> {
  const store = openStore(options, deps.env);
  try {
    const now = deps.clock.now();
    const holds = (await store.listHolds({ state: 'pending' })).filter((h) => !isExpired(h, now));
    if (options.json === true) {
      writeJson(deps, { holds: holds.map((hold) => toHoldSummary(hold, now)) });
      return EXIT.OK;
    }
    if (holds.length === 0) {
      deps.stdout.write('No calls are waiting for approval.\n');
      return EXIT.OK;
    }
    const header = ['ID', 'SERVER', 'NAME', 'RULE', 'AGE', 'EXPIRES IN', 'REASON'];
    const rows = holds.map((hold) => [
      hold.id,
      toTerminalSafe(hold.server),
      hold.name === null ? '-' : toTerminalSafe(hold.name),
      toTerminalSafe(hold.ruleId),
      toDuration(now - hold.createdAt),
      toDuration(hold.expiresAt - now),
      // The rule's reason comes from the operator's policy: spaces are fine, nothing else is.
      /^[ -~]*$/.test(hold.reason) ? hold.reason : toTerminalSafe(hold.reason),
    ]);
    writeTable(deps, header, rows);
    deps.stdout.write('\nResolve one with: holdfast resolve ID --approve  (or --deny)\n');
    return EXIT.OK;
  } catch (error) {
    return reportFailure(error, deps);
  } finally {
    await store.close();
  }
}

/**
 * `holdfast resolve ID --approve|--deny`: approves or denies a held call, as `cli:$USER`. Only a
 * pending hold before its expiry is resolved (compare-and-set in the store); one already resolved
 * or expired is refused (exit 3) and left as it is.
 */
export async function resolveCommand(
  id: string,
  options: ResolveOptions,
  deps: CliDeps,
): Promise<number> {
  if ((options.approve === true) === (options.deny === true)) {
    deps.stderr.write('holdfast: give exactly one of --approve or --deny\n');
    return EXIT.USAGE;
  }
  if (!HOLD_ID_PATTERN.test(id)) return notFound(id, deps);
  const state = options.approve === true ? 'approved' : 'denied';
  const store = openStore(options, deps.env);
  try {
    const by = cliActor(deps.env);
    const at = deps.clock.now();
    const resolution = { state, by, at } as const;
    const decision = await decideHold(store, id, resolution);
    if (decision === undefined) return notFound(id, deps);
    const { hold, isResolved, wasPending } = decision;
    if (wasPending) await signDecisionCheckpoint(store, options, deps);
    if (options.json === true) {
      writeJson(deps, {
        id: hold.id,
        requested: state,
        resolved: isResolved,
        state: hold.state,
        resolvedBy: hold.resolvedBy,
        resolvedAt: hold.resolvedAt === null ? null : new Date(hold.resolvedAt).toISOString(),
      });
    } else if (isResolved) {
      const what = `${toTerminalSafe(hold.server)} ${toTerminalSafe(hold.name ?? hold.method)}`;
      deps.stdout.write(
        `${state === 'approved' ? 'Approved' : 'Denied'} ${hold.id} (${what}) as ${by}.\n`,
      );
    } else {
      deps.stderr.write(`holdfast: refused: ${describeOutcome(hold)}\n`);
    }
    return isResolved ? EXIT.OK : EXIT.REFUSED;
  } catch (error) {
    return reportFailure(error, deps);
  } finally {
    await store.close();
  }
}

/** Why a hold could not be resolved: who resolved it first, or when it expired. */
function describeOutcome(hold: Hold): string {
  const when = hold.resolvedAt === null ? '?' : new Date(hold.resolvedAt).toISOString();
  if (hold.state === 'expired') {
    const expiredAt = new Date(hold.expiresAt).toISOString();
    return `${hold.id} expired at ${expiredAt} (recorded ${when}); its call was denied.`;
  }
  const by = hold.resolvedBy === null ? 'someone' : toTerminalSafe(hold.resolvedBy);
  return `${hold.id} was already ${hold.state} by ${by} at ${when}.`;
}

function notFound(id: string, deps: CliDeps): number {
  deps.stderr.write(`holdfast: no held call with id ${toTerminalSafe(id)}\n`);
  return EXIT.NOT_FOUND;
}

/** A short human duration: `42s`, `4m18s`, `2h05m`; `0s` for anything not positive. */
function toDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
