/**
 * In-process wiring for gateway tests (STYLE §4): the official SDK client ↔ GatewaySession ↔ an SDK
 * McpServer, over two linked in-memory transport pairs, with every message the server received
 * recorded so tests can prove a denied call never reached it.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

import { AuditLog } from '../../src/audit/log.js';
import { DEFAULT_BEHAVIOR_SETTINGS } from '../../src/behavior/index.js';
import { defaultConfig } from '../../src/config/load.js';
import type { GatewayOptions } from '../../src/gateway/index.js';
import { GatewaySession } from '../../src/gateway/index.js';
import { compilePolicy, PolicyConfigSchema } from '../../src/policy/index.js';
import { DEFAULT_RISK_SETTINGS } from '../../src/risk/index.js';

const DEFAULT_ANOMALY_ACTIONS = defaultConfig().behavior.actions;
import type { MemoryStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/index.js';

/** A linked client, gateway and upstream server. */
export interface Wired extends AsyncDisposable {
  client: Client;
  store: MemoryStore;
  /** Methods of every message the upstream server received, in order. */
  upstreamMethods: () => string[];
  logs: string[];
}

/** Builds the notes server used by in-process tests. */
export function createNotesServer(): McpServer {
  const server = new McpServer(
    { name: 'notes', version: '1.0.0' },
    { instructions: 'Notes server.' },
  );
  server.registerTool(
    'search_notes',
    { description: 'Search notes.', inputSchema: z.object({ query: z.string() }) },
    ({ query }) => ({ content: [{ type: 'text', text: `found ${query}` }] }),
  );
  server.registerPrompt(
    'summarize',
    { description: 'Summarize notes.', argsSchema: z.object({ topic: z.string() }) },
    ({ topic }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }],
    }),
  );
  return server;
}

/** Wires client → gateway → server, all in memory. */
export async function wire(
  options: Partial<GatewayOptions> & { store?: MemoryStore } = {},
): Promise<Wired> {
  const store = options.store ?? createMemoryStore();
  const [clientSide, gatewayDown] = InMemoryTransport.createLinkedPair();
  const [gatewayUp, serverSide] = InMemoryTransport.createLinkedPair();
  const received: string[] = [];
  const server = createNotesServer();
  await server.connect(serverSide);
  const deliver = serverSide.onmessage;
  serverSide.onmessage = (message: JSONRPCMessage, extra) => {
    if ('method' in message) received.push(message.method);
    deliver?.(message, extra);
  };
  const logs: string[] = [];
  const clock = { now: () => 1_700_000_000_000 };
  const log = (line: string): void => void logs.push(line);
  const session = new GatewaySession(gatewayDown, gatewayUp, {
    name: 'notes',
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
    behavior: { settings: DEFAULT_BEHAVIOR_SETTINGS, actions: DEFAULT_ANOMALY_ACTIONS },
    holds: store,
    approvals: { ttlMs: 5_000, pollMs: 20, progressIntervalMs: 1_000, elicitation: true },
    recheck: 'on-list',
    recheckIntervalMs: null,
    allowUnknownArguments: false,
    requestTimeoutMs: 5_000,
    limits: { maxItems: 100, maxPages: 10 },
    ...options,
  });
  await session.start();
  // In-memory transports hand over objects, `undefined` members included; a real wire would not.
  const relay = gatewayUp.onmessage;
  gatewayUp.onmessage = (message: JSONRPCMessage, extra) => {
    relay?.(JSON.parse(JSON.stringify(message)) as JSONRPCMessage, extra);
  };
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    store,
    upstreamMethods: () => [...received],
    logs,
    [Symbol.asyncDispose]: async () => {
      await client.close();
      await session.close('test done');
      await server.close();
    },
  };
}
