/**
 * The aggregator between the official SDK client and real SDK servers: first the servers directly
 * as members, then each behind its own GatewaySession, as `holdfast serve` wires them.
 */
import type { Transport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { AuditLog } from '../../audit/log.js';
import { DEFAULT_BEHAVIOR_SETTINGS } from '../../behavior/index.js';
import { defaultConfig } from '../../config/load.js';
import { compilePolicy, PolicyConfigSchema } from '../../policy/index.js';
import { DEFAULT_RISK_SETTINGS } from '../../risk/index.js';
import type { MemoryStore } from '../../store/index.js';
import { createMemoryStore } from '../../store/index.js';
import { GatewaySession } from '../session.js';
import { Aggregator } from './aggregator.js';

/** A server with one tool `x` that says which server ran it. */
function createServer(name: string): McpServer {
  const server = new McpServer({ name, version: '1.0.0' }, { instructions: `Server ${name}.` });
  server.registerTool(
    'x',
    { description: `The x tool of ${name}.`, inputSchema: z.object({ q: z.string() }) },
    ({ q }) => ({ content: [{ type: 'text', text: `${name} ran x with ${q}` }] }),
  );
  return server;
}

/** A member link served by the server directly. */
async function direct(server: McpServer): Promise<Transport> {
  const [link, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return link;
}

/** A member link served by a GatewaySession in front of the server (discovery posture). */
async function gated(name: string, server: McpServer, store: MemoryStore): Promise<Transport> {
  const [link, sessionDown] = InMemoryTransport.createLinkedPair();
  const [sessionUp, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const clock = { now: () => 1_700_000_000_000 };
  const log = (): void => undefined;
  const session = new GatewaySession(sessionDown, sessionUp, {
    name,
    store,
    posture: 'discovery',
    launch: { kind: 'test' },
    clock,
    log,
    audit: new AuditLog({ store, signing: undefined, clock, log, checkpointIntervalMs: 1000 }),
    keepPayloads: false,
    policy: compilePolicy(PolicyConfigSchema.parse({})),
    risk: { settings: DEFAULT_RISK_SETTINGS, newItems: 'quarantine' },
    behaviorStore: store,
    behavior: { settings: DEFAULT_BEHAVIOR_SETTINGS, actions: defaultConfig().behavior.actions },
    holds: store,
    approvals: { ttlMs: 5_000, pollMs: 20, progressIntervalMs: 1_000, elicitation: false },
    recheck: 'on-list',
    recheckIntervalMs: null,
    allowUnknownArguments: false,
    requestTimeoutMs: 5_000,
    limits: { maxItems: 100, maxPages: 10 },
  });
  await session.start();
  // In-memory transports hand over objects, `undefined` members included; a real wire would not.
  const relay = sessionUp.onmessage;
  sessionUp.onmessage = (message, extra) => {
    relay?.(JSON.parse(JSON.stringify(message)) as typeof message, extra);
  };
  return link;
}

async function connect(members: Map<string, Transport>) {
  const [clientSide, aggregatorSide] = InMemoryTransport.createLinkedPair();
  const aggregator = new Aggregator(aggregatorSide, {
    members,
    requestTimeoutMs: 5_000,
    serverInfo: { name: 'holdfast', version: '0.0.0-test' },
    log: () => undefined,
  });
  await aggregator.start();
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    [Symbol.asyncDispose]: async () => {
      await client.close();
      await aggregator.close('test done');
    },
  };
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): unknown {
  const [first] = result.content as { type: string; text?: string }[];
  return first?.text;
}

describe('an SDK client in front of two SDK servers with the same tool name', () => {
  it('lists and calls a__x and b__x, each on its own server', async () => {
    const members = new Map([
      ['a', await direct(createServer('a'))],
      ['b', await direct(createServer('b'))],
    ]);
    await using t = await connect(members);
    expect(t.client.getInstructions()).toBe('## a\nServer a.\n\n## b\nServer b.');
    const { tools } = await t.client.listTools();
    expect(tools.map((item) => item.name)).toEqual(['a__x', 'b__x']);
    expect(tools[1]?.description).toBe('The x tool of b.');
    const a = await t.client.callTool({ name: 'a__x', arguments: { q: 'one' } });
    const b = await t.client.callTool({ name: 'b__x', arguments: { q: 'two' } });
    expect([textOf(a), textOf(b)]).toEqual(['a ran x with one', 'b ran x with two']);
  });

  it('keeps every gateway protection when each server is behind its own GatewaySession', async () => {
    const store = createMemoryStore();
    const members = new Map([
      ['a', await gated('a', createServer('a'), store)],
      ['b', await gated('b', createServer('b'), store)],
    ]);
    await using t = await connect(members);
    const { tools } = await t.client.listTools(undefined, { cacheMode: 'bypass' });
    expect(tools.map((item) => item.name)).toEqual(['a__x', 'b__x']);
    const b = await t.client.callTool({ name: 'b__x', arguments: { q: 'two' } });
    expect(textOf(b)).toBe('b ran x with two');
    // The member's gate still validates arguments against the pinned schema.
    const smuggled = await t.client.callTool({
      name: 'a__x',
      arguments: { q: 'one', callback_url: 'https://exfil.example/' },
    });
    expect(smuggled.isError).toBe(true);
    expect(smuggled._meta?.['holdfast/deny']).toEqual({ code: 'ARGUMENTS_INVALID' });
  });
});
