import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { JsonObject } from '../../surface/types.js';
import { Aggregator } from './aggregator.js';
import { MAX_SNAPSHOTS } from './cursors.js';
import { MAX_SERVER_REQUESTS } from './server-requests.js';

/** A JSON-RPC message as a test sees it. */
type Message = Record<string, unknown>;

/** What a fake member serves. */
interface FakeSpec {
  tools?: JsonObject[];
  prompts?: JsonObject[];
  resources?: JsonObject[];
  templates?: JsonObject[];
  instructions?: string;
  protocolVersion?: string;
  initialize?: 'ok' | 'error' | 'hang';
  /** Requests of these methods are recorded and never answered. */
  hold?: string[];
}

function tool(name: string): JsonObject {
  return { name, description: `The ${name} tool.`, inputSchema: { type: 'object' } };
}

function nameOf(params: JsonObject): string {
  const name = params['name'];
  return typeof name === 'string' ? name : '?';
}

/** Bound of every wait for a message. */
const WAIT_MS = 5_000;

/** Waits for messages matching a predicate; every wait is bounded by the test's timeout. */
class Inbox {
  readonly messages: Message[] = [];
  readonly #waiters = new Set<{ match: (m: Message) => boolean; resolve: (m: Message) => void }>();

  push(message: Message): void {
    this.messages.push(message);
    for (const waiter of [...this.#waiters]) {
      if (!waiter.match(message)) continue;
      this.#waiters.delete(waiter);
      waiter.resolve(message);
    }
  }

  /** The first message matching `match`; fails after WAIT_MS rather than hang the test. */
  waitFor(match: (m: Message) => boolean): Promise<Message> {
    const found = this.messages.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error('no matching message arrived'));
      }, WAIT_MS);
      const waiter = {
        match,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  methods(method: string): Message[] {
    return this.messages.filter((m) => m['method'] === method);
  }
}

/** A member made by hand: answers initialize, lists, calls and reads over an in-memory link. */
class FakeMember {
  readonly name: string;
  /** The side the aggregator gets. */
  readonly link: InMemoryTransport;
  readonly inbox = new Inbox();
  /** Every message this member sent, by id, so tests can check relays are untouched. */
  readonly sent: Message[] = [];
  readonly #side: InMemoryTransport;
  readonly #spec: FakeSpec;

  constructor(name: string, spec: FakeSpec) {
    this.name = name;
    this.#spec = spec;
    [this.link, this.#side] = InMemoryTransport.createLinkedPair();
    this.#side.onmessage = (message) => void this.#handle(message);
  }

  start(): Promise<void> {
    return this.#side.start();
  }

  async send(message: Message): Promise<void> {
    this.sent.push(message);
    await this.#side.send(message as unknown as JSONRPCMessage);
  }

  close(): Promise<void> {
    return this.#side.close();
  }

  async #handle(message: Message): Promise<void> {
    this.inbox.push(message);
    const { id, method } = message;
    if (typeof method !== 'string' || id === undefined) return;
    if (this.#spec.hold?.includes(method) === true) return;
    if (method === 'initialize' && this.#spec.initialize === 'hang') return;
    const result = this.#answer(method, (message['params'] ?? {}) as JsonObject);
    await this.send(
      result === undefined
        ? { jsonrpc: '2.0', id, error: { code: -32601, message: 'no' } }
        : { jsonrpc: '2.0', id, result },
    );
  }

  #answer(method: string, params: JsonObject): JsonObject | undefined {
    const spec = this.#spec;
    switch (method) {
      case 'initialize': {
        if (spec.initialize === 'error') return undefined;
        const capabilities: JsonObject = { logging: {} };
        if (spec.tools !== undefined) capabilities['tools'] = { listChanged: true };
        if (spec.prompts !== undefined) capabilities['prompts'] = {};
        if (spec.resources !== undefined || spec.templates !== undefined) {
          capabilities['resources'] = { subscribe: true };
        }
        const result: JsonObject = {
          protocolVersion: spec.protocolVersion ?? params['protocolVersion'] ?? '',
          capabilities,
          serverInfo: { name: this.name, version: '1.0.0' },
        };
        if (spec.instructions !== undefined) result['instructions'] = spec.instructions;
        return result;
      }
      case 'tools/list':
        return { tools: spec.tools ?? [] };
      case 'prompts/list':
        return { prompts: spec.prompts ?? [] };
      case 'resources/list':
        return { resources: spec.resources ?? [] };
      case 'resources/templates/list':
        return { resourceTemplates: spec.templates ?? [] };
      case 'tools/call':
        return { content: [{ type: 'text', text: `${this.name} ran ${nameOf(params)}` }] };
      case 'prompts/get':
        return { description: `${this.name}:${nameOf(params)}`, messages: [] };
      case 'resources/read':
        return { contents: [{ uri: params['uri'] ?? '', text: `read by ${this.name}` }] };
      case 'completion/complete':
        return { completion: { values: [this.name] } };
      case 'logging/setLevel':
        return {};
      default:
        return undefined;
    }
  }
}

/** The client side: raw JSON-RPC, so tests see exactly what the aggregator sends. */
class RawClient {
  readonly inbox = new Inbox();
  readonly #transport: InMemoryTransport;
  #next = 1;

