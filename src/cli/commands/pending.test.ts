import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { useCliHarness } from '../../../test/support/cli-fixtures.js';
import { holdId, sampleHold } from '../../../test/support/holds.js';
import { SAMPLE_TIME } from '../../../test/support/records.js';
import { parseEntry } from '../../audit/entry.js';
import type { Hold } from '../../store/index.js';
import { defaultDbPath, ensureHome, openSqliteStore } from '../../store/index.js';
import { EXIT } from '../deps.js';
import type { HoldSummary } from './pending.js';
import { pendingCommand, resolveCommand } from './pending.js';

/** When the CLI acts: 42 seconds after the sample holds were created (they live 60 s). */
const NOW = SAMPLE_TIME + 42_000;

const cli = useCliHarness('holdfast-cli-pending-', { now: NOW });

/** Stores `holds` in the harness's home, as a gateway would. */
async function seedHolds(...holds: Hold[]): Promise<void> {
  ensureHome(cli.home);
  const store = openSqliteStore({ path: defaultDbPath(cli.home) });
  try {
    for (const hold of holds) await store.createHold(hold);
  } finally {
    await store.close();
  }
}

/** The hold and the kinds of the audit entries, read back from the home. */
async function readBack(id: string): Promise<{ hold: Hold | undefined; kinds: string[] }> {
  const store = openSqliteStore({ path: defaultDbPath(cli.home) });
  try {
    const entries = await store.readEntries(0, 100);
    return {
      hold: await store.getHold(id),
      kinds: entries.map((row) => parseEntry(row.entry).kind),
    };
  } finally {
    await store.close();
  }
}

describe('holdfast pending', () => {
  describe('when nothing is held', () => {
    it('says so', async () => {
      expect(await pendingCommand({}, cli.deps)).toBe(EXIT.OK);
      expect(cli.out()).toBe('No calls are waiting for approval.\n');
      expect(cli.err()).toBe('');
    });

    it('prints an empty list with --json', async () => {
      expect(await pendingCommand({ json: true }, cli.deps)).toBe(EXIT.OK);
      expect(JSON.parse(cli.out())).toEqual({ holds: [] });
    });
  });

  describe('when calls are held', () => {
    const first = sampleHold({ id: holdId(1) });
    const second = sampleHold({
      id: holdId(2),
      server: 'files',
      method: 'resources/read',
      name: 'file:///etc/passwd',
      ruleId: 'files-review-reads',
      reason: 'reading files needs a human',
      createdAt: SAMPLE_TIME + 30_000,
      expiresAt: SAMPLE_TIME + 30_000 + 3_600_000,
    });
    const resolved = sampleHold({ id: holdId(3), createdAt: SAMPLE_TIME - 1 });
    const overdue = sampleHold({ id: holdId(4), expiresAt: NOW });

    async function seedAll(): Promise<void> {
      await seedHolds(first, second, resolved, overdue);
      const store = openSqliteStore({ path: defaultDbPath(cli.home) });
      await store.resolveHold(resolved.id, { state: 'denied', by: 'cli:bob', at: SAMPLE_TIME });
      await store.close();
    }

    it('lists the pending ones oldest first, with rule, age, expiry and reason', async () => {
      await seedAll();
      expect(await pendingCommand({}, cli.deps)).toBe(EXIT.OK);
      const lines = cli.out().split('\n');
      expect(lines[0]).toMatch(/^ID +SERVER +NAME +RULE +AGE +EXPIRES IN +REASON$/);
      expect(lines[1]).toMatch(
        new RegExp(
          `^${first.id} +notes +send_note +notes-review-sends +42s +18s +sending notes needs a human$`,
        ),
      );
      expect(lines[2]).toMatch(
        new RegExp(
          `^${second.id} +files +file:///etc/passwd +files-review-reads +12s +59m48s +reading files needs a human$`,
        ),
      );
      expect(cli.out()).toContain('Resolve one with: holdfast resolve ID --approve  (or --deny)\n');
      expect(cli.out()).not.toContain(resolved.id);
      expect(cli.out()).not.toContain(overdue.id);
    });

    it('prints every field with --json', async () => {
      await seedAll();
      expect(await pendingCommand({ json: true }, cli.deps)).toBe(EXIT.OK);
      const { holds } = JSON.parse(cli.out()) as { holds: HoldSummary[] };
      expect(holds.map((h) => h.id)).toEqual([first.id, second.id]);
      expect(holds[0]).toEqual({
        id: first.id,
        server: 'notes',
        method: 'tools/call',
        name: 'send_note',
        principal: 'stdio:ses_sample',
        ruleId: 'notes-review-sends',
        reason: 'sending notes needs a human',
        definitionDigest: first.definitionDigest,
        argsDigest: first.argsDigest,
        createdAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T00:01:00.000Z',
        ageSeconds: 42,
        expiresInSeconds: 18,
      });
    });

    it('makes hidden characters in names visible', async () => {
      await seedHolds(sampleHold({ name: 'send\u202enote' }));
      await pendingCommand({}, cli.deps);
      expect(cli.out()).toContain('"send\\u202enote"');
      expect(cli.out()).not.toContain('\u202e');
    });
  });
});

