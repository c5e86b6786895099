/**
 * Transparency (DESIGN §11): for real reference servers, a client through `holdfast run` sees what
 * a client connected directly sees — method by method — apart from the deliberate differences
 * (lists come back as one page). Server→client traffic (sampling, elicitation, roots, progress,
 * logging) and cancellation are relayed too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Client, ClientCapabilities } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import {
  byKey,
  collectProgress,
  createTempDir,
  everythingServer,
  filesystemServer,
  initializeView,
  listSurface,
  memoryServer,
  outcome,
  replaceText,
  seedFiles,
  type ServerCommand,
  toolNames,
} from '../support/compare.js';
import type { Connected } from '../support/holdfast.js';
import {
  connectDirect,
  connectThroughHoldfast,
  createTempHome,
  runCliJson,
} from '../support/holdfast.js';
import type { RugpullConfig } from '../support/rugpull-config.js';

type Cleanup = AsyncDisposable | Disposable;
type Side = 'direct' | 'through';

/** One client connected directly and one through a fresh holdfast home, same capabilities. */
interface Pair {
  direct: Client;
  through: Client;
  /** The holdfast side's process handle (its stderr helps when a comparison fails). */
  connected: Connected;
}

/**
 * Opens both sides and registers everything for disposal on `cleanup`. `prepare` runs on each
 * client as soon as it is connected (before any server→client request can be lost to a missing
 * handler: server-everything asks for roots 350 ms after initialization).
 */
async function openPair(
  cleanup: Cleanup[],
  direct: ServerCommand | RugpullConfig,
  through: ServerCommand | RugpullConfig,
  options: {
    capabilities?: ClientCapabilities;
    name?: string;
    prepare?: (client: Client, side: Side) => void;
  } = {},
): Promise<Pair> {
  const { capabilities = {}, name = 'upstream', prepare } = options;
  const home = createTempHome();
  cleanup.push(home);
  const [d, t] = await Promise.allSettled([
    connectDirect(direct, capabilities).then((client) => {
      prepare?.(client, 'direct');
      return client;
    }),
    connectThroughHoldfast({ home: home.home, name, server: through, capabilities }).then(
      (connected) => {
        prepare?.(connected.client, 'through');
        return connected;
      },
    ),
  ]);
  // Whichever side did connect is closed by the caller's cleanup, even if the other failed.
  if (d.status === 'fulfilled') cleanup.push(d.value);
  if (t.status === 'fulfilled') cleanup.push(t.value);
  if (d.status === 'rejected') throw d.reason;
  if (t.status === 'rejected') throw t.reason;
  return { direct: d.value, through: t.value.client, connected: t.value };
}

async function disposeAll(cleanup: Cleanup[]): Promise<void> {
  for (const item of cleanup.reverse()) {
    if (Symbol.asyncDispose in item) await item[Symbol.asyncDispose]();
    else item[Symbol.dispose]();
  }
}

function serverStatus(home: string, name: string): string | undefined {
  const { servers } = runCliJson<{ servers: { name: string; status: string }[] }>(
    ['servers'],
    home,
  );
  return servers.find((s) => s.name === name)?.status;
}

/** Runs `call` on both sides and expects the same outcome (result or error). */
async function expectSame(
  pair: Pair,
  call: (client: Client) => Promise<unknown>,
  normalize: (value: unknown, side: Side) => unknown = (v) => v,
): Promise<unknown> {
  const [direct, through] = await Promise.all([
    outcome(() => call(pair.direct)),
    outcome(() => call(pair.through)),
  ]);
  expect(normalize(through, 'through')).toEqual(normalize(direct, 'direct'));
  return direct;
}

/** Lists the surface each side of `pair` sees: `[direct, through]`. */
function listBoth(pair: Pair) {
  return Promise.all([listSurface(pair.direct), listSurface(pair.through)]);
}

// ---- server-everything ------------------------------------------------------------------------