  constructor(transport: InMemoryTransport) {
    this.#transport = transport;
    transport.onmessage = (message) => this.inbox.push(message);
  }

  start(): Promise<void> {
    return this.#transport.start();
  }

  send(message: Message): Promise<void> {
    return this.#transport.send(message as unknown as JSONRPCMessage);
  }

  async request(method: string, params: JsonObject = {}, id: string | number = this.#next++) {
    await this.send({ jsonrpc: '2.0', id, method, params });
    return this.inbox.waitFor((m) => m['id'] === id && !('method' in m));
  }
}

const INITIALIZE: JsonObject = {
  protocolVersion: '2025-11-25',
  capabilities: { sampling: {}, elicitation: {} },
  clientInfo: { name: 'test', version: '1.0.0' },
};

async function aggregate<const N extends string>(
  specs: Record<N, FakeSpec>,
  options: { pageSize?: number; requestTimeoutMs?: number } = {},
) {
  const names = Object.keys(specs) as N[];
  const fakes = Object.fromEntries(names.map((n) => [n, new FakeMember(n, specs[n])])) as Record<
    N,
    FakeMember
  >;
  for (const name of names) await fakes[name].start();
  const [clientSide, aggregatorSide] = InMemoryTransport.createLinkedPair();
  const logs: string[] = [];
  const aggregator = new Aggregator(aggregatorSide, {
    members: new Map(names.map((n) => [n, fakes[n].link])),
    pageSize: options.pageSize ?? 100,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    serverInfo: { name: 'holdfast', version: '0.0.0-test' },
    log: (line) => void logs.push(line),
  });
  await aggregator.start();
  const client = new RawClient(clientSide);
  await client.start();
  return {
    aggregator,
    client,
    members: fakes,
    logs,
    /** initialize, then notifications/initialized; returns the initialize response. */
    async initialize(): Promise<Message> {
      const response = await client.request('initialize', INITIALIZE);
      await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return response;
    },
    [Symbol.asyncDispose]: () => aggregator.close('test done'),
  };
}

function resultOf(message: Message): JsonObject {
  expect(message).toHaveProperty('result');
  return message['result'] as JsonObject;
}

/** The cursor of a list page, which must be there. */
function cursorOf(result: JsonObject): string {
  const cursor = result['nextCursor'];
  if (typeof cursor !== 'string') throw new Error('expected a nextCursor');
  return cursor;
}

function namesOf(message: Message, field = 'tools'): unknown[] {
  return (resultOf(message)[field] as JsonObject[]).map((item) => item['name']);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('initialize', () => {
  it('merges versions, capabilities and instructions under each member heading', async () => {
    await using t = await aggregate({
      a: { tools: [], instructions: 'Use a for alpha.' },
      b: { prompts: [], resources: [], instructions: '   ' },
      c: { templates: [], instructions: 'Use c for gamma.' },
    });
    const response = await t.initialize();
    expect(resultOf(response)).toEqual({
      protocolVersion: '2025-11-25',
      capabilities: {
        logging: {},
        tools: { listChanged: true },
        prompts: {},
        resources: { subscribe: true },
      },
      serverInfo: { name: 'holdfast', version: '0.0.0-test' },
      instructions: '## a\nUse a for alpha.\n\n## c\nUse c for gamma.',
    });
    expect(t.members.a.inbox.methods('initialize')[0]?.['params']).toEqual(INITIALIZE);
    await t.members.b.inbox.waitFor((m) => m['method'] === 'notifications/initialized');
  });

  it('answers with the lowest version when the members disagree', async () => {
    await using t = await aggregate({
      a: { tools: [], protocolVersion: '2025-06-18' },
      b: { tools: [] },
    });
    expect(resultOf(await t.initialize())['protocolVersion']).toBe('2025-06-18');
  });

  it('leaves out a member that fails initialize: its tools are absent, calls to it refused', async () => {
    await using t = await aggregate({
      a: { tools: [tool('x')] },
      broken: { tools: [tool('x')], initialize: 'error' },
    });
    await t.initialize();
    expect(namesOf(await t.client.request('tools/list'))).toEqual(['a__x']);
    const call = resultOf(await t.client.request('tools/call', { name: 'broken__x' }));
    expect(call).toMatchObject({
      isError: true,
      _meta: { 'holdfast/deny': { code: 'MEMBER_UNAVAILABLE' } },
    });
    expect(t.members.broken.inbox.methods('tools/call')).toEqual([]);
    expect(t.logs.some((line) => line.startsWith('broken: left out'))).toBe(true);
  });

  it('leaves out a member that does not answer initialize in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await using t = await aggregate(
      { a: { tools: [tool('x')] }, slow: { tools: [tool('y')], initialize: 'hang' } },
      { requestTimeoutMs: 1_000 },
    );
    const pending = t.client.request('initialize', INITIALIZE);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(resultOf(await pending)['serverInfo']).toEqual({
      name: 'holdfast',
      version: '0.0.0-test',
    });
    expect(namesOf(await t.client.request('tools/list'))).toEqual(['a__x']);
  });

  it('answers an error and ends the session when no member initializes', async () => {
    await using t = await aggregate({ a: { initialize: 'error' }, b: { initialize: 'error' } });
    const response = await t.client.request('initialize', INITIALIZE);
    expect(response['error']).toMatchObject({ code: -32002, data: { code: 'NO_MEMBER' } });
    await t.aggregator.done;
  });
});

