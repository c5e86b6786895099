/**
 * The upstream for the `holdfast serve` benchmark: the smallest honest Streamable HTTP MCP server we
 * can write with the official SDK. Stateful, as the SDK's own examples are: an `initialize` POST
 * without `Mcp-Session-Id` gets its own `McpServer` and transport, and every later request of that
 * session is routed to them by id. One tool, `echo`, answers with its `text` argument at once, so
 * what the benchmark measures is HTTP, the SDK, and whatever sits between client and server.
 *
 *     node --import tsx bench/echo-http-server.ts     # prints PORT=<n> once it listens
 *
 * Listens on 127.0.0.1 only, on a port the OS picks.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { McpServer, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** Sessions beyond this are refused: a runaway client cannot exhaust the benchmark machine. */
const MAX_SESSIONS = 4096;

const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();

function createEchoServer(): McpServer {
  const server = new McpServer({ name: 'holdfast-bench-echo-http', version: '1.0.0' });
  server.registerTool(
    'echo',
    {
      description: 'Returns the given text unchanged.',
      inputSchema: z.object({ text: z.string().describe('The text to return.') }),
    },
    ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}

/** A request without a session id: if it is an `initialize`, it opens a session. */
async function openSession(request: Request): Promise<Response> {
  if (request.method !== 'POST') return rpcError(400, -32000, 'Mcp-Session-Id required');
  if (sessions.size >= MAX_SESSIONS) return rpcError(503, -32000, 'too many sessions');
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => void sessions.set(id, transport),
    onsessionclosed: (id) => void sessions.delete(id),
  });
  transport.onclose = () => {
    if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
  };
  const server = createEchoServer();
  await server.connect(transport);
  const response = await transport.handleRequest(request);
  // Not an initialize (the transport answered with an error): nothing keeps this pair.
  if (transport.sessionId === undefined) await server.close();
  return response;
}

async function handle(request: Request): Promise<Response> {
  if (new URL(request.url).pathname !== '/mcp') return new Response('not found', { status: 404 });
  const id = request.headers.get('mcp-session-id');
  if (id === null) return openSession(request);
  const transport = sessions.get(id);
  if (transport === undefined) return rpcError(404, -32001, 'Session not found');
  return transport.handleRequest(request);
}

const listener = serve({ fetch: handle, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  process.stdout.write(`PORT=${info.port}\n`);
});
const stop = (): void => {
  for (const transport of sessions.values()) void transport.close();
  listener.close(() => process.exit(0));
  // Open SSE streams keep connections alive; do not wait for clients to hang up.
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