describe('holdfast run in front of server-everything', () => {
  const cleanup: Cleanup[] = [];
  let pair: Pair;

  beforeAll(async () => {
    pair = await openPair(cleanup, everythingServer(), everythingServer());
  });
  afterAll(() => disposeAll(cleanup));

  it('relays the initialize result (serverInfo, capabilities, instructions)', () => {
    expect(initializeView(pair.through)).toEqual(initializeView(pair.direct));
    expect(pair.through.getInstructions()).toBeTruthy();
  });

  it('lists the same tools, prompts, resources and templates', async () => {
    const [direct, through] = await listBoth(pair);
    expect(Object.keys(direct).sort()).toEqual([
      'prompts',
      'resourceTemplates',
      'resources',
      'tools',
    ]);
    expect(through).toEqual(direct);
  });

  it('returns each list as one page without a cursor', async () => {
    const { tools, nextCursor } = await pair.through.listTools(undefined, {
      cacheMode: 'bypass',
    });
    expect(nextCursor).toBeUndefined();
    expect(tools.length).toBeGreaterThan(0);
  });

  it.each([
    ['echo', { message: 'hello through the gateway' }],
    ['get-sum', { a: 2, b: 40 }],
    ['get-structured-content', { location: 'Chicago' }],
    ['get-annotated-message', { messageType: 'error', includeImage: true }],
    ['get-tiny-image', {}],
    ['get-resource-reference', { resourceType: 'Text', resourceId: 2 }],
    ['get-resource-links', { count: 3 }],
  ])('relays tools/call %s unchanged', async (name, args) => {
    await expectSame(pair, (c) => c.callTool({ name, arguments: args }));
  });

  it('relays progress notifications of a long-running call', async () => {
    // onprogress only requests a token: see collectProgress for the SDK race it works around.
    const seen = { direct: collectProgress(pair.direct), through: collectProgress(pair.through) };
    const run = (c: Client) =>
      c.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } },
        { onprogress: () => undefined },
      );
    const [direct, through] = await Promise.all([run(pair.direct), run(pair.through)]);
    expect(through).toEqual(direct);
    expect(withoutToken(seen.direct)).toEqual([
      { progress: 1, total: 2 },
      { progress: 2, total: 2 },
    ]);
    expect(withoutToken(seen.through)).toEqual(withoutToken(seen.direct));
  });

  it.each([
    ['simple-prompt', {}],
    ['args-prompt', { city: 'Lisbon', state: 'Lisboa' }],
    ['completable-prompt', { department: 'Sales', name: 'Eve' }],
    ['resource-prompt', { resourceType: 'Text', resourceId: '1' }],
  ])('relays prompts/get %s unchanged', async (name, args) => {
    await expectSame(pair, (c) => c.getPrompt({ name, arguments: args }));
  });

  it('relays resources/read of static and templated resources unchanged', async () => {
    const { resources } = await pair.direct.listResources(undefined, { cacheMode: 'bypass' });
    const uris = [
      ...resources.slice(0, 2).map((r) => r.uri),
      'demo://resource/dynamic/text/1',
      'demo://resource/dynamic/blob/2',
    ];
    expect(uris.length).toBe(4);
    for (const uri of uris) {
      await expectSame(pair, (c) => c.readResource({ uri }, { cacheMode: 'bypass' }));
    }
  });

  it('relays completion/complete for prompt and template arguments', async () => {
    const requests = [
      {
        ref: { type: 'ref/prompt' as const, name: 'completable-prompt' },
        argument: { name: 'department', value: 'S' },
      },
      {
        ref: { type: 'ref/prompt' as const, name: 'completable-prompt' },
        argument: { name: 'name', value: '' },
        context: { arguments: { department: 'Engineering' } },
      },
      {
        ref: { type: 'ref/resource' as const, uri: 'demo://resource/dynamic/text/{resourceId}' },
        argument: { name: 'resourceId', value: '7' },
      },
    ];
    for (const params of requests) {
      const direct = await expectSame(pair, (c) => c.complete(params));
      expect(JSON.stringify(direct)).toContain('values');
    }
  });

  it('relays logging/setLevel, resources/subscribe and ping', async () => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- logging is part of the relayed surface
    await expectSame(pair, (c) => c.setLoggingLevel('debug'));
    await expectSame(pair, (c) => c.subscribeResource({ uri: 'demo://resource/dynamic/text/1' }));
    await expectSame(pair, (c) => c.unsubscribeResource({ uri: 'demo://resource/dynamic/text/1' }));
    await expectSame(pair, (c) => c.ping());
  });

  it('relays a method Holdfast does not inspect (tasks/list) as the server answered it', async () => {
    const TaskList = z.looseObject({ tasks: z.array(z.unknown()) });
    const direct = await expectSame(pair, (c) =>
      c.request({ method: 'tasks/list', params: {} }, TaskList),
    );
    expect(direct).toMatchObject({ result: { tasks: [] } });
  });

  it('relays errors for an unknown resource and completion ref as the server sent them', async () => {
    await expectSame(pair, (c) =>
      c.readResource({ uri: 'demo://resource/dynamic/text/not-a-number' }, { cacheMode: 'bypass' }),
    );
    await expectSame(pair, (c) =>
      c.complete({
        ref: { type: 'ref/prompt', name: 'no-such-prompt' },
        argument: { name: 'x', value: '' },
      }),
    );
  });

  it('refuses a prompt that is not in the approved set itself, without asking the server', async () => {
    // A deliberate difference, like tools/call of an unknown tool: the gate answers first.
    await expect(pair.direct.getPrompt({ name: 'no-such-prompt' })).rejects.toThrow();
    await expect(pair.through.getPrompt({ name: 'no-such-prompt' })).rejects.toThrow(
      /holdfast deny: this prompt is not in the approved set/,
    );
  });
});