describe('namespaced names', () => {
  it('lists tools as <member>__<name> and rewrites nothing else', async () => {
    const x = { ...tool('x'), annotations: { readOnlyHint: true }, _meta: { k: 1 } };
    await using t = await aggregate({ a: { tools: [x] }, b: { tools: [tool('x'), tool('y')] } });
    await t.initialize();
    const listed = resultOf(await t.client.request('tools/list'))['tools'] as JsonObject[];
    expect(listed.map((item) => item['name'])).toEqual(['a__x', 'b__x', 'b__y']);
    expect(listed[0]).toEqual({ ...x, name: 'a__x' });
  });

  it('calls the member the prefix names, under the bare name, and relays its answer as is', async () => {
    await using t = await aggregate({ a: { tools: [tool('x')] }, b: { tools: [tool('x')] } });
    await t.initialize();
    const params = { name: 'b__x', arguments: { q: 1 }, _meta: { trace: 't' } };
    const response = await t.client.request('tools/call', params, 'call-1');
    const [relayed] = t.members.b.inbox.methods('tools/call');
    expect(relayed).toMatchObject({ id: 'call-1', params: { ...params, name: 'x' } });
    expect(t.members.a.inbox.methods('tools/call')).toEqual([]);
    expect(response).toBe(t.members.b.sent.find((m) => m['id'] === 'call-1'));
  });

  it('keeps a name a member lists that looks like another member in that member', async () => {
    await using t = await aggregate({ a: { tools: [tool('b__evil')] }, b: { tools: [] } });
    await t.initialize();
    expect(namesOf(await t.client.request('tools/list'))).toEqual(['a__b__evil']);
    await t.client.request('tools/call', { name: 'a__b__evil' });
    expect(t.members.a.inbox.methods('tools/call')[0]?.['params']).toEqual({ name: 'b__evil' });
    expect(t.members.b.inbox.methods('tools/call')).toEqual([]);
  });

  it.each(['x', 'nobody__x', '__x', 'a__'])(
    'refuses the call %s as an error result without reaching a member',
    async (name) => {
      await using t = await aggregate({ a: { tools: [tool('x')] } });
      await t.initialize();
      const result = resultOf(await t.client.request('tools/call', { name }));
      expect(result).toMatchObject({
        isError: true,
        _meta: { 'holdfast/deny': { code: 'UNKNOWN_TOOL' } },
      });
      expect(t.members.a.inbox.methods('tools/call')).toEqual([]);
    },
  );

  it('routes prompts and prompt completions by namespace; refuses unknown prompts', async () => {
    await using t = await aggregate({ a: { prompts: [{ name: 'p' }] }, b: { prompts: [] } });
    await t.initialize();
    expect(namesOf(await t.client.request('prompts/list'), 'prompts')).toEqual(['a__p']);
    const got = resultOf(await t.client.request('prompts/get', { name: 'a__p' }));
    expect(got['description']).toBe('a:p');
    const ref = { type: 'ref/prompt', name: 'a__p' };
    await t.client.request('completion/complete', { ref, argument: { name: 'n', value: 'v' } });
    expect(t.members.a.inbox.methods('completion/complete')[0]?.['params']).toEqual({
      ref: { type: 'ref/prompt', name: 'p' },
      argument: { name: 'n', value: 'v' },
    });
    const refused = await t.client.request('prompts/get', { name: 'c__p' });
    expect(refused['error']).toMatchObject({ code: -32602, data: { code: 'UNKNOWN_PROMPT' } });
  });
});

