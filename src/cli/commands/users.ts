/**
 * `holdfast users add|list|set-role|passwd|remove` (docs/cli.md, docs/auth.md): console accounts
 * for `holdfast serve`. Passwords come from standard input (`--password-stdin`) or are generated
 * and printed once; only their scrypt hashes are stored. A running gateway reads the account on
 * every request, so a role change or a removal takes effect at once; a password change ends the
 * account's console sessions. Every change is recorded in the audit log as `cli:$USER`.
 */
import type { Role } from '../../auth/index.js';
import {
  generatePassword,
  hashPassword,
  ROLES,
  toAccessEvent,
  USER_NAME_PATTERN,
} from '../../auth/index.js';
import type { Store } from '../../store/index.js';
import type { UserRecord } from '../../store/ports.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { cliActor, EXIT, toTerminalSafe, writeJson, writeTable } from '../deps.js';
import { readPassword, signAccessChange, toIso, withAccessStore } from './access-io.js';

/** Options of `holdfast users add`. */
export interface UsersAddOptions extends GlobalOptions {
  role?: string;
  passwordStdin?: boolean;
}

/** Options of `holdfast users passwd`. */
export interface UsersPasswdOptions extends GlobalOptions {
  passwordStdin?: boolean;
}

/** One account as `holdfast users list --json` prints it (never its hash). */
export interface UserSummary {
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  removedAt: string | null;
}

/** `holdfast users add NAME --role ROLE [--password-stdin]`. */
export async function usersAddCommand(
  name: string,
  options: UsersAddOptions,
  deps: CliDeps,
): Promise<number> {
  const role = toRole(options.role, deps);
  if (!isUserName(name, deps) || role === undefined) return EXIT.USAGE;
  const given = options.passwordStdin === true ? await readPassword(deps) : generatePassword();
  if (given === undefined) return EXIT.USAGE;
  return withAccessStore(options, deps, async (store) => {
    const existing = await store.getUser(name);
    if (existing?.disabledAt === null) {
      deps.stderr.write(
        `holdfast: refused: user ${name} exists (use users set-role or users passwd)\n`,
      );
      return EXIT.REFUSED;
    }
    const at = deps.clock.now();
    const by = cliActor(deps.env);
    // Re-adding a removed account: nothing issued to it before may come back to life.
    await revokeLiveTokens(store, name, at, by);
    const record: UserRecord = {
      name,
      role,
      passwordHash: await hashPassword(given),
      createdAt: at,
      createdBy: by,
      disabledAt: null,
    };
    await store.putUser(record, toAccessEvent(at, 'user-add', by, { user: name, role }));
    await signAccessChange(store, options, deps);
    const generated = options.passwordStdin === true ? undefined : given;
    if (options.json === true) {
      writeJson(deps, { name, role, ...(generated === undefined ? {} : { password: generated }) });
    } else {
      deps.stdout.write(`Added user ${name} (${role}).\n`);
      if (generated !== undefined) {
        deps.stdout.write(`Password (shown only this once): ${generated}\n`);
      }
    }
    return EXIT.OK;
  });
}

/** `holdfast users list`: every account by name, removed ones too. */
export async function usersListCommand(options: GlobalOptions, deps: CliDeps): Promise<number> {
  return withAccessStore(options, deps, async (store) => {
    const users = (await store.listUsers()).map(toUserSummary);
    if (options.json === true) {
      writeJson(deps, { users });
      return EXIT.OK;
    }
    if (users.length === 0) {
      deps.stdout.write('No users. Add one with: holdfast users add NAME --role admin\n');
      return EXIT.OK;
    }
    const rows = users.map((u) => [
      u.name,
      u.role,
      u.createdAt,
      toTerminalSafe(u.createdBy),
      u.removedAt === null ? 'active' : `removed ${u.removedAt}`,
    ]);
    writeTable(deps, ['NAME', 'ROLE', 'CREATED', 'BY', 'STATUS'], rows);
    return EXIT.OK;
  });
}

/** `holdfast users set-role NAME ROLE`. */
export async function usersSetRoleCommand(
  name: string,
  roleText: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  const role = toRole(roleText, deps);
  if (!isUserName(name, deps) || role === undefined) return EXIT.USAGE;
  return withAccessStore(options, deps, async (store) => {
    const user = await liveUser(store, name, deps);
    if (user === undefined) return EXIT.NOT_FOUND;
    if (user.role !== role) {
      const at = deps.clock.now();
      const by = cliActor(deps.env);
      const fields = { user: name, role, previous_role: user.role };
      await store.putUser({ ...user, role }, toAccessEvent(at, 'user-role', by, fields));
      await signAccessChange(store, options, deps);
    }
    if (options.json === true) writeJson(deps, { name, role, previousRole: user.role });
    else if (user.role === role) deps.stdout.write(`User ${name} is already ${role}.\n`);
    else deps.stdout.write(`User ${name} is now ${role} (was ${user.role}).\n`);
    return EXIT.OK;
  });
}

