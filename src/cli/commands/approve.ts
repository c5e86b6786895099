import { approveObservedSurface, quarantineServer, setToolRiskMode } from '../../pinning/review.js';
import type { RiskMode } from '../../risk/types.js';
import { GatewayError } from '../../shared/errors.js';
import { isDigest } from '../../surface/digest.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { cliActor, EXIT, openStore, signDecisionCheckpoint, writeJson } from '../deps.js';

/** Options of `holdfast approve`. */
export interface ApproveOptions extends GlobalOptions {
  digest: string;
  /** Release this tool's risk mode instead; `digest` is then the tool's definition digest. */
  tool?: string;
  /** Also allow items whose risk assessment blocks them (critical by default). */
  acceptRisk?: boolean;
}

/** Options of `holdfast quarantine`. */
export interface QuarantineOptions extends GlobalOptions {
  /** Quarantine (or block) only this tool: its calls are held for approval (or denied). */
  tool?: string;
  block?: boolean;
}

/**
 * `holdfast approve NAME --digest D`: re-baselines NAME only if D is the surface digest observed
 * now (I6). A stale digest is refused (exit 3) and the refusal is recorded.
 */
export async function approveCommand(
  name: string,
  options: ApproveOptions,
  deps: CliDeps,
): Promise<number> {
  if (!isDigest(options.digest)) {
    deps.stderr.write(
      'holdfast: --digest must be sha256:<64 hex digits>, as printed by holdfast diff\n',
    );
    return EXIT.USAGE;
  }
  // `--tool T --digest D`: a human releases one tool's quarantine or block, naming the tool's
  // definition digest they reviewed (I6); refused (exit 3) when the tool changed since.
  if (options.tool !== undefined) {
    return setToolMode(name, options.tool, 'allow', options.digest, options, deps);
  }
  const store = openStore(options, deps.env);
  const actor = cliActor(deps.env);
  try {
    const { approved, observed, record, restricted } = await approveObservedSurface(
      store,
      name,
      options.digest,
      { by: actor, now: deps.clock.now(), acceptRisk: options.acceptRisk === true },
    );
    await signDecisionCheckpoint(store, options, deps);
    if (options.json === true) {
      writeJson(deps, {
        server: name,
        approved,
        status: record?.status ?? null,
        requested: options.digest,
        observed,
        restricted,
      });
    } else if (approved) {
      deps.stdout.write(
        `Approved ${name} at ${options.digest}. Status: ${record?.status ?? '?'}.\n`,
      );
      for (const item of restricted) {
        const release =
          item.mode === 'block' && item.source === 'scan'
            ? `approve again with --accept-risk to allow it`
            : `release with: holdfast approve ${name} --tool <name> --digest ${item.digest}`;
        deps.stdout.write(
          `  still ${item.mode === 'block' ? 'blocked' : 'quarantined'}: ${item.ref} (risk ${item.band}, set by ${item.by ?? item.source}); ${release}\n`,
        );
      }
    } else {
      deps.stderr.write(
        `holdfast: refused: ${name} changed since that digest was reviewed.\n  requested ${options.digest}\n  observed  ${observed ?? '-'}\nReview again with: holdfast diff ${name}\n`,
      );
    }
    return approved ? EXIT.OK : EXIT.REFUSED;
  } catch (error) {
    return reportFailure(error, deps);
  } finally {
    await store.close();
  }
}

async function setToolMode(
  name: string,
  tool: string,
  mode: RiskMode,
  reviewedDigest: string | undefined,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  const store = openStore(options, deps.env);
  try {
    const { ref, ...outcome } = await setToolRiskMode(
      store,
      name,
      tool,
      mode,
      reviewedDigest === undefined
        ? { by: cliActor(deps.env), now: deps.clock.now() }
        : { by: cliActor(deps.env), now: deps.clock.now(), reviewedDigest },
    );
    await signDecisionCheckpoint(store, options, deps);
    if (options.json === true) {
      writeJson(deps, {
        server: name,
        ref,
        mode,
        applied: outcome.applied,
        digest: outcome.digest,
      });
    } else if (outcome.applied) {
      const effect =
        mode === 'allow'
          ? 'its calls are decided by the rules again'
          : mode === 'block'
            ? 'its calls are denied and it is hidden from the tool list'
            : 'each call is held until a human approves it (holdfast pending)';
      deps.stdout.write(`${ref} of ${name} is now ${mode}: ${effect}.\n`);
    } else {
      deps.stderr.write(
        `holdfast: refused: ${ref} of ${name} changed since that digest was reviewed.\n  requested ${reviewedDigest ?? '-'}\n  assessed  ${outcome.digest}\nReview again with: holdfast diff ${name}\n`,
      );
    }
    return outcome.applied ? EXIT.OK : EXIT.REFUSED;
  } catch (error) {
    return reportFailure(error, deps);
  } finally {
    await store.close();
  }
}

/**
 * `holdfast quarantine NAME`: disables NAME until an approval restores it. With `--tool T`, only
 * that tool: its calls are held for approval (or, with `--block`, denied and the tool hidden).
 */
export async function quarantineCommand(
  name: string,
  options: QuarantineOptions,
  deps: CliDeps,
): Promise<number> {
  if (options.tool !== undefined) {
    const mode = options.block === true ? 'block' : 'quarantine';
    return setToolMode(name, options.tool, mode, undefined, options, deps);
  }
  if (options.block === true) {
    deps.stderr.write('holdfast: --block applies to one tool: add --tool <name>\n');
    return EXIT.USAGE;
  }
  const store = openStore(options, deps.env);
  try {
    const record = await quarantineServer(store, name, {
      by: cliActor(deps.env),
      now: deps.clock.now(),
    });
    await signDecisionCheckpoint(store, options, deps);
    if (options.json === true) writeJson(deps, { server: name, status: record?.status ?? null });
    else
      deps.stdout.write(
        `Quarantined ${name}. Calls are denied until: holdfast approve ${name} --digest <digest>\n`,
      );
    return EXIT.OK;
  } catch (error) {
    return reportFailure(error, deps);
  } finally {
    await store.close();
  }
}

/** Prints a GatewayError's message (safe by construction) and maps it to an exit code. */
export function reportFailure(error: unknown, deps: CliDeps): number {
  if (error instanceof GatewayError) {
    deps.stderr.write(`holdfast: ${error.message}\n`);
    const notFound =
      error.code === 'PIN_UNKNOWN_SERVER' ||
      error.code === 'PIN_NOTHING_OBSERVED' ||
      error.code === 'PIN_UNKNOWN_ITEM';
    return notFound ? EXIT.NOT_FOUND : EXIT.FAILURE;
  }
  throw error;
}