// ---- capability-dependent tools --------------------------------------------------------------

/**
 * server-everything lists extra tools (get-roots-list, trigger-sampling-request, …) only to clients
 * that declare roots, sampling or elicitation. DESIGN §1 calls this a benign look-alike: it must not
 * be flagged as drift, and each client should see what it would see directly. The first variant
 * (no capabilities) is the first contact, so it is the baseline.
 */
describe('when clients with different capabilities use server-everything through one home', () => {
  const VARIANTS: [string, ClientCapabilities][] = [
    ['no capabilities', {}],
    ['sampling', { sampling: {} }],
    ['elicitation', { elicitation: { form: {} } }],
    ['roots', { roots: { listChanged: true } }],
    ['sampling, elicitation and roots', { sampling: {}, elicitation: {}, roots: {} }],
    ['no capabilities again', {}],
  ];
  const home = createTempHome();
  afterAll(() => {
    home[Symbol.dispose]();
  });

  it.each(VARIANTS)(
    'shows the tools a direct client with %s sees and keeps the server verified',
    async (_label, capabilities) => {
      const cleanup: Cleanup[] = [];
      try {
        const [direct, through] = await Promise.all([
          connectDirect(everythingServer(), capabilities),
          connectThroughHoldfast({
            home: home.home,
            name: 'everything',
            server: everythingServer(),
            capabilities,
          }),
        ]);
        cleanup.push(direct, through);
        const [directTools, throughTools] = await Promise.all([
          toolNames(direct),
          toolNames(through.client),
        ]);
        // Soft, so the status assertion below still runs and reports on its own.
        expect.soft(throughTools).toEqual(directTools);
        expect(serverStatus(home.home, 'everything')).toBe('verified');
        const echo = await through.client.callTool({ name: 'echo', arguments: { message: 'x' } });
        expect(echo.isError).not.toBe(true);
      } finally {
        await disposeAll(cleanup);
      }
    },
  );
});

describe('when server-everything asks a client with roots for its roots', () => {
  const cleanup: Cleanup[] = [];
  let pair: Pair;
  const asked = { direct: 0, through: 0 };

  beforeAll(async () => {
    pair = await openPair(cleanup, everythingServer(), everythingServer(), {
      capabilities: { roots: { listChanged: true } },
      prepare: (client, side) => {
        client.setRequestHandler('roots/list', () => {
          asked[side] += 1;
          return { roots: [{ uri: 'file:///projects/demo', name: 'demo' }] };
        });
      },
    });
  });
  afterAll(() => disposeAll(cleanup));

  /** Waits until the server has asked each client for its roots `times` times. */
  const expectAsked = (times: number) =>
    vi.waitFor(
      () => {
        expect(asked.direct).toBe(times);
        expect(asked.through).toBe(times);
      },
      { timeout: 10_000, interval: 50 },
    );

  it('relays the unsolicited roots/list request after initialization', async () => {
    await expectAsked(1);
  });

  it('relays notifications/roots/list_changed so the server asks again', async () => {
    await Promise.all(
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- roots are part of the relayed surface
      [pair.direct, pair.through].map((c) => c.sendRootsListChanged()),
    );
    await expectAsked(2);
  });

  it('lists get-roots-list on first contact and its result matches a direct client', async () => {
    expect(await toolNames(pair.through)).toEqual(await toolNames(pair.direct));
    await expectSame(pair, (c) => c.callTool({ name: 'get-roots-list', arguments: {} }));
  });
});