/** `holdfast users passwd NAME --password-stdin`: also ends the account's console sessions. */
export async function usersPasswdCommand(
  name: string,
  options: UsersPasswdOptions,
  deps: CliDeps,
): Promise<number> {
  if (options.passwordStdin !== true) {
    deps.stderr.write('holdfast: give the new password on standard input with --password-stdin\n');
    return EXIT.USAGE;
  }
  if (!isUserName(name, deps)) return EXIT.USAGE;
  const password = await readPassword(deps);
  if (password === undefined) return EXIT.USAGE;
  return withAccessStore(options, deps, async (store) => {
    const user = await liveUser(store, name, deps);
    if (user === undefined) return EXIT.NOT_FOUND;
    const at = deps.clock.now();
    const event = toAccessEvent(at, 'user-password', cliActor(deps.env), { user: name });
    await store.putUser({ ...user, passwordHash: await hashPassword(password) }, event);
    await signAccessChange(store, options, deps);
    if (options.json === true) writeJson(deps, { name, passwordChanged: true });
    else deps.stdout.write(`Changed the password of ${name}; their console sessions have ended.\n`);
    return EXIT.OK;
  });
}

/** `holdfast users remove NAME`: disables the account and revokes its API tokens. */
export async function usersRemoveCommand(
  name: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  if (!isUserName(name, deps)) return EXIT.USAGE;
  return withAccessStore(options, deps, async (store) => {
    const user = await store.getUser(name);
    if (user === undefined) return missing(name, deps);
    if (user.disabledAt !== null) {
      deps.stderr.write(`holdfast: refused: user ${name} was already removed\n`);
      return EXIT.REFUSED;
    }
    const at = deps.clock.now();
    const by = cliActor(deps.env);
    const revoked = await revokeLiveTokens(store, name, at, by);
    await store.putUser(
      { ...user, disabledAt: at },
      toAccessEvent(at, 'user-remove', by, { user: name }),
    );
    await signAccessChange(store, options, deps);
    if (options.json === true)
      writeJson(deps, { name, removedAt: toIso(at), revokedTokens: revoked });
    else deps.stdout.write(`Removed user ${name}; revoked ${revoked} API token(s).\n`);
    return EXIT.OK;
  });
}

/** Revokes every live token of `user`, each with its entry; returns how many. */
async function revokeLiveTokens(
  store: Store,
  user: string,
  at: number,
  by: string,
): Promise<number> {
  let count = 0;
  for (const token of await store.listUserTokens(user)) {
    if (token.revokedAt !== null) continue;
    const event = toAccessEvent(at, 'token-revoke', by, { id: token.id, user });
    if (await store.revokeUserToken(token.id, at, event)) count++;
  }
  return count;
}

/** The account `name` if it exists and is not removed; otherwise says so (exit 4). */
export async function liveUser(
  store: Store,
  name: string,
  deps: CliDeps,
): Promise<UserRecord | undefined> {
  const user = await store.getUser(name);
  if (user?.disabledAt === null) return user;
  missing(name, deps);
  return undefined;
}

/** Whether `name` can be a user name; says why not. */
export function isUserName(name: string, deps: CliDeps): boolean {
  if (USER_NAME_PATTERN.test(name)) return true;
  deps.stderr.write(
    `holdfast: ${toTerminalSafe(name)} is not a user name (1-64 letters, digits, ".", "_", "@", "-")\n`,
  );
  return false;
}

function toRole(text: string | undefined, deps: CliDeps): Role | undefined {
  const roles: readonly string[] = ROLES;
  if (text !== undefined && roles.includes(text)) return text as Role;
  deps.stderr.write(`holdfast: --role must be one of ${ROLES.join(', ')}\n`);
  return undefined;
}

function missing(name: string, deps: CliDeps): number {
  deps.stderr.write(`holdfast: no user named ${name}\n`);
  return EXIT.NOT_FOUND;
}

function toUserSummary(user: UserRecord): UserSummary {
  return {
    name: user.name,
    role: user.role,
    createdAt: toIso(user.createdAt) ?? '',
    createdBy: user.createdBy,
    removedAt: toIso(user.disabledAt),
  };
}
