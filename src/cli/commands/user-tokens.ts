/**
 * `holdfast users token|revoke-token` (docs/cli.md, docs/auth.md): API tokens (`hfu_…`) that let
 * scripts call the console API as a user, with that user's current role. A token is printed once;
 * only the SHA-256 of its secret is stored.
 */
import {
  mintUserToken,
  toAccessEvent,
  TOKEN_LABEL_PATTERN,
  USER_TOKEN_ID_PATTERN,
} from '../../auth/index.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { cliActor, EXIT, toTerminalSafe, writeJson, writeTable } from '../deps.js';
import { signAccessChange, toIso, withAccessStore } from './access-io.js';
import { isUserName, liveUser } from './users.js';

/** Options of `holdfast users token`. */
export interface UsersTokenOptions extends GlobalOptions {
  label?: string;
}

/** `holdfast users token NAME [--label L]`: mints an API token and prints it once. */
export async function usersTokenCommand(
  name: string,
  options: UsersTokenOptions,
  deps: CliDeps,
): Promise<number> {
  const label = options.label ?? '';
  if (!TOKEN_LABEL_PATTERN.test(label)) {
    deps.stderr.write('holdfast: a label is at most 128 printable ASCII characters\n');
    return EXIT.USAGE;
  }
  if (!isUserName(name, deps)) return EXIT.USAGE;
  return withAccessStore(options, deps, async (store) => {
    const user = await liveUser(store, name, deps);
    if (user === undefined) return EXIT.NOT_FOUND;
    const minted = mintUserToken();
    const at = deps.clock.now();
    const by = cliActor(deps.env);
    await store.createUserToken(
      {
        id: minted.id,
        user: name,
        label,
        secretHash: minted.secretHash,
        createdAt: at,
        revokedAt: null,
      },
      toAccessEvent(at, 'token-create', by, { id: minted.id, user: name, label }),
    );
    await signAccessChange(store, options, deps);
    if (options.json === true) {
      writeJson(deps, { id: minted.id, user: name, label, token: minted.token });
    } else {
      deps.stdout.write(
        `Created API token ${minted.id} for ${name} (${user.role}). It is shown only this once:\n\n` +
          `  ${minted.token}\n\n` +
          'Send it as: Authorization: Bearer <token>\n',
      );
    }
    return EXIT.OK;
  });
}

/** `holdfast users revoke-token ID`: the token stops working at once (exit 3 if already revoked). */
export async function usersRevokeTokenCommand(
  id: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  if (!USER_TOKEN_ID_PATTERN.test(id)) return notFound(id, deps);
  return withAccessStore(options, deps, async (store) => {
    const token = await store.getUserToken(id);
    if (token === undefined) return notFound(id, deps);
    const at = deps.clock.now();
    const event = toAccessEvent(at, 'token-revoke', cliActor(deps.env), { id, user: token.user });
    const isRevoked = token.revokedAt === null && (await store.revokeUserToken(id, at, event));
    if (!isRevoked) {
      const when = toIso(token.revokedAt) ?? 'just now';
      deps.stderr.write(`holdfast: refused: token ${id} was already revoked (${when})\n`);
      return EXIT.REFUSED;
    }
    await signAccessChange(store, options, deps);
    if (options.json === true) writeJson(deps, { id, user: token.user, revokedAt: toIso(at) });
    else deps.stdout.write(`Revoked API token ${id} of ${token.user}.\n`);
    return EXIT.OK;
  });
}

function notFound(id: string, deps: CliDeps): number {
  deps.stderr.write(`holdfast: no API token with id ${toTerminalSafe(id)}\n`);
  return EXIT.NOT_FOUND;
}

/** `holdfast users tokens [NAME]`: API tokens (ids and labels, never secrets), oldest first. */
export async function usersTokensCommand(
  name: string | undefined,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  if (name !== undefined && !isUserName(name, deps)) return EXIT.USAGE;
  return withAccessStore(options, deps, async (store) => {
    const tokens = (await store.listUserTokens(name)).map((t) => ({
      id: t.id,
      user: t.user,
      label: t.label,
      createdAt: toIso(t.createdAt) ?? '',
      revokedAt: toIso(t.revokedAt),
    }));
    if (options.json === true) {
      writeJson(deps, { tokens });
      return EXIT.OK;
    }
    if (tokens.length === 0) {
      deps.stdout.write('No API tokens.\n');
      return EXIT.OK;
    }
    const rows = tokens.map((t) => [
      t.id,
      t.user,
      t.createdAt,
      t.revokedAt === null ? 'live' : `revoked ${t.revokedAt}`,
      toTerminalSafe(t.label),
    ]);
    writeTable(deps, ['ID', 'USER', 'CREATED', 'STATUS', 'LABEL'], rows);
    return EXIT.OK;
  });
}