// ---- server-filesystem ------------------------------------------------------------------------

describe('holdfast run in front of server-filesystem', () => {
  const cleanup: Cleanup[] = [];
  let pair: Pair;
  let roots: { direct: string; through: string };

  /** Each side has its own identical directory; its path is replaced by `<root>` to compare. */
  const normalize = (value: unknown, side: Side): unknown =>
    replaceText(value, roots[side], '<root>');
  const at = (side: Side, ...parts: string[]) => join(roots[side], ...parts);
  const sideOf = (client: Client): Side => (client === pair.direct ? 'direct' : 'through');

  beforeAll(async () => {
    const directDir = createTempDir('holdfast-fs-direct-');
    const throughDir = createTempDir('holdfast-fs-through-');
    cleanup.push(directDir, throughDir);
    seedFiles(directDir.dir);
    seedFiles(throughDir.dir);
    roots = { direct: directDir.dir, through: throughDir.dir };
    pair = await openPair(
      cleanup,
      filesystemServer(directDir.dir),
      filesystemServer(throughDir.dir),
    );
  });
  afterAll(() => disposeAll(cleanup));

  it('relays the initialize result and the tool list', async () => {
    expect(initializeView(pair.through)).toEqual(initializeView(pair.direct));
    const [direct, through] = await listBoth(pair);
    expect(Object.keys(direct)).toContain('tools');
    expect(through).toEqual(direct);
  });

  it('relays reads, listings, searches, writes and errors unchanged', async () => {
    const calls: [string, (side: Side) => Record<string, unknown>][] = [
      ['list_allowed_directories', () => ({})],
      ['list_directory', (s) => ({ path: at(s) })],
      ['list_directory_with_sizes', (s) => ({ path: at(s), sortBy: 'name' })],
      ['directory_tree', (s) => ({ path: at(s) })],
      ['read_text_file', (s) => ({ path: at(s, 'alpha.txt') })],
      ['read_text_file', (s) => ({ path: at(s, 'alpha.txt'), head: 1 })],
      [
        'read_multiple_files',
        (s) => ({ paths: [at(s, 'beta.md'), at(s, 'nested', 'gamma.json')] }),
      ],
      ['search_files', (s) => ({ path: at(s), pattern: '**/*.json' })],
      ['write_file', (s) => ({ path: at(s, 'written.txt'), content: 'written through MCP\n' })],
      ['read_text_file', (s) => ({ path: at(s, 'written.txt') })],
      [
        'edit_file',
        (s) => ({
          path: at(s, 'written.txt'),
          edits: [{ oldText: 'written', newText: 'edited' }],
          dryRun: true,
        }),
      ],
      ['read_text_file', () => ({ path: '/etc/hostname' })],
      ['read_text_file', (s) => ({ path: at(s, 'missing.txt') })],
    ];
    for (const [name, args] of calls) {
      await expectSame(pair, (c) => c.callTool({ name, arguments: args(sideOf(c)) }), normalize);
    }
    expect(readFileSync(at('through', 'written.txt'), 'utf8')).toBe('written through MCP\n');
  });

  it('relays ping and answers optional methods as the server does', async () => {
    await expectSame(pair, (c) => c.ping());
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- logging is part of the relayed surface
    await expectSame(pair, (c) => c.setLoggingLevel('info'));
  });
});

// ---- server-memory ----------------------------------------------------------------------------

