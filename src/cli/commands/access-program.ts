/**
 * The `holdfast keys` and `holdfast users` command groups (docs/cli.md), registered by
 * program.ts. The commands themselves are loaded when used.
 */
import type { Command } from 'commander';
import { Argument, Option } from 'commander';

import { ROLES } from '../../auth/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';

/** What the groups need from `createProgram`. */
export interface AccessRegistration {
  deps: CliDeps;
  setExit: (code: number) => void;
  merged: (cmd: Command) => GlobalOptions;
}

/** Adds `keys create|list|revoke` and `users add|list|set-role|passwd|remove|token|tokens|revoke-token`. */
export function registerAccessCommands(program: Command, registration: AccessRegistration): void {
  const { deps, setExit, merged } = registration;
  const group = (name: string, description: string): ((sub: string) => Command) => {
    const parent = program.command(name).description(description);
    return (sub) =>
      parent
        .command(sub)
        .option('--home <dir>', 'state directory (default: $HOLDFAST_HOME or ~/.holdfast)')
        .option('--json', 'machine-readable output');
  };
  const keys = (): Promise<typeof import('./keys.js')> => import('./keys.js');
  const users = (): Promise<typeof import('./users.js')> => import('./users.js');
  const tokens = (): Promise<typeof import('./user-tokens.js')> => import('./user-tokens.js');

  const key = group('keys', 'agent keys for holdfast serve (MCP access)');
  key('create')
    .description('create an agent key and print it once')
    .argument('<name>', 'a label for the key (unique among live keys)')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      setExit(await (await keys()).keysCreateCommand(name, merged(cmd), deps)),
    );
  key('list')
    .description('list agent keys (never their secrets)')
    .action(async (_opts: unknown, cmd: Command) =>
      setExit(await (await keys()).keysListCommand(merged(cmd), deps)),
    );
  key('revoke')
    .description('revoke an agent key: it stops working at once')
    .argument('<id>', 'key id (key_...), from holdfast keys list')
    .action(async (id: string, _opts: unknown, cmd: Command) =>
      setExit(await (await keys()).keysRevokeCommand(id, merged(cmd), deps)),
    );

  const user = group('users', 'console users, their roles and API tokens');
  const role = (): Option =>
    new Option('--role <role>', 'viewer, developer or admin').choices(ROLES).makeOptionMandatory();
  const passwordStdin = 'read the password from standard input (one line)';
  user('add')
    .description('add a user; without --password-stdin a password is generated and printed once')
    .argument('<name>', 'user name')
    .addOption(role())
    .option('--password-stdin', passwordStdin)
    .action(async (name: string, opts: { role: string; passwordStdin?: boolean }, cmd: Command) =>
      setExit(await (await users()).usersAddCommand(name, { ...opts, ...merged(cmd) }, deps)),
    );
  user('list')
    .description('list users and their roles')
    .action(async (_opts: unknown, cmd: Command) =>
      setExit(await (await users()).usersListCommand(merged(cmd), deps)),
    );
  user('set-role')
    .description("change a user's role (takes effect at once)")
    .argument('<name>', 'user name')
    .addArgument(new Argument('<role>', 'viewer, developer or admin').choices(ROLES))
    .action(async (name: string, newRole: string, _opts: unknown, cmd: Command) =>
      setExit(await (await users()).usersSetRoleCommand(name, newRole, merged(cmd), deps)),
    );
  user('passwd')
    .description("set a user's password from standard input (ends their console sessions)")
    .argument('<name>', 'user name')
    .requiredOption('--password-stdin', passwordStdin)
    .action(async (name: string, opts: { passwordStdin?: boolean }, cmd: Command) =>
      setExit(await (await users()).usersPasswdCommand(name, { ...opts, ...merged(cmd) }, deps)),
    );
  user('remove')
    .description('remove a user: they cannot log in, and their API tokens are revoked')
    .argument('<name>', 'user name')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      setExit(await (await users()).usersRemoveCommand(name, merged(cmd), deps)),
    );
  user('token')
    .description("create an API token acting with the user's role, and print it once")
    .argument('<name>', 'user name')
    .option('--label <label>', 'what the token is for (shown in holdfast users tokens)')
    .action(async (name: string, opts: { label?: string }, cmd: Command) =>
      setExit(await (await tokens()).usersTokenCommand(name, { ...opts, ...merged(cmd) }, deps)),
    );
  user('tokens')
    .description('list API tokens (never their secrets), of one user or of everyone')
    .argument('[name]', 'user name')
    .action(async (name: string | undefined, _opts: unknown, cmd: Command) =>
      setExit(await (await tokens()).usersTokensCommand(name, merged(cmd), deps)),
    );
  user('revoke-token')
    .description('revoke an API token: it stops working at once')
    .argument('<id>', 'token id (tok_...), from holdfast users tokens')
    .action(async (id: string, _opts: unknown, cmd: Command) =>
      setExit(await (await tokens()).usersRevokeTokenCommand(id, merged(cmd), deps)),
    );
}
