/**
 * Benign look-alikes (DESIGN §1) must never be flagged as drift: order changes, a different page
 * split, an unchanged list re-sent after list_changed, and lists that depend on the client's
 * capabilities.
 */
import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import type { Connected, ConnectOptions } from '../support/holdfast.js';
import { connectThroughHoldfast, createTempHome, runCliJson } from '../support/holdfast.js';
import type { DiffJson } from '../support/review.js';
import { approveObserved, statusOf } from '../support/review.js';
import type { RugpullConfig } from '../support/rugpull-config.js';

const byName = (tools: { name: string }[]): string[] => tools.map((t) => t.name).sort();

/** The sorted names of the tools `c` sees on a fresh (uncached) listing. */
async function toolNames(c: Connected): Promise<string[]> {
  return byName((await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools);
}

/** Calls `search_notes` through `c`. */
function callSearch(c: Connected): ReturnType<Connected['client']['callTool']> {
  return c.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
}

/** Connects a richer client (one that declares sampling) through holdfast. */
function connectRich(options: Omit<ConnectOptions, 'capabilities'>): Promise<Connected> {
  return connectThroughHoldfast({ ...options, capabilities: { sampling: {} } });
}

describe('benign churn', () => {
  it.each<[string, RugpullConfig]>([
    ['tool and key order change on every listing', { shuffle: true }],
    ['the page split changes on every listing', { repaginate: true }],
    ['order and page split change together', { shuffle: true, repaginate: true, pageSize: 2 }],
  ])(verifies('pin:benign', 'stays verified when %s'), async (_label, server) => {
    using home = createTempHome();
    await using c = await connectThroughHoldfast({ home: home.home, server });
    const first = await c.client.listTools(undefined, { cacheMode: 'bypass' });
    for (let i = 0; i < 4; i++) {
      const again = await c.client.listTools(undefined, { cacheMode: 'bypass' });
      expect(byName(again.tools)).toEqual(byName(first.tools));
      await c.client.listPrompts(undefined, { cacheMode: 'bypass' });
      await c.client.listResources(undefined, { cacheMode: 'bypass' });
    }
    expect((await callSearch(c)).isError).not.toBe(true);
    expect(statusOf(home.home)).toBe('verified');
  });

  it('stays verified when the server sends list_changed right after connecting with an unchanged list', async () => {
    using home = createTempHome();
    await using c = await connectThroughHoldfast({
      home: home.home,
      server: { listChangedOnConnect: true },
    });
    await c.client.listTools(undefined, { cacheMode: 'bypass' });
    expect((await callSearch(c)).isError).not.toBe(true);
    expect(statusOf(home.home)).toBe('verified');
  });

  it(
    verifies(
      'pin:benign',
      'trusts the extra tools a richer client sees on first use under the discovery posture',
    ),
    async () => {
      using home = createTempHome();
      const server: RugpullConfig = { capabilityTools: true };
      {
        await using plain = await connectThroughHoldfast({ home: home.home, server });
        expect(await toolNames(plain)).not.toContain('trigger_sampling');
      }
      {
        // Same as direct: the richer client sees one more tool and can call it.
        await using rich = await connectRich({ home: home.home, server });
        expect(await toolNames(rich)).toContain('trigger_sampling');
        expect((await callSearch(rich)).isError).not.toBe(true);
      }
      {
        await using plain = await connectThroughHoldfast({ home: home.home, server });
        expect((await callSearch(plain)).isError).not.toBe(true);
      }
      expect(statusOf(home.home)).toBe('verified');
    },
  );

  it(
    verifies(
      'pin:benign',
      'hides the extra tools of a richer client until approved under enforcing, without blocking the approved ones',
    ),
    async () => {
      using home = createTempHome();
      const server: RugpullConfig = { capabilityTools: true };
      const runArgs = ['--posture', 'enforcing'];
      {
        await using plain = await connectThroughHoldfast({ home: home.home, server, runArgs });
        await plain.client.listTools(undefined, { cacheMode: 'bypass' });
        approveObserved(home.home);
      }
      await using rich = await connectRich({ home: home.home, server, runArgs });
      expect(await toolNames(rich)).toEqual(['add_note', 'search_notes', 'send_email']);
      expect((await callSearch(rich)).isError).not.toBe(true);
      const hidden = await rich.client.callTool({ name: 'trigger_sampling', arguments: {} });
      expect(hidden.isError).toBe(true);
      expect(statusOf(home.home)).toBe('verified');
      // The reviewer sees the extra tool as added and can approve it.
      const diff = runCliJson<DiffJson>(['diff', 'notes'], home.home);
      expect(diff.diff.changes).toEqual([
        expect.objectContaining({ section: 'tools', key: 'trigger_sampling', kind: 'added' }),
      ]);
      approveObserved(home.home);
      expect(await toolNames(rich)).toContain('trigger_sampling');
      expect(statusOf(home.home)).toBe('verified');
    },
  );

  it('learns a poorer client profile without flagging it once the richer one is approved', async () => {
    using home = createTempHome();
    const server: RugpullConfig = { capabilityTools: true };
    const richSeesTheExtraTool = async (): Promise<void> => {
      await using rich = await connectRich({ home: home.home, server });
      expect(await toolNames(rich)).toContain('trigger_sampling');
    };
    await richSeesTheExtraTool();
    for (let i = 0; i < 2; i++) {
      await using plain = await connectThroughHoldfast({ home: home.home, server });
      expect(await toolNames(plain)).toEqual(['add_note', 'search_notes', 'send_email']);
      expect((await callSearch(plain)).isError).not.toBe(true);
    }
    await richSeesTheExtraTool();
    expect(statusOf(home.home)).toBe('verified');
  });
});
