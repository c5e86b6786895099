import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { useCliHarness } from '../../../test/support/cli-fixtures.js';
import { parseEntry } from '../../audit/entry.js';
import { hashSecret, parseCredential, verifyPassword } from '../../auth/index.js';
import type { Store } from '../../store/index.js';
import { defaultDbPath, openSqliteStore } from '../../store/index.js';
import type { CliDeps } from '../deps.js';
import { EXIT } from '../deps.js';
import { usersRevokeTokenCommand, usersTokenCommand, usersTokensCommand } from './user-tokens.js';
import {
  usersAddCommand,
  usersListCommand,
  usersPasswdCommand,
  usersRemoveCommand,
  usersSetRoleCommand,
} from './users.js';

const cli = useCliHarness('holdfast-cli-users-');
const PASSWORD = 'correct horse battery staple';

/** The harness's deps with `stdin` on standard input. */
function withStdin(stdin: string): CliDeps {
  return { ...cli.deps, readStdin: () => Promise.resolve(stdin) };
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openSqliteStore({ path: defaultDbPath(cli.home) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function accessEntries(): Promise<Record<string, unknown>[]> {
  return withStore(async (store) =>
    (await store.readEntries(0, 100))
      .map((row) => parseEntry(row.entry))
      .filter((entry) => entry.kind === 'access')
      .map((entry) => entry.data),
  );
}

async function addUser(name: string, role = 'developer'): Promise<void> {
  const code = await usersAddCommand(
    name,
    { role, passwordStdin: true },
    withStdin(`${PASSWORD}\n`),
  );
  expect(code).toBe(EXIT.OK);
  cli.clearOut();
}

describe('holdfast users add', () => {
  it('takes the password from stdin, stores only its scrypt hash, and records it', async () => {
    const code = await usersAddCommand(
      'alice',
      { role: 'admin', passwordStdin: true },
      withStdin(`${PASSWORD}\r\n`),
    );
    expect(code).toBe(EXIT.OK);
    expect(cli.out()).toBe('Added user alice (admin).\n');
    const user = await withStore((store) => store.getUser('alice'));
    expect(user).toMatchObject({
      name: 'alice',
      role: 'admin',
      createdBy: 'cli:alice',
      disabledAt: null,
    });
    expect(user?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, user?.passwordHash)).toBe(true);
    expect(await accessEntries()).toEqual([
      { action: 'user-add', by: 'cli:alice', user: 'alice', role: 'admin' },
    ]);
    expect(existsSync(`${cli.home}/audit.key`)).toBe(true);
  });

  it('generates a strong password and prints it once when none is given', async () => {
    expect(await usersAddCommand('bob', { role: 'viewer' }, cli.deps)).toBe(EXIT.OK);
    const password = /shown only this once\): (\S+)\n$/.exec(cli.out())?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const user = await withStore((store) => store.getUser('bob'));
    expect(await verifyPassword(password, user?.passwordHash)).toBe(true);
    expect(JSON.stringify(await accessEntries())).not.toContain(password);
  });

  it('prints {name, role, password} with --json, the password only when generated', async () => {
    await usersAddCommand('bob', { role: 'viewer', json: true }, cli.deps);
    expect(JSON.parse(cli.out())).toEqual({
      name: 'bob',
      role: 'viewer',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as unknown,
    });
    cli.clearOut();
    await usersAddCommand(
      'carol',
      { role: 'viewer', json: true, passwordStdin: true },
      withStdin(PASSWORD),
    );
    expect(JSON.parse(cli.out())).toEqual({ name: 'carol', role: 'viewer' });
  });

  it.each([
    ['a short password', 'short\n', 'holdfast: a password has at least 12 characters\n'],
    ['two lines', `${PASSWORD}\nsecond line\n`, 'holdfast: the password must be a single line\n'],
  ])('refuses %s (exit 2) without touching the store', async (_case, stdin, message) => {
    const code = await usersAddCommand(
      'alice',
      { role: 'admin', passwordStdin: true },
      withStdin(stdin),
    );
    expect(code).toBe(EXIT.USAGE);
    expect(cli.err()).toBe(message);
    expect(existsSync(defaultDbPath(cli.home))).toBe(false);
  });

  it('refuses --password-stdin without standard input, a bad name and a bad role (exit 2)', async () => {
    expect(await usersAddCommand('alice', { role: 'admin', passwordStdin: true }, cli.deps)).toBe(
      EXIT.USAGE,
    );
    expect(await usersAddCommand('a b', { role: 'admin' }, cli.deps)).toBe(EXIT.USAGE);
    expect(await usersAddCommand('alice', { role: 'root' }, cli.deps)).toBe(EXIT.USAGE);
    expect(cli.err()).toContain('--role must be one of viewer, developer, admin');
    expect(existsSync(defaultDbPath(cli.home))).toBe(false);
  });

  it('refuses an existing user (exit 3), but re-adds a removed one', async () => {
    await addUser('alice');
    expect(await usersAddCommand('alice', { role: 'admin' }, cli.deps)).toBe(EXIT.REFUSED);
    await usersRemoveCommand('alice', {}, cli.deps);
    cli.clearOut();
    expect(await usersAddCommand('alice', { role: 'viewer' }, cli.deps)).toBe(EXIT.OK);
    expect(await withStore((s) => s.getUser('alice'))).toMatchObject({
      role: 'viewer',
      disabledAt: null,
    });
  });
});

describe('holdfast users list', () => {
  it('lists users by name with role and status, never a hash', async () => {
    await addUser('zed', 'viewer');
    await addUser('alice', 'admin');
    await usersRemoveCommand('zed', {}, cli.deps);
    cli.clearOut();
    expect(await usersListCommand({}, cli.deps)).toBe(EXIT.OK);
    const lines = cli.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +ROLE +CREATED +BY +STATUS$/);
    expect(lines[1]).toMatch(/^alice +admin +2026-01-01T00:00:00.000Z +cli:alice +active$/);
    expect(lines[2]).toMatch(/^zed +viewer .* removed 2026-01-01T00:00:00.000Z$/);
    cli.clearOut();
    await usersListCommand({ json: true }, cli.deps);
    expect(cli.out()).not.toContain('scrypt');
    expect((JSON.parse(cli.out()) as { users: unknown[] }).users[0]).toEqual({
      name: 'alice',
      role: 'admin',
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'cli:alice',
      removedAt: null,
    });
  });

  it('says how to add one when there are none', async () => {
    await usersListCommand({}, cli.deps);
    expect(cli.out()).toBe('No users. Add one with: holdfast users add NAME --role admin\n');
  });
});