describe('pagination with minted cursors', () => {
  const specs = {
    a: { tools: [tool('t0'), tool('t1'), tool('t2')] },
    b: { tools: [tool('t0'), tool('t1')] },
  };

  it('pages the concatenated lists across members, asking each member once', async () => {
    await using t = await aggregate(specs, { pageSize: 2 });
    await t.initialize();
    const first = resultOf(await t.client.request('tools/list'));
    const second = resultOf(await t.client.request('tools/list', { cursor: cursorOf(first) }));
    const third = resultOf(await t.client.request('tools/list', { cursor: cursorOf(second) }));
    expect([first, second, third].map((page) => namesOf({ result: page }))).toEqual([
      ['a__t0', 'a__t1'],
      ['a__t2', 'b__t0'],
      ['b__t1'],
    ]);
    expect(third).not.toHaveProperty('nextCursor');
    expect(t.members.a.inbox.methods('tools/list')).toHaveLength(1);
    expect(t.members.b.inbox.methods('tools/list')).toHaveLength(1);
  });

  it('refuses an unknown cursor, one minted for another section, and one from another session', async () => {
    await using t = await aggregate({ ...specs, c: { prompts: [{ name: 'p' }] } }, { pageSize: 2 });
    await using other = await aggregate(specs, { pageSize: 2 });
    await t.initialize();
    await other.initialize();
    const foreign = resultOf(await other.client.request('tools/list'))['nextCursor'];
    const own = resultOf(await t.client.request('tools/list'))['nextCursor'];
    for (const [method, cursor] of [
      ['tools/list', 'made-up'],
      ['tools/list', foreign],
      ['prompts/list', own],
      ['tools/list', 7],
    ] as const) {
      const response = await t.client.request(method, { cursor: cursor ?? null });
      expect(response['error']).toMatchObject({ code: -32602, data: { code: 'UNKNOWN_CURSOR' } });
    }
  });

  it('voids the cursors of a section when a member says its list changed', async () => {
    await using t = await aggregate(specs, { pageSize: 2 });
    await t.initialize();
    const cursor = resultOf(await t.client.request('tools/list'))['nextCursor'];
    await t.members.b.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    await t.client.inbox.waitFor((m) => m['method'] === 'notifications/tools/list_changed');
    const response = await t.client.request('tools/list', { cursor: cursor ?? null });
    expect(response['error']).toMatchObject({ data: { code: 'UNKNOWN_CURSOR' } });
  });

  it(`forgets the oldest listing beyond ${String(MAX_SNAPSHOTS)}`, async () => {
    await using t = await aggregate(specs, { pageSize: 2 });
    await t.initialize();
    const cursors: string[] = [];
    for (let i = 0; i <= MAX_SNAPSHOTS; i++) {
      cursors.push(cursorOf(resultOf(await t.client.request('tools/list'))));
    }
    const oldest = await t.client.request('tools/list', { cursor: cursors[0] ?? null });
    expect(oldest['error']).toMatchObject({ data: { code: 'UNKNOWN_CURSOR' } });
    const second = await t.client.request('tools/list', { cursor: cursors[1] ?? null });
    expect(namesOf(second)).toEqual(['a__t2', 'b__t0']);
  });
});