describe('holdfast resolve', () => {
  const hold = sampleHold();

  describe('when the hold is pending', () => {
    it('approves it as cli:$USER, records it and signs a checkpoint', async () => {
      await seedHolds(hold);
      expect(await resolveCommand(hold.id, { approve: true }, cli.deps)).toBe(EXIT.OK);
      expect(cli.out()).toBe(`Approved ${hold.id} (notes send_note) as cli:alice.\n`);
      expect(cli.err()).toBe('');
      const { hold: stored, kinds } = await readBack(hold.id);
      expect(stored).toEqual({
        ...hold,
        state: 'approved',
        resolvedBy: 'cli:alice',
        resolvedAt: NOW,
      });
      expect(kinds).toEqual(['hold', 'hold-resolved']);
      expect(existsSync(`${cli.home}/audit.key`)).toBe(true);
    });

    it('denies it, with --json', async () => {
      await seedHolds(hold);
      expect(await resolveCommand(hold.id, { deny: true, json: true }, cli.deps)).toBe(EXIT.OK);
      expect(JSON.parse(cli.out())).toEqual({
        id: hold.id,
        requested: 'denied',
        resolved: true,
        state: 'denied',
        resolvedBy: 'cli:alice',
        resolvedAt: new Date(NOW).toISOString(),
      });
    });
  });

  describe('when it was already resolved', () => {
    it('exits 3, says by whom, and leaves it unchanged', async () => {
      await seedHolds(hold);
      await resolveCommand(hold.id, { deny: true }, cli.deps);
      cli.clearOut();
      expect(await resolveCommand(hold.id, { approve: true }, cli.deps)).toBe(EXIT.REFUSED);
      expect(cli.out()).toBe('');
      expect(cli.err()).toBe(
        `holdfast: refused: ${hold.id} was already denied by cli:alice at ${new Date(NOW).toISOString()}.\n`,
      );
      const { hold: stored, kinds } = await readBack(hold.id);
      expect(stored?.state).toBe('denied');
      expect(kinds).toEqual(['hold', 'hold-resolved']);
    });

    it('reports the refusal with --json and still exits 3', async () => {
      await seedHolds(hold);
      await resolveCommand(hold.id, { approve: true }, cli.deps);
      cli.clearOut();
      expect(await resolveCommand(hold.id, { approve: true, json: true }, cli.deps)).toBe(
        EXIT.REFUSED,
      );
      expect(JSON.parse(cli.out())).toMatchObject({ resolved: false, state: 'approved' });
    });
  });

  describe('when it expired', () => {
    it('exits 3, says it expired, and records the expiry', async () => {
      const overdue = sampleHold({ expiresAt: NOW });
      await seedHolds(overdue);
      expect(await resolveCommand(overdue.id, { approve: true }, cli.deps)).toBe(EXIT.REFUSED);
      expect(cli.err()).toBe(
        `holdfast: refused: ${overdue.id} expired at ${new Date(NOW).toISOString()} (recorded ${new Date(NOW).toISOString()}); its call was denied.\n`,
      );
      const { hold: stored, kinds } = await readBack(overdue.id);
      expect(stored).toMatchObject({ state: 'expired', resolvedBy: null });
      expect(kinds).toEqual(['hold', 'hold-resolved']);
    });
  });

  describe('when the id is unknown', () => {
    it('exits 4', async () => {
      await seedHolds(hold);
      expect(await resolveCommand(holdId(9), { approve: true }, cli.deps)).toBe(EXIT.NOT_FOUND);
      expect(cli.err()).toBe(`holdfast: no held call with id ${holdId(9)}\n`);
      expect(cli.out()).toBe('');
    });

    it('exits 4 for a malformed id without touching the store', async () => {
      expect(await resolveCommand('hold_\u202e', { deny: true }, cli.deps)).toBe(EXIT.NOT_FOUND);
      expect(cli.err()).toBe('holdfast: no held call with id "hold_\\u202e"\n');
      expect(existsSync(defaultDbPath(cli.home))).toBe(false);
    });
  });

  describe('when not exactly one of --approve and --deny is given', () => {
    it.each([
      ['neither', {}],
      ['both', { approve: true, deny: true }],
    ])('exits 2 (%s) without touching the store', async (_case, options) => {
      expect(await resolveCommand(hold.id, options, cli.deps)).toBe(EXIT.USAGE);
      expect(cli.err()).toBe('holdfast: give exactly one of --approve or --deny\n');
      expect(existsSync(defaultDbPath(cli.home))).toBe(false);
    });
  });
});
