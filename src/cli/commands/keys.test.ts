import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { useCliHarness } from '../../../test/support/cli-fixtures.js';
import { parseEntry } from '../../audit/entry.js';
import { hashSecret, parseCredential } from '../../auth/index.js';
import type { Store } from '../../store/index.js';
import { defaultDbPath, openSqliteStore } from '../../store/index.js';
import { EXIT } from '../deps.js';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.js';

const cli = useCliHarness('holdfast-cli-keys-');

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

/** Creates a key with --json and returns what was printed. */
async function createKey(name: string): Promise<{ id: string; name: string; key: string }> {
  cli.clearOut();
  expect(await keysCreateCommand(name, { json: true }, cli.deps)).toBe(EXIT.OK);
  const created = JSON.parse(cli.out()) as { id: string; name: string; key: string };
  cli.clearOut();
  return created;
}

describe('holdfast keys create', () => {
  it('prints the key once and stores only the hash of its secret', async () => {
    expect(await keysCreateCommand('ci', {}, cli.deps)).toBe(EXIT.OK);
    const key = /hfk_\S+/.exec(cli.out())?.[0] ?? '';
    const parsed = parseCredential(key);
    expect(parsed?.kind).toBe('agent');
    expect(cli.out()).toBe(
      `Created agent key ci (${parsed?.id ?? ''}). It is shown only this once:\n\n  ${key}\n\n` +
        'Agents send it as: Authorization: Bearer <key>\n',
    );
    const stored = await withStore((store) => store.getAgentKey(parsed?.id ?? ''));
    expect(stored).toEqual({
      id: parsed?.id,
      name: 'ci',
      secretHash: hashSecret(parsed?.secret ?? ''),
      createdAt: expect.any(Number) as unknown,
      createdBy: 'cli:alice',
      revokedAt: null,
    });
    for (const suffix of ['', '-wal']) {
      const file = `${defaultDbPath(cli.home)}${suffix}`;
      if (existsSync(file)) expect(readFileSync(file).includes(parsed?.secret ?? '?')).toBe(false);
    }
  });

  it('prints {id, name, key} with --json and records an access entry without the secret', async () => {
    const created = await createKey('ci');
    expect(created).toEqual({
      id: expect.stringMatching(/^key_/) as unknown,
      name: 'ci',
      key: expect.stringMatching(/^hfk_key_/) as unknown,
    });
    expect(await accessEntries()).toEqual([
      { action: 'key-create', by: 'cli:alice', id: created.id, name: 'ci' },
    ]);
    expect(existsSync(`${cli.home}/audit.key`)).toBe(true);
  });

  it('refuses a second live key with the same name (exit 3)', async () => {
    await createKey('ci');
    expect(await keysCreateCommand('ci', {}, cli.deps)).toBe(EXIT.REFUSED);
    expect(cli.err()).toBe('holdfast: refused: a live key is named ci; revoke it first\n');
    expect(cli.out()).toBe('');
  });

  it('refuses a malformed name (exit 2) without touching the store', async () => {
    expect(await keysCreateCommand('ci agent\u202e', {}, cli.deps)).toBe(EXIT.USAGE);
    expect(cli.err()).toContain('"ci agent\\u202e" is not a key name');
    expect(existsSync(defaultDbPath(cli.home))).toBe(false);
  });
});

describe('holdfast keys list', () => {
  it('says how to create one when there are none', async () => {
    expect(await keysListCommand({}, cli.deps)).toBe(EXIT.OK);
    expect(cli.out()).toBe('No agent keys. Create one with: holdfast keys create NAME\n');
  });

  it('lists keys with their status, never their secrets', async () => {
    const ci = await createKey('ci');
    const bot = await createKey('bot');
    await keysRevokeCommand(bot.id, {}, cli.deps);
    cli.clearOut();
    expect(await keysListCommand({}, cli.deps)).toBe(EXIT.OK);
    const lines = cli.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +CREATED +BY +STATUS$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${ci.id} +ci +2026-01-01T00:00:00.000Z +cli:alice +live$`),
    );
    expect(lines[2]).toMatch(new RegExp(`^${bot.id} +bot .* revoked 2026-01-01T00:00:00.000Z$`));
    expect(cli.out()).not.toContain(ci.key.slice(-43));

    cli.clearOut();
    await keysListCommand({ json: true }, cli.deps);
    const { keys } = JSON.parse(cli.out()) as { keys: Record<string, unknown>[] };
    expect(keys[0]).toEqual({
      id: ci.id,
      name: 'ci',
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'cli:alice',
      revokedAt: null,
    });
    expect(cli.out()).not.toMatch(/secret|hash/i);
  });
});

describe('holdfast keys revoke', () => {
  it('revokes a live key and records it', async () => {
    const ci = await createKey('ci');
    expect(await keysRevokeCommand(ci.id, {}, cli.deps)).toBe(EXIT.OK);
    expect(cli.out()).toBe(`Revoked agent key ci (${ci.id}).\n`);
    expect((await withStore((s) => s.getAgentKey(ci.id)))?.revokedAt).not.toBeNull();
    expect((await accessEntries()).map((e) => e['action'])).toEqual(['key-create', 'key-revoke']);
  });

  it('prints the revocation with --json', async () => {
    const ci = await createKey('ci');
    expect(await keysRevokeCommand(ci.id, { json: true }, cli.deps)).toBe(EXIT.OK);
    expect(JSON.parse(cli.out())).toEqual({
      id: ci.id,
      name: 'ci',
      revokedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('refuses a key already revoked (exit 3), and records nothing more', async () => {
    const ci = await createKey('ci');
    await keysRevokeCommand(ci.id, {}, cli.deps);
    expect(await keysRevokeCommand(ci.id, {}, cli.deps)).toBe(EXIT.REFUSED);
    expect(cli.err()).toBe(
      `holdfast: refused: key ${ci.id} was already revoked (2026-01-01T00:00:00.000Z)\n`,
    );
    expect(await accessEntries()).toHaveLength(2);
  });

  it('exits 4 for an unknown or malformed id', async () => {
    await createKey('ci');
    expect(await keysRevokeCommand('key_AAAAAAAAAAAAAAAA', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
    expect(await keysRevokeCommand('ci', {}, cli.deps)).toBe(EXIT.NOT_FOUND);
    expect(cli.err()).toBe(
      'holdfast: no agent key with id key_AAAAAAAAAAAAAAAA\nholdfast: no agent key with id ci\n',
    );
  });
});
