/**
 * The upstream for the latency benchmark: the smallest honest MCP stdio server we can write with
 * the official SDK. One tool, `echo`, answers with its `text` argument at once, so what a
 * benchmark measures is the transport and whatever sits between client and server.
 *
 *     node --import tsx bench/echo-server.ts
 */
import { McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const server = new McpServer({ name: 'holdfast-bench-echo', version: '1.0.0' });

server.registerTool(
  'echo',
  {
    description: 'Returns the given text unchanged.',
    inputSchema: z.object({ text: z.string().describe('The text to return.') }),
  },
  ({ text }) => ({ content: [{ type: 'text', text }] }),
);

await server.connect(new StdioServerTransport());
