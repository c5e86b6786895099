/**
 * What `holdfast keys` and `holdfast users` share: running against the state directory's store with
 * one error mapping, reading a password from standard input, and showing times. Nothing here ever
 * prints a hash; secrets are printed only by the command that minted them, once.
 */
import { assertPasswordPolicy } from '../../auth/index.js';
import { AuthError } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openStore, signDecisionCheckpoint } from '../deps.js';
import { reportFailure } from './approve.js';

/**
 * Runs `run` on the state directory's store and closes it. A store refusal (RangeError: a name
 * taken meanwhile, a record the store will not take) exits 3; other faults exit 1.
 */
export async function withAccessStore(
  options: GlobalOptions,
  deps: CliDeps,
  run: (store: Store) => Promise<number>,
): Promise<number> {
  const store = openStore(options, deps.env);
  try {
    return await run(store);
  } catch (error) {
    if (error instanceof RangeError) {
      deps.stderr.write(`holdfast: refused: ${error.message}\n`);
      return EXIT.REFUSED;
    }
    return reportFailure(error, deps);
  } finally {
    await store.close();
  }
}

/** Signs a checkpoint so the access change just recorded is provable at once (as decisions are). */
export function signAccessChange(
  store: Store,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<void> {
  return signDecisionCheckpoint(store, options, deps);
}

/**
 * The password on standard input: one line (a final newline is dropped) that meets the policy.
 * Writes the reason and returns undefined when there is none or it is refused.
 */
export async function readPassword(deps: CliDeps): Promise<string | undefined> {
  if (deps.readStdin === undefined) {
    deps.stderr.write('holdfast: --password-stdin needs standard input\n');
    return undefined;
  }
  const password = (await deps.readStdin()).replace(/\r?\n$/, '');
  if (/[\r\n]/.test(password)) {
    deps.stderr.write('holdfast: the password must be a single line\n');
    return undefined;
  }
  try {
    assertPasswordPolicy(password);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    deps.stderr.write(`holdfast: ${error.message}\n`);
    return undefined;
  }
  return password;
}

/** A time for output: ISO 8601, or null. */
export function toIso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}
