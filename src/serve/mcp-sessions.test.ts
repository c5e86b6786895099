import { afterEach, describe, expect, it } from 'vitest';

import type { Clock } from '../shared/clock.js';
import { createHttpDownstream } from '../transports/http/http-downstream.js';
import type { OpenedSession } from './mcp-sessions.js';
import { McpSessions } from './mcp-sessions.js';

const URL_ = 'http://127.0.0.1:1/mcp';

/** A stand-in gateway: answers initialize and tools/list with the session's own marker. */
async function openFake(_endpoint: string, principal: string, id: string): Promise<OpenedSession> {
  const downstream = createHttpDownstream({ sessionId: id, maxMessageBytes: 1 << 20 });
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  downstream.onclose = () => resolveDone();
  downstream.onmessage = (message) => {
    const m = message as { id?: number; method?: string };
    if (m.id === undefined) return;
    const result =
      m.method === 'initialize'
        ? {
            protocolVersion: '2025-11-25',
            capabilities: { tools: {} },
            serverInfo: { name: 'fake', version: '1' },
          }
        : { tools: [], owner: principal };
    void downstream.send({ jsonrpc: '2.0', id: m.id, result });
  };
  await downstream.start();
  return { downstream, done, close: () => downstream.close() };
}

function post(body: unknown, session?: string): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'Mcp-Protocol-Version': '2025-11-25',
      ...(session === undefined ? {} : { 'Mcp-Session-Id': session }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 't', version: '1' },
  },
};

/** The JSON-RPC message in an SSE response body. */
async function sseMessage(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  const data = text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => line.slice(6));
  return JSON.parse(data.at(-1) ?? 'null') as Record<string, unknown>;
}

let now = 0;
const clock: Clock = { now: () => now };
const registries: McpSessions[] = [];

function registry(
  overrides: Partial<ConstructorParameters<typeof McpSessions>[0]> = {},
): McpSessions {
  const sessions = new McpSessions({
    open: openFake,
    maxSessions: 10,
    idleTimeoutMs: 60_000,
    clock,
    log: () => undefined,
    ...overrides,
  });
  registries.push(sessions);
  return sessions;
}

afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.closeAll('test over')));
});

describe('McpSessions', () => {
  it('opens a session at initialize and answers later requests of the same principal in it', async () => {
    const sessions = registry();
    const opened = await sessions.handle(post(INITIALIZE), '', 'key:a');
    expect(opened.status).toBe(200);
    const id = opened.headers.get('mcp-session-id') ?? '';
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await opened.text();
    const listed = await sessions.handle(
      post({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, id),
      '',
      'key:a',
    );
    expect((await sseMessage(listed))['result']).toEqual({ tools: [], owner: 'key:a' });
    expect(sessions.size).toBe(1);
  });

  it("answers another principal's or another endpoint's use of a session id like an unknown id", async () => {
    const sessions = registry();
    const opened = await sessions.handle(post(INITIALIZE), '', 'key:a');
    const id = opened.headers.get('mcp-session-id') ?? '';
    await opened.text();
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const strangers = [
      await sessions.handle(post(list, id), '', 'key:b'),
      await sessions.handle(post(list, id), 'notes', 'key:a'),
      await sessions.handle(post(list, 'no-such-session'), '', 'key:a'),
    ];
    expect(strangers.map((r) => r.status)).toEqual([404, 404, 404]);
    const bodies = await Promise.all(strangers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
  });

  it('opens nothing for a first request that is not initialize, or malformed JSON', async () => {
    let opens = 0;
    const sessions = registry({
      open: (...args) => {
        opens++;
        return openFake(...args);
      },
    });
    const notInit = await sessions.handle(
      post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      '',
      'k',
    );
    expect(notInit.status).toBe(400);
    expect((await sessions.handle(post('{"jsonrpc":'), '', 'k')).status).toBe(400);
    expect((await sessions.handle(new Request(URL_), '', 'k')).status).toBe(400);
    expect(opens).toBe(0);
  });

  it('refuses a duplicate-key body the SDK alone would accept', async () => {
    const sessions = registry();
    const opened = await sessions.handle(post(INITIALIZE), '', 'k');
    const id = opened.headers.get('mcp-session-id') ?? '';
    await opened.text();
    const duplicate =
      '{"jsonrpc":"2.0","id":3,"method":"tools/list","method":"tools/call","params":{}}';
    const response = await sessions.handle(post(duplicate, id), '', 'k');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it('refuses sessions beyond the limit with 503', async () => {
    const sessions = registry({ maxSessions: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await sessions.handle(post(INITIALIZE), '', 'k');
      expect(response.status).toBe(200);
      await response.text();
    }
    expect((await sessions.handle(post(INITIALIZE), '', 'k')).status).toBe(503);
  });

  it('ends a session on DELETE and after the idle timeout', async () => {
    const sessions = registry({ idleTimeoutMs: 4_000 });
    const a = await sessions.handle(post(INITIALIZE), '', 'k');
    const idA = a.headers.get('mcp-session-id') ?? '';
    await a.text();
    const deleted = await sessions.handle(
      new Request(URL_, {
        method: 'DELETE',
        headers: { 'Mcp-Session-Id': idA, 'Mcp-Protocol-Version': '2025-11-25' },
      }),
      '',
      'k',
    );
    expect(deleted.status).toBe(200);
    expect(sessions.size).toBe(0);

    const b = await sessions.handle(post(INITIALIZE), '', 'k');
    await b.text();
    expect(sessions.size).toBe(1);
    now += 5_000;
    for (let i = 0; i < 100 && sessions.size > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sessions.size).toBe(0);
  });
});
