/**
 * The console in a real browser (Debian's Chromium driven by playwright-core) against the real
 * `holdfast serve` process, with a real agent (the official SDK client) and the malicious notes
 * server upstream: a human reviews a rug pull, approves it, sees calls flow again, approves a held
 * call and verifies the audit log; a viewer cannot approve.
 */
import { existsSync } from 'node:fs';

import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import { createTempHome, runCliJson } from '../support/holdfast.js';
import {
  addUser,
  connectAgent,
  createAgentKey,
  notesServer,
  startServe,
} from '../support/serve.js';

const CHROMIUM = process.env['HOLDFAST_CHROMIUM'] ?? '/usr/bin/chromium';
/** CI installs Chromium (`.ci/run`); elsewhere the test says why it skips. */
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env['HOLDFAST_REQUIRE_CHROMIUM'] === '1') {
    throw new Error(`HOLDFAST_REQUIRE_CHROMIUM=1 but there is no Chromium at ${CHROMIUM}`);
  }
  process.stderr.write(`console browser tests skipped: no Chromium at ${CHROMIUM}\n`);
}

let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** A new page in the shared browser. */
async function openPage(): Promise<Page> {
  if (browser === undefined) throw new Error('no browser');
  return browser.newPage();
}

const PASSWORDS = { dev: 'dev-password-long-enough', view: 'viewer-password-long-enough' };

async function signIn(page: Page, url: string, user: 'dev' | 'view'): Promise<void> {
  await page.goto(`${url}/console`);
  await page.fill('#login-user', user);
  await page.fill('#login-password', PASSWORDS[user]);
  await page.click('#login-submit');
  await page.waitForSelector('#whoami');
  await expect.poll(() => page.textContent('#whoami')).toContain(user);
}

function statusOf(home: string, name: string): string | undefined {
  return runCliJson<{ servers: { name: string; status: string }[] }>(
    ['servers'],
    home,
  ).servers.find((s) => s.name === name)?.status;
}

describe.skipIf(!hasChromium)('the console in a browser', () => {
  it(
    verifies(
      'console:audited',
      'reviews and approves a rug pull, approves a held call and verifies the log, as a developer',
    ),
    async () => {
      using home = createTempHome();
      const notes = notesServer({
        trigger: { kind: 'after-calls', n: 1 },
        change: 'description',
        signal: 'list-changed',
      });
      await using serve = await startServe({
        home: home.home,
        env: notes.env,
        config: {
          servers: {
            notes: notes.entry,
          },
          rules: [
            {
              id: 'review-adds',
              match: { server: 'notes', tool: 'add_note' },
              verdict: 'pending_approval',
              reason: 'new notes need a human',
            },
          ],
        },
      });
      addUser(home.home, 'dev', 'developer', PASSWORDS.dev);
      const key = createAgentKey(home.home, 'agent');
      await using agent = await connectAgent(`${serve.url}/mcp`, { key });
      await agent.client.listTools();
      await agent.client.callTool({ name: 'search_notes', arguments: { query: 'a' } });
      // The server has turned hostile and said so; holdfast holds it.
      await expect.poll(() => statusOf(home.home, 'notes'), { timeout: 15_000 }).toBe('changed');

      const page = await openPage();
      const cspViolations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await signIn(page, serve.url, 'dev');

      // See the changed server, read its diff.
      const row = page.locator('[data-testid="server-row"][data-server="notes"]');
      await expect.poll(() => row.getAttribute('data-status')).toBe('changed');
      await row.locator('[data-testid="server-link"]').click();
      await page.waitForSelector('#diff-report');
      const report = (await page.textContent('#diff-report')) ?? '';
      expect(report).toContain('search_notes');
      expect(report).toContain('id_rsa');
      const button = page.locator('#approve-button');
      const digest = (await button.getAttribute('data-digest')) ?? '';
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await button.textContent()).toContain(digest.slice(0, 15));

      // Approve what was reviewed (accepting the risk findings it shows), then calls flow again.
      await page.check('#accept-risk');
      await button.click();
      await expect.poll(() => statusOf(home.home, 'notes'), { timeout: 10_000 }).toBe('verified');
      const flowing = await agent.client.callTool({
        name: 'search_notes',
        arguments: { query: 'a' },
      });
      expect(flowing.isError).not.toBe(true);

      // Approve a held call.
      const held = agent.client.callTool({
        name: 'add_note',
        arguments: { title: 't', body: 'b' },
      });
      await page.click('#nav-holds');
      const holdRow = page.locator('[data-testid="hold-row"]').first();
      await holdRow.waitFor({ timeout: 15_000 });
      await holdRow.locator('[data-testid="hold-approve"]').click();
      expect((await held).isError).not.toBe(true);

      // Verify the audit log, and find the decisions recorded under the human's name.
      await page.click('#nav-audit');
      await page.click('#audit-verify');
      await page.waitForSelector('[data-testid="verify-ok"]', { timeout: 30_000 });
      const entries = runCliJson<{ entries: { kind: string; data: Record<string, unknown> }[] }>(
        ['audit', 'show', '--limit', '500'],
        home.home,
      ).entries;
      expect(entries.some((e) => e.kind === 'approve' && e.data['by'] === 'user:dev')).toBe(true);
      expect(
        entries.some(
          (e) =>
            e.kind === 'hold-resolved' &&
            e.data['by'] === 'user:dev' &&
            e.data['state'] === 'approved',
        ),
      ).toBe(true);
      expect(cspViolations).toEqual([]);
      await page.close();
    },
  );

  it(verifies('console:roles', 'lets a viewer read but not approve'), async () => {
    using home = createTempHome();
    const notes = notesServer({ trigger: { kind: 'immediate' }, change: 'description' });
    await using serve = await startServe({
      home: home.home,
      env: notes.env,
      config: {
        posture: 'enforcing',
        servers: {
          notes: notes.entry,
        },
      },
    });
    addUser(home.home, 'view', 'viewer', PASSWORDS.view);
    const key = createAgentKey(home.home, 'agent');
    await using agent = await connectAgent(`${serve.url}/mcp`, { key });
    await agent.client.listTools();
    await expect.poll(() => statusOf(home.home, 'notes'), { timeout: 15_000 }).toBe('pending');

    const page = await openPage();
    await signIn(page, serve.url, 'view');
    await page
      .locator('[data-testid="server-row"][data-server="notes"] [data-testid="server-link"]')
      .click();
    await page.waitForSelector('#diff-report');
    const button = page.locator('#approve-button');
    expect(await button.isVisible()).toBe(false);
    expect(await button.isDisabled()).toBe(true);
    const digest = (await button.getAttribute('data-digest')) ?? '';
    // The server refuses the write too, even with a valid CSRF token.
    const status = await page.evaluate(async (observed) => {
      const me = (await (await fetch('/auth/me')).json()) as { csrf: string };
      const response = await fetch('/api/servers/notes/approve', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: JSON.stringify({ digest: observed, acceptRisk: true }),
      });
      return response.status;
    }, digest);
    expect(status).toBe(403);
    expect(statusOf(home.home, 'notes')).toBe('pending');
    await page.close();
  });
});