describe('holdfast users set-role', () => {
  it('changes the role and records the previous one', async () => {
    await addUser('alice', 'viewer');
    expect(await usersSetRoleCommand('alice', 'developer', {}, cli.deps)).toBe(EXIT.OK);
    expect(cli.out()).toBe('User alice is now developer (was viewer).\n');
    expect((await withStore((s) => s.getUser('alice')))?.role).toBe('developer');
    expect((await accessEntries()).at(-1)).toEqual({
      action: 'user-role',
      by: 'cli:alice',
      user: 'alice',
      role: 'developer',
      previous_role: 'viewer',
    });
  });

  it('changes nothing when the role is the same', async () => {
    await addUser('alice', 'viewer');
    expect(await usersSetRoleCommand('alice', 'viewer', {}, cli.deps)).toBe(EXIT.OK);
    expect(cli.out()).toBe('User alice is already viewer.\n');
    expect(await accessEntries()).toHaveLength(1);
  });

  it('exits 4 for an unknown or removed user, and 2 for a bad role', async () => {
    expect(await usersSetRoleCommand('ghost', 'admin', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
    await addUser('alice');
    await usersRemoveCommand('alice', {}, cli.deps);
    expect(await usersSetRoleCommand('alice', 'admin', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
    expect(await usersSetRoleCommand('alice', 'owner', {}, cli.deps)).toBe(EXIT.USAGE);
  });
});

describe('holdfast users passwd', () => {
  it('replaces the password hash and records it', async () => {
    await addUser('alice');
    const next = 'another long passphrase';
    expect(await usersPasswdCommand('alice', { passwordStdin: true }, withStdin(next))).toBe(
      EXIT.OK,
    );
    const user = await withStore((s) => s.getUser('alice'));
    expect(await verifyPassword(next, user?.passwordHash)).toBe(true);
    expect(await verifyPassword(PASSWORD, user?.passwordHash)).toBe(false);
    expect((await accessEntries()).at(-1)).toEqual({
      action: 'user-password',
      by: 'cli:alice',
      user: 'alice',
    });
  });

  it('needs --password-stdin (exit 2) and an existing user (exit 4)', async () => {
    expect(await usersPasswdCommand('alice', {}, withStdin(PASSWORD))).toBe(EXIT.USAGE);
    expect(await usersPasswdCommand('ghost', { passwordStdin: true }, withStdin(PASSWORD))).toBe(
      EXIT.NOT_FOUND,
    );
  });
});

describe('holdfast users remove', () => {
  it('disables the account and revokes its live tokens, recording each', async () => {
    await addUser('alice');
    await usersTokenCommand('alice', { label: 'laptop' }, cli.deps);
    cli.clearOut();
    expect(await usersRemoveCommand('alice', {}, cli.deps)).toBe(EXIT.OK);
    expect(cli.out()).toBe('Removed user alice; revoked 1 API token(s).\n');
    const [user, tokens] = await withStore(
      async (s) => [await s.getUser('alice'), await s.listUserTokens('alice')] as const,
    );
    expect(user?.disabledAt).not.toBeNull();
    expect(tokens.map((t) => t.revokedAt === null)).toEqual([false]);
    expect((await accessEntries()).map((e) => e['action'])).toEqual([
      'user-add',
      'token-create',
      'token-revoke',
      'user-remove',
    ]);
  });

  it('refuses a removed user (exit 3) and exits 4 for an unknown one', async () => {
    await addUser('alice');
    await usersRemoveCommand('alice', {}, cli.deps);
    expect(await usersRemoveCommand('alice', {}, cli.deps)).toBe(EXIT.REFUSED);
    expect(await usersRemoveCommand('ghost', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
  });
});

describe('holdfast users token / tokens / revoke-token', () => {
  it('prints an hfu_ token once and stores only the hash of its secret', async () => {
    await addUser('alice', 'admin');
    expect(await usersTokenCommand('alice', { label: 'ci script', json: true }, cli.deps)).toBe(
      EXIT.OK,
    );
    const printed = JSON.parse(cli.out()) as {
      id: string;
      user: string;
      label: string;
      token: string;
    };
    const parsed = parseCredential(printed.token);
    expect(parsed).toMatchObject({ kind: 'user', id: printed.id });
    expect(printed).toMatchObject({ user: 'alice', label: 'ci script' });
    const stored = await withStore((s) => s.getUserToken(printed.id));
    expect(stored?.secretHash).toBe(hashSecret(parsed?.secret ?? ''));
    expect((await accessEntries()).at(-1)).toEqual({
      action: 'token-create',
      by: 'cli:alice',
      id: printed.id,
      user: 'alice',
      label: 'ci script',
    });
  });

  it('says in text how to send the token', async () => {
    await addUser('alice', 'viewer');
    await usersTokenCommand('alice', {}, cli.deps);
    expect(cli.out()).toMatch(
      /^Created API token tok_\S+ for alice \(viewer\)\. It is shown only this once:\n\n {2}hfu_tok_\S+\n\nSend it as: Authorization: Bearer <token>\n$/,
    );
  });

  it('lists tokens without secrets, and revokes one once', async () => {
    await addUser('alice');
    await usersTokenCommand('alice', { label: 'laptop', json: true }, cli.deps);
    const { id, token } = JSON.parse(cli.out()) as { id: string; token: string };
    cli.clearOut();
    await usersTokensCommand('alice', {}, cli.deps);
    expect(cli.out()).toMatch(
      new RegExp(`^ID +USER +CREATED +STATUS +LABEL\n${id} +alice +\\S+ +live +laptop\n$`),
    );
    expect(cli.out()).not.toContain(token.slice(-43));
    cli.clearOut();
    expect(await usersRevokeTokenCommand(id, {}, cli.deps)).toBe(EXIT.OK);
    expect(cli.out()).toBe(`Revoked API token ${id} of alice.\n`);
    expect(await usersRevokeTokenCommand(id, {}, cli.deps)).toBe(EXIT.REFUSED);
    expect(await usersRevokeTokenCommand('tok_AAAAAAAAAAAAAAAA', {}, cli.deps)).toBe(
      EXIT.NOT_FOUND,
    );
    expect(await usersRevokeTokenCommand('nonsense', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
  });

  it('refuses a token for an unknown user (exit 4) and a label with control characters (exit 2)', async () => {
    expect(await usersTokenCommand('ghost', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
    expect(await usersTokenCommand('alice', { label: 'a\u001bb' }, cli.deps)).toBe(EXIT.USAGE);
  });
});