describe('holdfast run in front of server-memory', () => {
  const cleanup: Cleanup[] = [];
  let pair: Pair;

  beforeAll(async () => {
    const dir = createTempDir('holdfast-memory-');
    cleanup.push(dir);
    pair = await openPair(
      cleanup,
      memoryServer(join(dir.dir, 'direct.jsonl')),
      memoryServer(join(dir.dir, 'through.jsonl')),
    );
  });
  afterAll(() => disposeAll(cleanup));

  it('relays the initialize result and the tool list', async () => {
    expect(initializeView(pair.through)).toEqual(initializeView(pair.direct));
    const [direct, through] = await listBoth(pair);
    expect(Object.keys(byKey((await pair.direct.listTools()).tools, 'name'))).toContain(
      'read_graph',
    );
    expect(through).toEqual(direct);
  });

  it('relays a stateful sequence of graph edits and queries unchanged', async () => {
    const steps: [string, Record<string, unknown>][] = [
      ['read_graph', {}],
      [
        'create_entities',
        {
          entities: [
            { name: 'Ada', entityType: 'person', observations: ['writes programs'] },
            { name: 'Engine', entityType: 'machine', observations: ['analytical'] },
          ],
        },
      ],
      [
        'create_relations',
        { relations: [{ from: 'Ada', to: 'Engine', relationType: 'programs' }] },
      ],
      ['add_observations', { observations: [{ entityName: 'Ada', contents: ['likes poetry'] }] }],
      ['read_graph', {}],
      ['search_nodes', { query: 'poetry' }],
      ['open_nodes', { names: ['Engine'] }],
      [
        'delete_observations',
        { deletions: [{ entityName: 'Ada', observations: ['likes poetry'] }] },
      ],
      ['delete_entities', { entityNames: ['Engine'] }],
      ['read_graph', {}],
      ['add_observations', { observations: [{ entityName: 'Nobody', contents: ['x'] }] }],
    ];
    for (const [name, args] of steps) {
      await expectSame(pair, (c) => c.callTool({ name, arguments: args }));
    }
  });

  it('relays ping', async () => {
    await expectSame(pair, (c) => c.ping());
  });
});

// ---- server→client requests, progress, logging, cancellation (rug-pull test server) -----------

