/**
 * Posture, approval and quarantine through the real CLI: enforcing holds a new server until a
 * human approves exactly what they reviewed (I6); quarantine holds until approval; trust never
 * loosens by itself (I5).
 */
import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import type { Connected } from '../support/holdfast.js';
import {
  connectThroughHoldfast,
  createTempHome,
  firstText,
  runCli,
  runCliJson,
} from '../support/holdfast.js';
import type { DiffJson } from '../support/review.js';
import { approveObserved, statusOf } from '../support/review.js';

async function callSearch(c: Connected): Promise<{ isError: boolean; text: string; code: string }> {
  const result = await c.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
  const meta = (result._meta ?? {}) as Record<string, { code?: string } | undefined>;
  return {
    isError: result.isError === true,
    text: firstText(result),
    code: meta['holdfast/deny']?.code ?? '',
  };
}

describe('enforcing posture', () => {
  it(
    verifies(
      'pin:enforcing-pending',
      'holds a new server as pending, hides its text, and serves it once the observed digest is approved',
    ),
    async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        runArgs: ['--posture', 'enforcing'],
        server: {},
      });
      expect(c.client.getInstructions()).toBeUndefined();
      expect((await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools).toEqual([]);
      expect((await c.client.listPrompts(undefined, { cacheMode: 'bypass' })).prompts).toEqual([]);
      expect(statusOf(home.home)).toBe('pending');
      const denied = await callSearch(c);
      expect(denied).toMatchObject({ isError: true, code: 'SERVER_PENDING' });
      expect(denied.text).toContain('holdfast approve notes --digest');
      expect(c.received()).not.toContain('Search the user');

      const diff = runCliJson<DiffJson>(['diff', 'notes'], home.home);
      expect(diff.approvedDigest).toBeNull();
      expect(diff.diff.changes.filter((ch) => ch.kind === 'added').length).toBeGreaterThanOrEqual(
        3,
      );
      approveObserved(home.home);
      expect(statusOf(home.home)).toBe('verified');
      expect(
        (await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools
          .map((t) => t.name)
          .sort(),
      ).toEqual(['add_note', 'search_notes', 'send_email']);
      expect((await callSearch(c)).isError).toBe(false);
    },
  );

  it(
    verifies('pin:approve-stale', 'refuses an approval whose digest is no longer the observed one'),
    async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        runArgs: ['--posture', 'enforcing'],
        // The gateway's own first probe is listing 1; the client's first listing is 2.
        server: { trigger: { kind: 'after-lists', n: 2 }, change: 'description' },
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      const reviewed = runCliJson<DiffJson>(['diff', 'notes'], home.home).observedDigest;
      // The server changes after the reviewer looked.
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      const refused = runCli(['approve', 'notes', '--digest', reviewed], home.home);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('refused');
      expect(statusOf(home.home)).toBe('pending');
      expect((await callSearch(c)).code).toBe('SERVER_PENDING');
      expect(c.received()).not.toContain('id_rsa');
    },
  );
});

describe('quarantine', () => {
  it(
    verifies(
      'pin:quarantine',
      'denies every call until an approval, including while the server is unchanged',
    ),
    async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({ home: home.home, server: {} });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      expect(runCli(['quarantine', 'notes'], home.home).code).toBe(0);
      expect(await callSearch(c)).toMatchObject({ isError: true, code: 'SERVER_QUARANTINED' });
      // Re-listing an unchanged server never lifts the quarantine (I5).
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      expect(statusOf(home.home)).toBe('quarantined');
      expect((await callSearch(c)).code).toBe('SERVER_QUARANTINED');
      approveObserved(home.home);
      expect((await callSearch(c)).isError).toBe(false);
    },
  );

  it('reports an unknown server with exit code 4', () => {
    using home = createTempHome();
    expect(runCli(['quarantine', 'nope'], home.home).code).toBe(4);
    expect(
      runCli(['approve', 'nope', '--digest', `sha256:${'0'.repeat(64)}`], home.home).code,
    ).toBe(4);
  });
});

describe('a changed server that reverts', () => {
  it(
    verifies('pin:ratchet', 'stays changed until a human approves (trust never loosens by itself)'),
    async () => {
      using home = createTempHome();
      const server = {
        trigger: { kind: 'client-name', name: 'agent' },
        change: 'description',
      } as const;
      const connectAs = (clientName: string): Promise<Connected> =>
        connectThroughHoldfast({ home: home.home, server, clientName });
      {
        await using reviewer = await connectAs('reviewer');
        await reviewer.client.listTools(undefined, { cacheMode: 'bypass' });
      }
      {
        await using agent = await connectAs('agent');
        await agent.client.listTools(undefined, { cacheMode: 'bypass' });
        expect(statusOf(home.home)).toBe('changed');
      }
      // The server shows the approved surface again: still changed, still denied.
      await using again = await connectAs('reviewer');
      await again.client.listTools(undefined, { cacheMode: 'bypass' });
      expect(statusOf(home.home)).toBe('changed');
      expect((await callSearch(again)).code).toBe('SERVER_CHANGED');
    },
  );
});

describe('an agent trying to approve through MCP', () => {
  it(
    verifies('gate:agents-cannot-approve', 'cannot approve or unquarantine anything'),
    async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        server: { trigger: { kind: 'after-calls', n: 1 }, change: 'description' },
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      await callSearch(c);
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      expect(statusOf(home.home)).toBe('changed');
      const observed = runCliJson<DiffJson>(['diff', 'notes'], home.home).observedDigest;
      // Whatever an agent sends — a made-up method or a tool call — nothing approves.
      for (const method of ['holdfast/approve', 'approve', 'notifications/holdfast/approve']) {
        await c.transport.send({
          jsonrpc: '2.0',
          id: `agent-${method}`,
          method,
          params: { name: 'notes', digest: observed },
        });
      }
      const viaTool = await c.client.callTool({
        name: 'approve',
        arguments: { name: 'notes', digest: observed },
      });
      expect(viaTool.isError).toBe(true);
      await c.client.ping();
      expect(statusOf(home.home)).toBe('changed');
      expect((await callSearch(c)).code).toBe('SERVER_CHANGED');
    },
  );
});
