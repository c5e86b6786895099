import { approve, quarantine } from '../../pinning/status.js';
import { GatewayError } from '../../shared/errors.js';
import { isDigest } from '../../surface/digest.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { cliActor, EXIT, openStore, signDecisionCheckpoint, writeJson } from '../deps.js';

/** Options of `holdfast approve`. */
export interface ApproveOptions extends GlobalOptions {
  digest: string;
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
  const store = openStore(options, deps.env);
  const actor = cliActor(deps.env);
  try {
    const outcome: { approved: boolean; observed: string | null } = {
      approved: false,
      observed: null,
    };
    const record = await store.update(name, (current) => {
      const result = approve(current, options.digest, actor, { name, now: deps.clock.now() });
      outcome.approved = result.approved;
      outcome.observed = current?.observed?.digests.surface ?? null;
      return result.transition;
    });
    const { approved, observed } = outcome;
    await signDecisionCheckpoint(store, options, deps);
    if (options.json === true) {
      writeJson(deps, {
        server: name,
        approved,
        status: record?.status ?? null,
        requested: options.digest,
        observed,
      });
    } else if (approved) {
      deps.stdout.write(
        `Approved ${name} at ${options.digest}. Status: ${record?.status ?? '?'}.\n`,
      );
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

/** `holdfast quarantine NAME`: disables NAME until an approval restores it. */
export async function quarantineCommand(
  name: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  const store = openStore(options, deps.env);
  try {
    const record = await store.update(name, (current) =>
      quarantine(current, cliActor(deps.env), { name, now: deps.clock.now() }),
    );
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
    const notFound = error.code === 'PIN_UNKNOWN_SERVER' || error.code === 'PIN_NOTHING_OBSERVED';
    return notFound ? EXIT.NOT_FOUND : EXIT.FAILURE;
  }
  throw error;
}
