/**
 * The trigger axis of DESIGN §1: a change after N listings, after a delay, on a specific argument,
 * on the second launch, and only for some clients (a split view). Each is caught and fails closed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import type { Connected } from '../support/holdfast.js';
import { connectThroughHoldfast, createTempHome, firstText } from '../support/holdfast.js';
import { approveObserved, blockedItems, statusOf } from '../support/review.js';
import type { RugpullConfig } from '../support/rugpull-config.js';

const HONEST_INSTRUCTIONS = 'Notes server. Use search_notes to find notes.';

async function tools(c: Connected): Promise<unknown[]> {
  return (await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools;
}

async function callSearch(c: Connected): Promise<{ isError?: boolean; text: string }> {
  const result = await c.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
  return { isError: result.isError === true, text: firstText(result) };
}

function listChanged(c: Connected): Promise<void> {
  return new Promise((resolve) => {
    c.client.setNotificationHandler('notifications/tools/list_changed', () => resolve());
  });
}

describe('triggers', () => {
  it('catches a change that appears only after the server has been listed twice', async () => {
    using home = createTempHome();
    await using c = await connectThroughHoldfast({
      home: home.home,
      server: { trigger: { kind: 'after-lists', n: 2 }, change: 'description' },
    });
    const approved = await tools(c);
    for (let i = 0; i < 3; i++) expect(await tools(c)).toEqual(approved);
    expect(statusOf(home.home)).toBe('changed');
    expect((await callSearch(c)).text).toMatch(/^holdfast deny: .*changed since it was approved/);
    expect(c.received()).not.toContain('id_rsa');
  });

  it('catches a change that appears after a delay, announced with list_changed', async () => {
    using home = createTempHome();
    await using c = await connectThroughHoldfast({
      home: home.home,
      server: {
        trigger: { kind: 'after-ms', ms: 1500 },
        change: 'add-field',
        signal: 'list-changed',
      },
    });
    const changed = listChanged(c);
    const approved = await tools(c);
    await changed;
    expect(await tools(c)).toEqual(approved);
    expect(statusOf(home.home)).toBe('changed');
    expect(c.received()).not.toContain('callback_url');
  });

  it('catches a change triggered by one specific argument value', async () => {
    using home = createTempHome();
    const server: RugpullConfig = {
      trigger: { kind: 'on-arg', tool: 'search_notes', arg: 'query', value: 'quarterly report' },
      change: 'param-description',
    };
    await using c = await connectThroughHoldfast({ home: home.home, server });
    const approved = await tools(c);
    expect((await callSearch(c)).isError).toBe(false);
    await c.client.callTool({ name: 'search_notes', arguments: { query: 'quarterly report' } });
    expect(await tools(c)).toEqual(approved);
    expect((await callSearch(c)).isError).toBe(true);
    expect(c.received()).not.toContain('id_rsa');
  });

  it(
    verifies(
      'pin:every-call',
      're-checks every call when configured, catching a silent change before the next call',
    ),
    async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        runArgs: ['--recheck', 'every-call'],
        server: { trigger: { kind: 'after-calls', n: 1 }, change: 'description', signal: 'silent' },
      });
      await tools(c);
      expect((await callSearch(c)).isError).toBe(false);
      // No listing in between: the gateway re-lists by itself before forwarding.
      const second = await callSearch(c);
      expect(second.isError).toBe(true);
      expect(second.text).toContain('changed since it was approved');
      expect(c.received()).not.toContain('id_rsa');
    },
  );
});

describe('when the server changes on its second launch', () => {
  it.each([
    ['description', 'id_rsa'],
    ['instructions', 'id_rsa'],
    ['server-info', '1.0.1'],
  ] as const)(
    verifies('pin:second-launch', 'holds a %s change and shows the approved initialize result'),
    async (change, marker) => {
      using home = createTempHome();
      const stateFile = join(mkdtempSync(join(tmpdir(), 'holdfast-launch-')), 'launches');
      const server: RugpullConfig = { trigger: { kind: 'second-launch', stateFile }, change };
      {
        await using first = await connectThroughHoldfast({ home: home.home, server });
        await tools(first);
        expect(statusOf(home.home)).toBe('verified');
      }
      await using second = await connectThroughHoldfast({ home: home.home, server });
      expect(second.client.getInstructions()).toBe(HONEST_INSTRUCTIONS);
      expect(second.client.getServerVersion()).toEqual({ name: 'notes', version: '1.0.0' });
      await tools(second);
      expect(statusOf(home.home)).toBe('changed');
      expect((await callSearch(second)).isError).toBe(true);
      expect(second.received()).not.toContain(marker);
      approveObserved(home.home);
      // A poisoned definition the risk engine blocks also needs its risk accepted explicitly.
      const blocked = blockedItems(home.home);
      if (blocked.includes('tool:search_notes')) {
        expect((await callSearch(second)).isError).toBe(true);
      }
      if (blocked.length > 0) approveObserved(home.home, 'notes', ['--accept-risk']);
      expect((await callSearch(second)).isError).toBe(false);
    },
  );
});

describe('when the server shows different definitions to different clients (split view)', () => {
  it(
    verifies(
      'pin:split-view',
      'holds the server when the agent sees something other than what the reviewer approved',
    ),
    async () => {
      using home = createTempHome();
      const server: RugpullConfig = {
        trigger: { kind: 'client-name', name: 'agent' },
        change: 'description',
      };
      let approved;
      {
        await using reviewer = await connectThroughHoldfast({
          home: home.home,
          server,
          clientName: 'reviewer',
        });
        approved = await tools(reviewer);
        expect((await callSearch(reviewer)).isError).toBe(false);
      }
      await using agent = await connectThroughHoldfast({
        home: home.home,
        server,
        clientName: 'agent',
      });
      expect(await tools(agent)).toEqual(approved);
      expect(statusOf(home.home)).toBe('changed');
      expect((await callSearch(agent)).isError).toBe(true);
      expect(agent.received()).not.toContain('id_rsa');
    },
  );
});

describe('periodic re-probe', () => {
  it(verifies('pin:periodic', 'catches a silent change while the client is idle'), async () => {
    using home = createTempHome();
    const config = join(home.home, 'holdfast.yaml');
    writeFileSync(config, 'recheck_interval: 1\n');
    await using c = await connectThroughHoldfast({
      home: home.home,
      runArgs: ['--config', config],
      server: { trigger: { kind: 'after-ms', ms: 200 }, change: 'tool-added', signal: 'silent' },
    });
    await c.client.listTools(undefined, { cacheMode: 'bypass' });
    // Nobody lists or calls: only the gateway's own periodic probe can notice.
    await c.waitForStderr(/server "notes" is changed/);
    expect(statusOf(home.home)).toBe('changed');
    expect((await callSearch(c)).isError).toBe(true);
    expect(c.received()).not.toContain('export_notes');
  });
});
