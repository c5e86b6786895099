import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningEverything } from '../../../test/support/everything-http.js';
import { startEverything } from '../../../test/support/everything-http.js';
import { UpstreamError } from '../../shared/errors.js';
import {
  createGuardedFetch,
  createHttpUpstream,
  type HttpUpstreamOptions,
} from './http-upstream.js';

async function listTools(
  transport: Transport,
  errors: Error[],
): Promise<{ tools: string[]; echo: unknown }> {
  const client = new Client({ name: 'holdfast-test', version: '0.0.0' });
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    return { tools: tools.map((t) => t.name), echo: result.content };
  } finally {
    await client.close();
  }
}

let streamablePort = 0;
let ssePort = 0;
const servers: RunningEverything[] = [];

beforeAll(async () => {
  servers.push(...(await Promise.all([startEverything('streamableHttp'), startEverything('sse')])));
  [streamablePort, ssePort] = servers.map((s) => s.port) as [number, number];
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s[Symbol.asyncDispose]()));
});

describe('createHttpUpstream against server-everything', () => {
  const echoed = [{ type: 'text', text: 'Echo: hi' }];

  it.each<[string, () => URL, NonNullable<HttpUpstreamOptions['transport']>]>([
    ['Streamable HTTP', () => new URL(`http://127.0.0.1:${streamablePort}/mcp`), 'streamable-http'],
    ['Streamable HTTP via auto', () => new URL(`http://127.0.0.1:${streamablePort}/mcp`), 'auto'],
    ['legacy SSE', () => new URL(`http://127.0.0.1:${ssePort}/sse`), 'sse'],
    ['legacy SSE via the auto fallback', () => new URL(`http://127.0.0.1:${ssePort}/sse`), 'auto'],
  ])('lists tools and calls echo over %s', async (_name, url, transport) => {
    const errors: Error[] = [];
    const upstream = createHttpUpstream({ url: url(), transport });
    const { tools, echo } = await listTools(upstream, errors);
    expect(tools).toContain('echo');
    expect(echo).toEqual(echoed);
    expect(errors).toEqual([]);
  });
});

/** A tiny upstream that answers every POST with `reply`. */
async function startFake(
  reply: (res: ServerResponse) => void,
): Promise<{ url: URL; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    if (req.method === 'POST') reply(res);
    else res.writeHead(405).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), server };
}

const INITIALIZE: JSONRPCMessage = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 't', version: '0' },
  },
};

function expectProtocolError(error: unknown, reason: string, id?: number | string): void {
  expect(error).toBeInstanceOf(UpstreamError);
  expect((error as UpstreamError).code).toBe('UPSTREAM_PROTOCOL');
  expect((error as UpstreamError).details['reason']).toBe(reason);
  expect((error as UpstreamError).details['id']).toBe(id);
}

describe('createHttpUpstream with a misbehaving server', () => {
  it('rejects a JSON response with a duplicate key and never delivers it', async () => {
    const { url, server } = await startFake((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' });
      res.end('{"jsonrpc":"2.0","id":0,"result":{"serverInfo":{"name":"a","name":"evil"}}}');
    });
    try {
      const upstream = createHttpUpstream({ url, headers: { authorization: 'Bearer s3cr3t' } });
      const errors: Error[] = [];
      const messages: JSONRPCMessage[] = [];
      upstream.onerror = (e) => errors.push(e);
      upstream.onmessage = (m) => messages.push(m);
      await upstream.start();
      const sent = upstream.send(INITIALIZE);
      await expect(sent).rejects.toBeInstanceOf(UpstreamError);
      expect(errors).toHaveLength(1);
      expectProtocolError(errors[0], 'SURFACE_DUPLICATE_KEY', 0);
      expect(errors[0]?.message).not.toMatch(/evil|s3cr3t/);
      expect(messages).toEqual([]);
      await upstream.close();
    } finally {
      server.close();
    }
  });

  it('drops a bad SSE event, reports it, and delivers the good ones', async () => {
    const { url, server } = await startFake((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"jsonrpc":"2.0","method":"a","method":"b"}\n\n');
      res.write(`data: {"jsonrpc":"2.0","id":0,"result":{"x":"${'y'.repeat(500)}"}}\n\n`);
      res.end('event: message\r\ndata: {"jsonrpc":"2.0","id":0,\r\ndata: "result":{}}\r\n\r\n');
    });
    try {
      const upstream = createHttpUpstream({
        url,
        transport: 'streamable-http',
        maxMessageBytes: 200,
      });
      const errors: Error[] = [];
      upstream.onerror = (e) => errors.push(e);
      const delivered = new Promise<JSONRPCMessage>((resolve) => (upstream.onmessage = resolve));
      await upstream.start();
      await upstream.send(INITIALIZE);
      expect(await delivered).toEqual({ jsonrpc: '2.0', id: 0, result: {} });
      expect(errors).toHaveLength(2);
      expectProtocolError(errors[0], 'SURFACE_DUPLICATE_KEY');
      expectProtocolError(errors[1], 'oversize', 0);
      await upstream.close();
    } finally {
      server.close();
    }
  });
});

describe('createGuardedFetch', () => {
  const limits = { maxBytes: 1024, maxDepth: 4 };

  async function filter(chunks: string[]): Promise<{ text: string; reasons: unknown[] }> {
    const reasons: unknown[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const base = (): Promise<Response> =>
      Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    const guarded = createGuardedFetch(base, limits, (e) =>
      reasons.push(e instanceof UpstreamError ? e.details['reason'] : e),
    );
    const response = await guarded('http://127.0.0.1/', {});
    return { text: await response.text(), reasons };
  }

  it('keeps events split across chunks and CRLF pairs split between chunks', async () => {
    const good = '{"jsonrpc":"2.0","method":"ok"}';
    const { text, reasons } = await filter([
      `id: 1\r`,
      `\ndata: ${good.slice(0, 9)}`,
      `${good.slice(9)}\r`,
      `\n\r\n`,
    ]);
    expect(text).toBe(`id: 1\ndata: ${good}\n\n`);
    expect(reasons).toEqual([]);
  });

  it('drops a multi-line event that grows past the limit as one event', async () => {
    const { text, reasons } = await filter([
      `data: {"jsonrpc":"2.0","id":9,\ndata: "result":{"x":"${'y'.repeat(2000)}"}}\n`,
      'data: more of the same event\n\n',
      'data: {"jsonrpc":"2.0","method":"after"}\n\n',
    ]);
    expect(text).toBe('data: {"jsonrpc":"2.0","method":"after"}\n\n');
    expect(reasons).toEqual(['oversize']);
  });

  it('passes non-message events through and drops deep or non-JSON-RPC messages', async () => {
    const { text, reasons } = await filter([
      'event: endpoint\ndata: /message?sessionId=1\n\n',
      'data: [[[[[1]]]]]\n\n',
      'data: {"jsonrpc":"2.0"}\n\n',
      ': keepalive\n\n',
      'data: {"jsonrpc":"2.0","method":"unfinished"}\n',
    ]);
    expect(text).toBe('event: endpoint\ndata: /message?sessionId=1\n\n: keepalive\n\n');
    expect(reasons).toEqual(['SURFACE_TOO_DEEP', 'not-jsonrpc']);
  });
});
