/**
 * `holdfast run --url`: a remote server over Streamable HTTP (and legacy SSE) behind the stdio
 * gateway gives the same results as a direct connection, and is pinned like a local one.
 */
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import { useEverythingServers } from '../support/everything-http.js';
import { connectThroughHoldfast, createTempHome, runCliJson } from '../support/holdfast.js';
import { statusOf } from '../support/review.js';

const everything = useEverythingServers();

/** A stdio command line that makes `holdfast run` talk to `url` (no upstream process of ours). */
function remote(
  url: string,
  transport: string,
): { runArgs: string[]; server: { command: string; args: string[] } } {
  return { runArgs: ['--url', url, '--transport', transport], server: { command: '', args: [] } };
}

describe('holdfast run --url', () => {
  it.each([
    ['Streamable HTTP', () => `http://127.0.0.1:${everything.streamable()}/mcp`, 'streamable-http'],
    [
      'legacy SSE through the auto fallback',
      () => `http://127.0.0.1:${everything.sse()}/sse`,
      'auto',
    ],
  ])(
    verifies('relay:remote', 'relays %s like a direct connection and pins the server'),
    async (_label, url, transport) => {
      using home = createTempHome();
      const direct = new Client({ name: 'direct', version: '1.0.0' });
      await direct.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://127.0.0.1:${everything.streamable()}/mcp`),
        ),
      );
      const directTools = (await direct.listTools(undefined, { cacheMode: 'bypass' })).tools
        .map((t) => t.name)
        .sort();
      await direct.close();

      await using c = await connectThroughHoldfast({
        home: home.home,
        name: 'everything',
        ...remote(url(), transport),
      });
      const tools = (await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools
        .map((t) => t.name)
        .sort();
      expect(tools).toEqual(directTools);
      const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
      expect(statusOf(home.home, 'everything')).toBe('verified');
      const denied = await c.client.callTool({
        name: 'echo',
        arguments: { message: 'hi', sidenote: 'x' },
      });
      expect(denied.isError).toBe(true);
      const diff = runCliJson<{ observedDigest: string }>(['diff', 'everything'], home.home);
      expect(diff.observedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    },
  );
});
