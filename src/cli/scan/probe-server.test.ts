import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { SurfaceError, UpstreamError } from '../../shared/errors.js';
import { DEFAULT_SURFACE_LIMITS } from '../../surface/snapshot.js';
import { probeServer } from './probe-server.js';

const OPTIONS = {
  timeoutMs: 5_000,
  limits: DEFAULT_SURFACE_LIMITS,
  clientInfo: { name: 'holdfast-scan', version: '0.0.0-test' },
};

/** An SDK server with a tool, a prompt and a resource, linked to the returned transport. */
async function linkedNotesServer(): Promise<{
  transport: Transport;
  isClosed: () => boolean;
}> {
  const server = new McpServer(
    { name: 'notes', version: '1.0.0' },
    { instructions: 'Notes server.' },
  );
  server.registerTool(
    'search_notes',
    { description: 'Search notes.', inputSchema: z.object({ query: z.string() }) },
    () => ({ content: [] }),
  );
  server.registerPrompt('summarize', { description: 'Summarize notes.' }, () => ({
    messages: [],
  }));
  server.registerResource('all-notes', 'notes://all', { description: 'Every note.' }, () => ({
    contents: [],
  }));
  const [client, upstream] = InMemoryTransport.createLinkedPair();
  let isClosed = false;
  await server.connect(upstream);
  return { transport: wrapClose(client, () => (isClosed = true)), isClosed: () => isClosed };
}

/** Calls `onClose` when the probe closes the transport (keeps the SDK's own handlers). */
function wrapClose(transport: Transport, onClose: () => void): Transport {
  const close = transport.close.bind(transport);
  transport.close = async () => {
    onClose();
    await close();
  };
  return transport;
}

/** A scripted server: `answer` returns the reply to each request (undefined: never answer). */
function scriptedServer(
  answer: (request: { id: number | string; method: string }) => JSONRPCMessage[] | undefined,
): {
  transport: Transport;
  sent: JSONRPCMessage[];
  closes: () => number;
} {
  const sent: JSONRPCMessage[] = [];
  let closes = 0;
  const transport: Transport = {
    start: () => Promise.resolve(),
    send: (message) => {
      sent.push(message);
      const m = message as { id?: number | string; method?: string };
      if (m.id !== undefined && m.method !== undefined) {
        const replies = answer({ id: m.id, method: m.method });
        queueMicrotask(() => replies?.forEach((r) => transport.onmessage?.(r)));
      }
      return Promise.resolve();
    },
    close: () => {
      closes += 1;
      transport.onclose?.();
      return Promise.resolve();
    },
  };
  return { transport, sent, closes: () => closes };
}

const INITIALIZE_RESULT = {
  protocolVersion: '2025-11-25',
  serverInfo: { name: 'x', version: '1' },
  capabilities: { tools: {} },
};

