/**
 * `holdfast serve` end to end: the real CLI process, real upstreams (server-everything over
 * Streamable HTTP and legacy SSE, the malicious notes server over stdio), the official SDK client
 * over Streamable HTTP with agent keys.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { CallToolResult } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import { useEverythingServers } from '../support/everything-http.js';
import { createTempHome, runCli, runCliJson } from '../support/holdfast.js';
import {
  addUser,
  connectAgent,
  createAgentKey,
  createUserToken,
  listAllTools,
  notesServer,
  postInitialize,
  startServe,
  streamableEntry,
} from '../support/serve.js';

const everything = useEverythingServers();

function firstText(result: CallToolResult): string {
  const [first] = result.content;
  return first?.type === 'text' ? first.text : '';
}

async function pendingHolds(
  home: string,
  count: number,
): Promise<{ id: string; principal: string }[]> {
  for (let i = 0; i < 200; i++) {
    const { holds } = runCliJson<{ holds: { id: string; principal: string }[] }>(['pending'], home);
    if (holds.length >= count) return holds;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} pending holds appeared`);
}

describe('holdfast serve', () => {
  it(
    verifies(
      'serve:aggregate',
      'fronts stdio, Streamable HTTP and SSE servers on one endpoint with namespaced tools and minted cursors',
    ),
    async () => {
      using home = createTempHome();
      const notes = notesServer({});
      await using serve = await startServe({
        home: home.home,
        env: notes.env,
        config: {
          servers: {
            notes: notes.entry,
            everything: streamableEntry(everything.streamable()),
            legacy: { url: `http://127.0.0.1:${everything.sse()}/sse`, transport: 'sse' },
          },
          serve: { page_size: 7 },
        },
      });
      const key = createAgentKey(home.home, 'agent');
      await using agent = await connectAgent(`${serve.url}/mcp`, { key });
      const { names, pages } = await listAllTools(agent.client);
      expect(pages).toBeGreaterThan(1);
      expect(names).toContain('notes__search_notes');
      expect(names).toContain('everything__echo');
      expect(names).toContain('legacy__echo');
      expect(names.filter((name) => !/^(notes|everything|legacy)__/.test(name))).toEqual([]);
      expect(new Set(names).size).toBe(names.length);

      const echo = await agent.client.callTool({
        name: 'everything__echo',
        arguments: { message: 'hi' },
      });
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
      const legacy = await agent.client.callTool({
        name: 'legacy__echo',
        arguments: { message: 'old' },
      });
      expect(legacy.content).toEqual([{ type: 'text', text: 'Echo: old' }]);
      const found = await agent.client.callTool({
        name: 'notes__search_notes',
        arguments: { query: 'groceries' },
      });
      expect(found.isError).not.toBe(true);

      // Metrics, for humans only, counted from what the audit log recorded.
      addUser(home.home, 'ops', 'viewer', 'a long enough viewer password');
      const opsToken = createUserToken(home.home, 'ops');
      expect(
        (await fetch(`${serve.url}/metrics`, { headers: { Authorization: `Bearer ${key}` } }))
          .status,
      ).toBe(403);
      const metrics = await fetch(`${serve.url}/metrics`, {
        headers: { Authorization: `Bearer ${opsToken}` },
      });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(
        /holdfast_calls_total\{[^}]*server="everything"[^}]*verdict="allow"[^}]*\} [1-9]/,
      );
      expect(text).toMatch(/holdfast_audit_append_seconds_count/);
      expect(text).toMatch(/holdfast_sessions [1-9]/);

      // One server per endpoint: names as the server gives them.
      await using direct = await connectAgent(`${serve.url}/mcp/everything`, { key });
      const own = await listAllTools(direct.client);
      expect(own.names).toContain('echo');
      expect(own.names.some((name) => name.includes('__'))).toBe(false);
      const servers = runCliJson<{ servers: { name: string; status: string }[] }>(
        ['servers'],
        home.home,
      ).servers;
      expect(servers.map((s) => [s.name, s.status]).sort()).toEqual([
        ['everything', 'verified'],
        ['legacy', 'verified'],
        ['notes', 'verified'],
      ]);
    },
  );

  it(verifies('serve:isolated-drift', 'blocks only the upstream that rug-pulled'), async () => {
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
          everything: streamableEntry(everything.streamable()),
        },
      },
    });
    const key = createAgentKey(home.home, 'agent');
    await using agent = await connectAgent(`${serve.url}/mcp`, { key });
    await listAllTools(agent.client);
    const first = await agent.client.callTool({
      name: 'notes__search_notes',
      arguments: { query: 'a' },
    });
    expect(first.isError).not.toBe(true);
    // The server turns hostile and says so; holdfast re-probes and holds the server.
    let denied: CallToolResult | undefined;
    for (let i = 0; i < 100 && denied === undefined; i++) {
      const result = await agent.client.callTool({
        name: 'notes__search_notes',
        arguments: { query: 'a' },
      });
      if (result.isError === true) denied = result;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(denied).toBeDefined();
    expect(firstText(denied ?? { content: [] })).toMatch(/^holdfast deny: /);
    expect(denied?._meta?.['holdfast/deny']).toMatchObject({ code: 'SERVER_CHANGED' });
    // The poisoned description never reaches the agent; the other server keeps working.
    const { names } = await listAllTools(agent.client);
    expect(names).toContain('everything__echo');
    const echo = await agent.client.callTool({
      name: 'everything__echo',
      arguments: { message: 'still here' },
    });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: still here' }]);
    const statuses = Object.fromEntries(
      runCliJson<{ servers: { name: string; status: string }[] }>(
        ['servers'],
        home.home,
      ).servers.map((s) => [s.name, s.status]),
    );
    expect(statuses).toEqual({ notes: 'changed', everything: 'verified' });
  });

  it(
    verifies('serve:auth', 'refuses requests without a live agent key before any upstream starts'),
    async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'upstream-record.jsonl');
      const notes = notesServer({ recordFile });
      await using serve = await startServe({
        home: home.home,
        env: notes.env,
        config: { servers: { notes: notes.entry } },
      });
      const key = createAgentKey(home.home, 'agent');
      const revoked = createAgentKey(home.home, 'old');
      const { keys } = runCliJson<{ keys: { id: string; name: string }[] }>(
        ['keys', 'list'],
        home.home,
      );
      const oldId = keys.find((k) => k.name === 'old')?.id ?? '';
      expect(runCli(['keys', 'revoke', oldId], home.home).code).toBe(0);
      addUser(home.home, 'alice', 'admin', 'correct horse battery staple');
      const humanToken = createUserToken(home.home, 'alice');

      const post = (authorization?: string): Promise<Response> =>
        postInitialize(
          `${serve.url}/mcp`,
          authorization === undefined ? {} : { Authorization: authorization },
        );
      const none = await post();
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect((await post(`Bearer ${key}x`)).status).toBe(401);
      expect((await post('Bearer hfk_nonsense')).status).toBe(401);
      expect((await post(`Bearer ${revoked}`)).status).toBe(401);
      expect((await post(`Basic ${Buffer.from('a:b').toString('base64')}`)).status).toBe(401);
      expect((await post(`Bearer ${humanToken}`)).status).toBe(403);
      // No upstream was ever started: the server records every message it receives.
      expect(existsSync(recordFile)).toBe(false);
      // Nor may a key reach the console API.
      const api = await fetch(`${serve.url}/api/servers`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(api.status).toBe(403);
      // The live key works.
      await using agent = await connectAgent(`${serve.url}/mcp`, { key });
      expect((await listAllTools(agent.client)).names).toContain('search_notes');
      expect(existsSync(recordFile)).toBe(true);
    },
  );

  it(
    verifies(
      'serve:session-isolation',
      "keeps concurrent clients' sessions, held calls and progress apart",
    ),
    async () => {
      using home = createTempHome();
      const notes = notesServer({ interactive: true });
      await using serve = await startServe({
        home: home.home,
        env: notes.env,
        config: {
          servers: { notes: notes.entry },
          rules: [
            {
              id: 'review-search',
              match: { server: 'notes', tool: 'search_notes' },
              verdict: 'pending_approval',
              reason: 'searches need a human',
            },
          ],
        },
      });
      const keyA = createAgentKey(home.home, 'agent-a');
      const keyB = createAgentKey(home.home, 'agent-b');
      await using a = await connectAgent(`${serve.url}/mcp`, { key: keyA, name: 'a' });
      await using b = await connectAgent(`${serve.url}/mcp`, { key: keyB, name: 'b' });

      // A's session id is no use to B: the same 404 as an id that never existed.
      const sessionA = a.transport.sessionId ?? '';
      expect(sessionA).not.toBe('');
      const stolen = await fetch(`${serve.url}/mcp`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          Authorization: `Bearer ${keyB}`,
          'Mcp-Session-Id': sessionA,
          'Mcp-Protocol-Version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
      });
      expect(stolen.status).toBe(404);

      // Progress goes to the client that asked for it, and only to it.
      const progressA: number[] = [];
      const progressB: number[] = [];
      await Promise.all([
        a.client.callTool(
          { name: 'report_progress', arguments: { steps: 3 } },
          {
            onprogress: (p) => progressA.push(p.progress),
          },
        ),
        b.client.callTool(
          { name: 'report_progress', arguments: { steps: 5 } },
          {
            onprogress: (p) => progressB.push(p.progress),
          },
        ),
      ]);
      expect(progressA).toHaveLength(3);
      expect(progressB).toHaveLength(5);

      // Held calls belong to the agent that made them: approving A's releases A's only.
      const heldA = a.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
      const heldB = b.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
      const holds = await pendingHolds(home.home, 2);
      expect(holds.map((h) => h.principal).sort()).toEqual(['key:agent-a', 'key:agent-b']);
      const holdA = holds.find((h) => h.principal === 'key:agent-a')?.id ?? '';
      const holdB = holds.find((h) => h.principal === 'key:agent-b')?.id ?? '';
      expect(runCli(['resolve', holdA, '--approve'], home.home).code).toBe(0);
      expect((await heldA).isError).not.toBe(true);
      expect(runCli(['resolve', holdB, '--deny'], home.home).code).toBe(0);
      const deniedB = await heldB;
      expect(deniedB.isError).toBe(true);
      expect(deniedB._meta?.['holdfast/deny']).toMatchObject({ code: 'HOLD_DENIED' });
    },
  );

  it(verifies('serve:origin', 'refuses a foreign browser origin'), async () => {
    using home = createTempHome();
    const recordFile = join(home.home, 'upstream-record.jsonl');
    const notes = notesServer({ recordFile });
    await using serve = await startServe({
      home: home.home,
      env: notes.env,
      config: { servers: { notes: notes.entry } },
    });
    const key = createAgentKey(home.home, 'agent');
    const response = await postInitialize(`${serve.url}/mcp`, {
      Authorization: `Bearer ${key}`,
      Origin: 'http://evil.example',
    });
    expect(response.status).toBe(403);
    expect(existsSync(recordFile)).toBe(false);
  });
});