describe('resources', () => {
  it('routes a read by listed URI, then by the longest template prefix', async () => {
    await using t = await aggregate({
      a: { resources: [{ uri: 'file:///a.txt', name: 'a' }], templates: [] },
      b: { templates: [{ uriTemplate: 'mem://{key}', name: 'm' }] },
      c: { templates: [{ uriTemplate: 'mem://deep/{key}', name: 'd' }] },
    });
    await t.initialize();
    // Nothing was listed yet: the aggregator lists the resources itself to route.
    const read = (uri: string) => t.client.request('resources/read', { uri });
    expect(resultOf(await read('file:///a.txt'))['contents']).toMatchObject([
      { text: 'read by a' },
    ]);
    expect(resultOf(await read('mem://k'))['contents']).toMatchObject([{ text: 'read by b' }]);
    expect(resultOf(await read('mem://deep/k'))['contents']).toMatchObject([{ text: 'read by c' }]);
    const unknown = await read('https://elsewhere.example/');
    expect(unknown['error']).toMatchObject({ code: -32602, data: { code: 'UNKNOWN_RESOURCE' } });
    const uris = resultOf(await t.client.request('resources/list'))['resources'];
    expect(uris).toEqual([{ uri: 'file:///a.txt', name: 'a' }]);
  });

  it('refuses a URI two members could serve, and reaches neither', async () => {
    await using t = await aggregate({
      a: {
        resources: [{ uri: 'file:///same', name: 's' }],
        templates: [{ uriTemplate: 'x://{k}' }],
      },
      b: {
        resources: [{ uri: 'file:///same', name: 's' }],
        templates: [{ uriTemplate: 'x://{j}' }],
      },
    });
    await t.initialize();
    for (const uri of ['file:///same', 'x://1']) {
      const response = await t.client.request('resources/read', { uri });
      expect(response['error']).toMatchObject({ data: { code: 'UNKNOWN_RESOURCE' } });
    }
    const subscribe = await t.client.request('resources/subscribe', { uri: 'x://1' });
    expect(subscribe['error']).toMatchObject({ data: { code: 'UNKNOWN_RESOURCE' } });
    expect([t.members.a, t.members.b].flatMap((m) => m.inbox.methods('resources/read'))).toEqual(
      [],
    );
  });
});