describe('probeServer', () => {
  it('reads the server item and every advertised section, then closes the transport', async () => {
    const { transport, isClosed } = await linkedNotesServer();
    const surface = await probeServer(transport, OPTIONS);
    expect(surface.server).toMatchObject({
      serverInfo: { name: 'notes', version: '1.0.0' },
      instructions: 'Notes server.',
    });
    expect(Object.keys(surface.tools)).toEqual(['search_notes']);
    expect(surface.tools['search_notes']).toMatchObject({ description: 'Search notes.' });
    expect(Object.keys(surface.prompts)).toEqual(['summarize']);
    expect(Object.keys(surface.resources)).toEqual(['notes://all']);
    expect(surface.resourceTemplates).toEqual({});
    expect(isClosed()).toBe(true);
  });

  it('sends initialize, then initialized, then lists only what is advertised', async () => {
    const server = scriptedServer(({ id, method }) =>
      method === 'initialize'
        ? [{ jsonrpc: '2.0', id, result: INITIALIZE_RESULT }]
        : [{ jsonrpc: '2.0', id, result: { tools: [{ name: 'a' }] } }],
    );
    await probeServer(server.transport, OPTIONS);
    expect(server.sent.map((m) => (m as { method?: string }).method)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
    ]);
    expect(server.sent[0]).toMatchObject({
      params: { capabilities: {}, clientInfo: { name: 'holdfast-scan' } },
    });
    expect(server.closes()).toBe(1);
  });

  it('follows every page of a list', async () => {
    const server = scriptedServer(({ id, method }) => {
      if (method === 'initialize') return [{ jsonrpc: '2.0', id, result: INITIALIZE_RESULT }];
      const page = server.sent.filter((m) => (m as { method?: string }).method === 'tools/list');
      return [
        {
          jsonrpc: '2.0',
          id,
          result:
            page.length === 1
              ? { tools: [{ name: 'a' }], nextCursor: 'p2' }
              : { tools: [{ name: 'b' }] },
        },
      ];
    });
    const surface = await probeServer(server.transport, OPTIONS);
    expect(Object.keys(surface.tools)).toEqual(['a', 'b']);
  });

  it('answers a ping from the server and refuses its other requests', async () => {
    const server = scriptedServer(({ id, method }) =>
      method === 'initialize'
        ? [
            { jsonrpc: '2.0', id: 'srv-1', method: 'ping' },
            { jsonrpc: '2.0', id: 'srv-2', method: 'roots/list' },
            { jsonrpc: '2.0', id, result: { ...INITIALIZE_RESULT, capabilities: {} } },
          ]
        : undefined,
    );
    await probeServer(server.transport, OPTIONS);
    await Promise.resolve();
    expect(server.sent).toContainEqual({ jsonrpc: '2.0', id: 'srv-1', result: {} });
    const refusal = server.sent.find((m) => (m as { id?: unknown }).id === 'srv-2');
    expect(refusal).toMatchObject({ error: { code: -32601 } });
  });

  it('fails with UPSTREAM_TIMEOUT and closes the server when it never answers', async () => {
    const server = scriptedServer(() => undefined);
    const error: unknown = await probeServer(server.transport, {
      ...OPTIONS,
      timeoutMs: 100,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('UPSTREAM_TIMEOUT');
    expect(server.closes()).toBe(1);
  });

  it('fails with SURFACE_CURSOR_LOOP when pagination repeats a cursor', async () => {
    const server = scriptedServer(({ id, method }) =>
      method === 'initialize'
        ? [{ jsonrpc: '2.0', id, result: INITIALIZE_RESULT }]
        : [{ jsonrpc: '2.0', id, result: { tools: [], nextCursor: 'same' } }],
    );
    const error: unknown = await probeServer(server.transport, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SurfaceError);
    expect((error as SurfaceError).code).toBe('SURFACE_CURSOR_LOOP');
    expect(server.closes()).toBe(1);
  });

  it('fails with SURFACE_MALFORMED when initialize lacks serverInfo', async () => {
    const server = scriptedServer(({ id }) => [
      { jsonrpc: '2.0', id, result: { protocolVersion: '2025-11-25', capabilities: {} } },
    ]);
    const error: unknown = await probeServer(server.transport, OPTIONS).catch((e: unknown) => e);
    expect((error as SurfaceError).code).toBe('SURFACE_MALFORMED');
  });

  it('fails with UPSTREAM_PROTOCOL when the server answers with an error', async () => {
    const server = scriptedServer(({ id }) => [
      { jsonrpc: '2.0', id, error: { code: -32603, message: 'internal <IMPORTANT>' } },
    ]);
    const error: unknown = await probeServer(server.transport, OPTIONS).catch((e: unknown) => e);
    expect((error as UpstreamError).code).toBe('UPSTREAM_PROTOCOL');
    expect((error as Error).message).not.toContain('IMPORTANT');
  });

  it('fails at once, with the exit reported, when the server goes away mid-scan', async () => {
    const server = scriptedServer(({ method }) => {
      if (method === 'initialize') {
        queueMicrotask(() => {
          server.transport.onerror?.(
            new UpstreamError('UPSTREAM_EXITED', 'Upstream server exited', {
              details: { code: 3 },
            }),
          );
          server.transport.onclose?.();
        });
      }
      return undefined;
    });
    const error: unknown = await probeServer(server.transport, OPTIONS).catch((e: unknown) => e);
    expect((error as UpstreamError).code).toBe('UPSTREAM_EXITED');
  });
});