describe('holdfast run relaying server→client traffic of an interactive server', () => {
  const CAPABILITIES: ClientCapabilities = {
    sampling: {},
    elicitation: { form: {} },
    roots: { listChanged: true },
  };
  const cleanup: Cleanup[] = [];
  let pair: Pair;
  let recordFile: string;
  const logs: { direct: unknown[]; through: unknown[] } = { direct: [], through: [] };

  /** Each side's handlers answer with values naming the side, so a mix-up would show. */
  function registerHandlers(client: Client, side: Side): void {
    client.setRequestHandler('sampling/createMessage', (request) => {
      const first = request.params.messages[0]?.content;
      const question = first !== undefined && 'text' in first ? first.text : '';
      return {
        role: 'assistant',
        model: `model-${side}`,
        stopReason: 'endTurn',
        content: { type: 'text', text: `answer to: ${question}` },
      };
    });
    client.setRequestHandler('elicitation/create', () => ({
      action: 'accept',
      content: { notebook: `notebook-${side}` },
    }));
    client.setRequestHandler('roots/list', () => ({
      roots: [{ uri: `file:///tmp/${side}`, name: `root-${side}` }],
    }));
    client.setNotificationHandler('notifications/message', (notification) => {
      logs[side].push(notification.params);
    });
  }

  beforeAll(async () => {
    const dir = createTempDir('holdfast-interactive-');
    cleanup.push(dir);
    recordFile = join(dir.dir, 'received.jsonl');
    pair = await openPair(
      cleanup,
      { interactive: true },
      { interactive: true, recordFile },
      { capabilities: CAPABILITIES, name: 'notes', prepare: registerHandlers },
    );
  });
  afterAll(() => disposeAll(cleanup));

  it('relays sampling, elicitation and roots requests and the client answers', async () => {
    const result = await pair.through.callTool({
      name: 'ask_client',
      arguments: { question: 'What is due today?' },
    });
    expect(result.isError).not.toBe(true);
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(JSON.parse(text)).toEqual({
      sampling: {
        role: 'assistant',
        model: 'model-through',
        stopReason: 'endTurn',
        content: { type: 'text', text: 'answer to: What is due today?' },
      },
      elicitation: { action: 'accept', content: { notebook: 'notebook-through' } },
      roots: { roots: [{ uri: 'file:///tmp/through', name: 'root-through' }] },
    });
    const direct = await pair.direct.callTool({
      name: 'ask_client',
      arguments: { question: 'What is due today?' },
    });
    expect(replaceText(result, 'through', 'SIDE')).toEqual(replaceText(direct, 'direct', 'SIDE'));
  });

  it('relays progress notifications with the client’s progress token', async () => {
    const seen = { direct: collectProgress(pair.direct), through: collectProgress(pair.through) };
    const run = (c: Client) =>
      c.callTool(
        { name: 'report_progress', arguments: { steps: 3 } },
        { onprogress: () => undefined },
      );
    const [direct, through] = await Promise.all([run(pair.direct), run(pair.through)]);
    expect(through).toEqual(direct);
    expect(withoutToken(seen.through)).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    expect(withoutToken(seen.through)).toEqual(withoutToken(seen.direct));
    // The token is the one the client put in the request's _meta, relayed as is.
    const call = readRecords(recordFile).findLast(
      (r) =>
        r.method === 'tools/call' && (r.params as { name?: string }).name === 'report_progress',
    );
    const token = (call?.params as { _meta?: { progressToken?: unknown } })._meta?.progressToken;
    expect(token).toBeDefined();
    expect(
      new Set(seen.through.map((p) => (p as { progressToken: unknown }).progressToken)),
    ).toEqual(new Set([token]));
  });

  it('relays logging/setLevel and the log notifications that follow', async () => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- logging is part of the relayed surface
    await expectSame(pair, (c) => c.setLoggingLevel('warning'));
    logs.direct.length = 0;
    logs.through.length = 0;
    for (const [level, message] of [
      ['info', 'filtered out below warning'],
      ['error', 'disk almost full'],
    ]) {
      await expectSame(pair, (c) =>
        c.callTool({ name: 'log_message', arguments: { level, message } }),
      );
    }
    await vi.waitFor(() => {
      expect(logs.direct.length).toBeGreaterThan(0);
      expect(logs.through).toEqual(logs.direct);
    });
    expect(logs.through).toContainEqual({
      level: 'error',
      logger: 'notes',
      data: 'disk almost full',
    });
  });

  it('relays cancellation: an aborted call sends notifications/cancelled to the server', async () => {
    const controller = new AbortController();
    const call = pair.through.callTool(
      { name: 'slow', arguments: {} },
      { signal: controller.signal },
    );
    const settled = call.then(
      () => 'resolved',
      (error: unknown) => (error instanceof Error ? error.name : 'rejected'),
    );
    const request = await vi.waitFor(() =>
      findRecord(
        recordFile,
        (r) => r.method === 'tools/call' && (r.params as { name?: string }).name === 'slow',
      ),
    );
    controller.abort('the user gave up');
    expect(await settled).not.toBe('resolved');
    const cancelled = await vi.waitFor(() =>
      findRecord(recordFile, (r) => r.method === 'notifications/cancelled'),
    );
    expect(cancelled.kind).toBe('notification');
    expect((cancelled.params as { requestId?: unknown }).requestId).toBe(request.id);
    // The session is still usable afterwards.
    await expectSame(pair, (c) => c.ping());
  });
});

/** Progress params without the token (each client numbers its own requests). */
function withoutToken(params: unknown[]): unknown[] {
  return params.map((p) => {
    const { progressToken: _token, ...rest } = p as Record<string, unknown>;
    return rest;
  });
}

interface Recorded {
  kind: 'request' | 'notification';
  method: string;
  id?: string | number;
  params?: unknown;
}

/** What the rug-pull server recorded receiving (`recordFile`), oldest first. */
function readRecords(file: string): Recorded[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Recorded);
}

/** The first recorded message matching `predicate`; throws (so `vi.waitFor` retries) if none yet. */
function findRecord(file: string, predicate: (r: Recorded) => boolean): Recorded {
  const entry = readRecords(file).find(predicate);
  if (entry === undefined) throw new Error(`nothing matching recorded in ${file} yet`);
  return entry;
}