describe('relaying', () => {
  it('gives server→client requests of two members minted ids and maps answers back', async () => {
    await using t = await aggregate({ a: { tools: [] }, b: { tools: [] } });
    await t.initialize();
    for (const member of [t.members.a, t.members.b]) {
      await member.send({
        jsonrpc: '2.0',
        id: 7,
        method: 'sampling/createMessage',
        params: { messages: [], maxTokens: 1, _meta: { progressToken: 1 } },
      });
    }
    const asked = () => t.client.inbox.methods('sampling/createMessage');
    await t.client.inbox.waitFor(() => asked().length === 2);
    const [fromA, fromB] = asked();
    expect(fromA?.['id']).not.toBe(fromB?.['id']);
    expect(fromA?.['id']).not.toBe(7);
    // Progress on B's request reaches B under B's own token.
    const tokenB = (fromB?.['params'] as { _meta: JsonObject })._meta['progressToken'];
    await t.client.send({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: tokenB ?? null, progress: 1 },
    });
    const progress = await t.members.b.inbox.waitFor(
      (m) => m['method'] === 'notifications/progress',
    );
    expect(progress['params']).toEqual({ progressToken: 1, progress: 1 });
    await t.client.send({ jsonrpc: '2.0', id: fromB?.['id'], result: { answer: 'for b' } });
    await t.client.send({ jsonrpc: '2.0', id: fromA?.['id'], result: { answer: 'for a' } });
    const answered = (m: Message) => m['id'] === 7 && 'result' in m;
    expect(await t.members.a.inbox.waitFor(answered)).toMatchObject({
      result: { answer: 'for a' },
    });
    expect(await t.members.b.inbox.waitFor(answered)).toMatchObject({
      result: { answer: 'for b' },
    });
    expect(t.members.a.inbox.methods('notifications/progress')).toEqual([]);
  });

  it(`refuses a member's request to the client beyond ${String(MAX_SERVER_REQUESTS)} waiting`, async () => {
    await using t = await aggregate({ a: { tools: [] } });
    await t.initialize();
    for (let id = 1; id <= MAX_SERVER_REQUESTS + 1; id++) {
      await t.members.a.send({ jsonrpc: '2.0', id, method: 'roots/list', params: {} });
    }
    const refused = await t.members.a.inbox.waitFor((m) => 'error' in m);
    expect(refused).toMatchObject({
      id: MAX_SERVER_REQUESTS + 1,
      error: { data: { code: 'TOO_MANY_REQUESTS' } },
    });
    expect(t.client.inbox.methods('roots/list')).toHaveLength(MAX_SERVER_REQUESTS);
  });

  it('maps a member cancelling its own request to the id the client saw', async () => {
    await using t = await aggregate({ a: { tools: [] } });
    await t.initialize();
    await t.members.a.send({ jsonrpc: '2.0', id: 'q', method: 'elicitation/create', params: {} });
    const asked = await t.client.inbox.waitFor((m) => m['method'] === 'elicitation/create');
    const cancel = { requestId: 'q', reason: 'gave up' };
    await t.members.a.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: cancel });
    const seen = await t.client.inbox.waitFor((m) => m['method'] === 'notifications/cancelled');
    expect(seen['params']).toEqual({ requestId: asked['id'], reason: 'gave up' });
  });

  it('relays a client cancellation to the member the request went to, only', async () => {
    await using t = await aggregate({
      a: { tools: [tool('x')], hold: ['tools/call'] },
      b: { tools: [tool('x')], hold: ['tools/call'] },
    });
    await t.initialize();
    await t.client.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'b__x' } });
    await t.members.b.inbox.waitFor((m) => m['method'] === 'tools/call');
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5 } };
    await t.client.send(cancel);
    expect(await t.members.b.inbox.waitFor((m) => m['method'] === cancel.method)).toEqual(cancel);
    expect(t.members.a.inbox.methods(cancel.method)).toEqual([]);
  });

  it('relays progress on a call, but not progress or answers from another member', async () => {
    await using t = await aggregate({
      a: { tools: [tool('x')], hold: ['tools/call'] },
      b: { tools: [tool('x')] },
    });
    await t.initialize();
    const params = { name: 'a__x', _meta: { progressToken: 'tok' } };
    await t.client.send({ jsonrpc: '2.0', id: 9, method: 'tools/call', params });
    await t.members.a.inbox.waitFor((m) => m['method'] === 'tools/call');
    const progress = (n: number) => ({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'tok', progress: n },
    });
    await t.members.b.send(progress(1));
    await t.members.b.send({ jsonrpc: '2.0', id: 9, result: { content: [], forged: true } });
    await t.members.a.send(progress(2));
    const answer = { jsonrpc: '2.0', id: 9, result: { content: [] } };
    await t.members.a.send(answer);
    expect(await t.client.inbox.waitFor((m) => m['id'] === 9)).toBe(answer);
    expect(t.client.inbox.methods('notifications/progress')).toEqual([progress(2)]);
    expect(t.logs).toContain('b: dropped a response to no request relayed to it');
  });

  it('fails the calls of a member whose link closes and drops its tools', async () => {
    await using t = await aggregate({
      a: { tools: [tool('x')], hold: ['tools/call'] },
      b: { tools: [tool('y')] },
    });
    await t.initialize();
    const call = t.client.request('tools/call', { name: 'a__x' });
    await t.members.a.inbox.waitFor((m) => m['method'] === 'tools/call');
    await t.members.a.close();
    expect((await call)['error']).toMatchObject({
      code: -32002,
      data: { code: 'UPSTREAM_CLOSED' },
    });
    await t.client.inbox.waitFor((m) => m['method'] === 'notifications/tools/list_changed');
    expect(namesOf(await t.client.request('tools/list'))).toEqual(['b__y']);
  });

  it('answers ping itself, fans logging/setLevel out, and refuses other methods', async () => {
    await using t = await aggregate({ a: { tools: [] }, b: { tools: [] } });
    await t.initialize();
    expect(resultOf(await t.client.request('ping'))).toEqual({});
    expect(resultOf(await t.client.request('logging/setLevel', { level: 'debug' }))).toEqual({});
    expect(t.members.a.inbox.methods('logging/setLevel')).toHaveLength(1);
    expect(t.members.b.inbox.methods('logging/setLevel')).toHaveLength(1);
    const unknown = await t.client.request('tasks/list');
    expect(unknown['error']).toMatchObject({ code: -32601 });
    expect(t.members.a.inbox.methods('ping')).toEqual([]);
  });
});
