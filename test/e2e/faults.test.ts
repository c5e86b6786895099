/**
 * Faults and attacks against Holdfast itself (DESIGN §1 item 5, I2, I3), driven through the real
 * `holdfast run` process: calls outside the pinned surface never reach the server; malformed,
 * oversized or deeply nested messages, duplicate keys, cursor loops, crashing, hanging and
 * garbage-writing servers give the client a clear error and stderr an explanation, forward nothing
 * unchecked and do not crash the gateway; the server child is cleaned up on EOF and SIGTERM.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import type { Connected } from '../support/holdfast.js';
import { connectThroughHoldfast, createTempHome, firstText, runCli } from '../support/holdfast.js';
import {
  childPids,
  processState,
  type RawHoldfast,
  spawnHoldfast,
  tryParse,
} from '../support/raw-client.js';
import { callsReceived, recorded } from '../support/received.js';
import type { RugpullConfig } from '../support/rugpull-config.js';
import { rugpullCommand } from '../support/rugpull-config.js';

/** Bound on waiting for a process to disappear after its parent was told to stop. */
const GONE_WITHIN_MS = 10_000;

interface ToolResult {
  content?: unknown;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/** A `tools/call` without the SDK's output-schema check (denials carry no structuredContent). */
async function call(
  c: Connected,
  name: string,
  args: Record<string, unknown>,
  timeout = 15_000,
): Promise<ToolResult> {
  return (await c.client.request(
    { method: 'tools/call', params: { name, arguments: args } },
    { timeout },
  )) as ToolResult;
}

/** The `_meta['holdfast/deny'].code` of a result, if any. */
function denyCode(result: ToolResult): unknown {
  const deny = result._meta?.['holdfast/deny'];
  return typeof deny === 'object' && deny !== null ? (deny as { code?: unknown }).code : undefined;
}

function expectDenied(result: ToolResult, code?: string): void {
  expect(result.isError).toBe(true);
  expect(firstText(result)).toMatch(/^holdfast deny: /);
  if (code === undefined) expect(denyCode(result)).toEqual(expect.any(String));
  else expect(denyCode(result)).toBe(code);
}

/** The rejection of `promise` (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error & { code?: unknown };
}

/** The gateway still relays: a ping round-trips through it to the server. */
async function expectAlive(c: Connected): Promise<void> {
  await expect(c.client.ping({ timeout: 10_000 })).resolves.toEqual({});
  const pid = c.transport.pid;
  expect(pid).not.toBeNull();
  expect(processState(pid ?? -1)).toBe('running');
}

async function expectRawAlive(h: RawHoldfast): Promise<void> {
  const pong = await h.request('ping', {}, 10_000);
  expect(pong.error).toBeUndefined();
  expect(pong.result).toEqual({});
}

/**
 * Connects through holdfast to a server whose `tools/list` carries `fault`, and checks what every
 * refused listing must give: the list errors naming `code`, stderr says the surface is not
 * forwarded, a call is denied and never reaches the server, and the gateway keeps running.
 * `alsoCheck` adds the fault's own checks before the liveness check.
 */
async function expectListRefused(
  fault: 'duplicate-keys' | 'deep-nesting',
  code: string,
  alsoCheck: (c: Connected) => void,
): Promise<void> {
  using home = createTempHome();
  const recordFile = join(home.home, 'received.jsonl');
  await using c = await connectThroughHoldfast({ home: home.home, server: { fault, recordFile } });

  const error = await rejectionOf(c.client.listTools(undefined, { cacheMode: 'bypass' }));
  expect(error.message).toMatch(new RegExp(`^holdfast: .*${code}`));
  expectDenied(await call(c, 'search_notes', { query: 'x' }));
  expect(callsReceived(recordFile)).toEqual([]);

  expect(c.stderr()).toMatch(new RegExp(`will not forward.*SURFACE_${code}`));
  alsoCheck(c);
  await expectAlive(c);
}

/** `initialize`, then one `tools/list` so the gateway has pinned the surface. */
async function initializeAndList(h: RawHoldfast): Promise<void> {
  await h.initialize();
  await h.request('tools/list');
}

/** Sends a raw `tools/call` of `search_notes` with request `id`, without waiting for an answer. */
async function sendSearchCall(h: RawHoldfast, id: string): Promise<void> {
  await h.send({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'search_notes', arguments: { query: 'x' } },
  });
}

/** Waits (bounded) until `pid` is no longer a running process. */
async function expectGone(pid: number): Promise<void> {
  await vi.waitFor(
    () => {
      expect(processState(pid)).not.toBe('running');
    },
    { timeout: GONE_WITHIN_MS, interval: 50 },
  );
}

/** The one server child of a running gateway (after the client initialized, it exists). */
function onlyChild(h: RawHoldfast): number {
  const children = h.children();
  expect(children).toHaveLength(1);
  return children[0] ?? -1;
}

/**
 * Runs `holdfast run --config config` in front of a rug-pull server recording to `recordFile`, and
 * checks that it exits 2 with nothing on stdout and names `config` on stderr. Returns the stderr.
 */
function expectConfigRejected(home: string, recordFile: string, config: string): string {
  const server = rugpullCommand({ recordFile } satisfies RugpullConfig);
  const result = runCli(
    ['run', '--name', 'notes', '--config', config, '--', server.command, ...server.args],
    home,
  );
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(config);
  return result.stderr;
}

/**
 * A minimal stdio MCP server (no SDK) whose one tool, `echo`, declares `text` but does not forbid
 * other properties, so `allow_unknown_arguments` is the only thing that decides about extra ones.
 * It appends every message it receives to `$RECORD_FILE`.
 */
const OPEN_SCHEMA_SERVER = `
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const record = process.env.RECORD_FILE;
const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\\n');
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = JSON.parse(line);
  if (record) appendFileSync(record, JSON.stringify({ kind: 'id' in message ? 'request' : 'notification', method: message.method, params: message.params }) + '\\n');
  if (message.method === undefined || message.id === undefined) return;
  const { id } = message;
  switch (message.method) {
    case 'initialize':
      return send({ id, result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'open', version: '1.0.0' } } });
    case 'tools/list':
      return send({ id, result: { tools: [{ name: 'echo', description: 'Echoes its arguments.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }] } });
    case 'tools/call':
      return send({ id, result: { content: [{ type: 'text', text: JSON.stringify(message.params.arguments ?? {}) }] } });
    case 'ping':
      return send({ id, result: {} });
    default:
      return send({ id, error: { code: -32601, message: 'Method not found' } });
  }
});
lines.on('close', () => process.exit(0));
`;

function openSchemaServer(home: string): {
  command: string;
  args: string[];
  env: Record<string, string>;
  recordFile: string;
} {
  const script = join(home, 'open-schema-server.mjs');
  writeFileSync(script, OPEN_SCHEMA_SERVER);
  const recordFile = join(home, 'open-received.jsonl');
  return {
    command: process.execPath,
    args: [script],
    env: { RECORD_FILE: recordFile },
    recordFile,
  };
}

describe('holdfast run in front of a server, under faults and attacks', () => {
  describe('when a call falls outside the pinned surface or its schema', () => {
    it.each<[string, string, Record<string, unknown>]>([
      ['an unknown tool name', 'read_file', { path: '/etc/passwd' }],
      ['an undeclared argument', 'search_notes', { query: 'x', sidenote: 'secret' }],
      ['an argument of the wrong type', 'search_notes', { query: 'x', limit: 'ten' }],
      ['a missing required argument', 'search_notes', { limit: 2 }],
    ])('denies %s and the call never reaches the server', async (_what, name, args) => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      await using c = await connectThroughHoldfast({ home: home.home, server: { recordFile } });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });

      const result = await call(c, name, args);
      expectDenied(result, name === 'read_file' ? 'TOOL_NOT_APPROVED' : 'ARGUMENTS_INVALID');
      expect(callsReceived(recordFile)).toEqual([]);

      // Control: the recording works, and a valid call does reach the server.
      const allowed = await call(c, 'search_notes', { query: 'x' });
      expect(allowed.isError).not.toBe(true);
      expect(callsReceived(recordFile).map((entry) => entry.params?.arguments)).toEqual([
        { query: 'x' },
      ]);
    });

    it('denies an argument the pinned schema does not declare, by default', async () => {
      using home = createTempHome();
      const server = openSchemaServer(home.home);
      await using c = await connectThroughHoldfast({ home: home.home, server });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });

      expectDenied(await call(c, 'echo', { text: 'hi', sidenote: 'secret' }), 'ARGUMENTS_INVALID');
      expect(callsReceived(server.recordFile)).toEqual([]);
    });

    it('lets an undeclared argument through to the server with allow_unknown_arguments: true', async () => {
      using home = createTempHome();
      const server = openSchemaServer(home.home);
      const config = join(home.home, 'holdfast.yaml');
      writeFileSync(config, 'allow_unknown_arguments: true\n');
      await using c = await connectThroughHoldfast({
        home: home.home,
        server,
        runArgs: ['--config', config],
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });

      const result = await call(c, 'echo', { text: 'hi', sidenote: 'note' });
      expect(result.isError).not.toBe(true);
      expect(JSON.parse(firstText(result))).toEqual({ text: 'hi', sidenote: 'note' });
      expect(callsReceived(server.recordFile).map((entry) => entry.params?.arguments)).toEqual([
        { text: 'hi', sidenote: 'note' },
      ]);
      // Declared arguments are still type-checked.
      expectDenied(await call(c, 'echo', { text: 7 }), 'ARGUMENTS_INVALID');
      expect(callsReceived(server.recordFile)).toHaveLength(1);
    });

    it('still denies an undeclared argument the pinned schema itself forbids (additionalProperties: false)', async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      const config = join(home.home, 'holdfast.yaml');
      writeFileSync(config, 'allow_unknown_arguments: true\n');
      await using c = await connectThroughHoldfast({
        home: home.home,
        server: { recordFile },
        runArgs: ['--config', config],
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });

      expectDenied(
        await call(c, 'search_notes', { query: 'x', sidenote: 'secret' }),
        'ARGUMENTS_INVALID',
      );
      expect(callsReceived(recordFile)).toEqual([]);
    });
  });

  describe('when the server sends a tools/list with duplicate JSON keys', () => {
    it('never shows the poisoned description, errors the list, denies calls, and keeps running', async () => {
      await expectListRefused('duplicate-keys', 'DUPLICATE_KEY', (c) => {
        expect(c.received()).not.toContain('id_rsa');
        expect(c.stderr()).not.toContain('id_rsa');
      });
    });
  });

  describe('when the server sends a tools/list nested 10,000 levels deep', () => {
    it('errors the list, denies calls, forwards none of it, and keeps running', async () => {
      await expectListRefused('deep-nesting', 'TOO_DEEP', (c) => {
        expect(c.received()).not.toContain('"properties":{"a":');
      });
    });
  });

  describe('when the server paginates with a cursor that never changes', () => {
    it('errors tools/list naming the cursor loop instead of hanging, and keeps running', async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        server: { fault: 'cursor-loop' },
      });

      const error = await rejectionOf(
        c.client.listTools(undefined, { cacheMode: 'bypass', timeout: 15_000 }),
      );
      expect(error.message).toMatch(/^holdfast: .*(cursor|pagination)/i);
      await c.waitForStderr(/SURFACE_CURSOR_LOOP/);
      expectDenied(await call(c, 'search_notes', { query: 'x' }));
      await expectAlive(c);
    });
  });

  describe('when the server writes garbage to stdout', () => {
    it('drops the garbage, says so on stderr, and relays the valid messages', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({ home: home.home, server: { fault: 'garbage-stdout' } });
      const init = await h.initialize();
      expect(init.error).toBeUndefined();
      // Three non-empty garbage lines, each rejected on its own.
      await h.waitForStderr(/(will not forward[^\n]*SURFACE_NOT_JSON[\s\S]*){3}/);

      const list = await h.request('tools/list');
      expect((list.result?.['tools'] as { name: string }[]).map((t) => t.name).sort()).toEqual([
        'add_note',
        'search_notes',
        'send_email',
      ]);
      const result = await h.request('tools/call', {
        name: 'search_notes',
        arguments: { query: 'groceries' },
      });
      expect(result.result?.['isError']).not.toBe(true);
      await expectRawAlive(h);

      // Every line on holdfast's stdout is a JSON-RPC message; none of the garbage is there.
      const out = h.lines();
      for (const line of out) expect(tryParse(line)?.['jsonrpc']).toBe('2.0');
      const all = out.join('\n');
      expect(all).not.toContain('this is not JSON-RPC');
      expect(all).not.toContain('WARNING');
      expect(all).not.toContain('\u001b');
    });
  });

  describe('when a tools/call result is larger than max_message_bytes (20 MB > 16 MiB)', () => {
    it('answers that call with an error rather than leaving it unanswered, and keeps running', async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        server: { fault: 'huge-result' },
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });

      const error = await rejectionOf(call(c, 'search_notes', { query: 'x' }, 10_000));
      expect(c.stderr()).toMatch(/will not forward.*oversize/);
      // The error must come from holdfast, not from the client giving up (a hang).
      expect(error.message).toMatch(/^holdfast: /);
      expect(c.received()).not.toContain('x'.repeat(1024));
      await expectAlive(c);
    });
  });

  describe('when the server crashes during a call', () => {
    it('fails the in-flight call for the SDK client, closes the connection and leaves no child', async () => {
      using home = createTempHome();
      await using c = await connectThroughHoldfast({
        home: home.home,
        server: { fault: 'crash-after-calls', n: 1 },
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });
      const pid = c.transport.pid ?? -1;
      const [child] = childPids(pid);
      expect(child).toEqual(expect.any(Number));
      const closed = new Promise<void>((resolve) => {
        const previous = c.transport.onclose;
        c.transport.onclose = () => {
          previous?.();
          resolve();
        };
      });

      await rejectionOf(call(c, 'search_notes', { query: 'x' }));
      await closed;
      expect(c.stderr()).toMatch(/closing: the server closed the connection/);
      await expectGone(pid);
      await expectGone(child ?? -1);
    });

    it('answers the in-flight call with a JSON-RPC error before exiting', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({
        home: home.home,
        server: { fault: 'crash-after-calls', n: 1 },
      });
      await initializeAndList(h);
      const child = onlyChild(h);

      await sendSearchCall(h, 'in-flight');
      await h.waitForExit();
      await expectGone(child);
      expect(h.stderr()).toMatch(/the server exited \(code 1\)/);
      // The gateway's close() promises "pending requests get errors".
      const answer = await h.response('in-flight', 1_000);
      expect(answer.error?.message).toMatch(/^holdfast: /);
    });
  });

  describe('when the server never answers a call', () => {
    it("lets the client's own timeout fire and still answers ping", async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      await using c = await connectThroughHoldfast({
        home: home.home,
        server: { fault: 'hang-on-call', recordFile },
      });
      await c.client.listTools(undefined, { cacheMode: 'bypass' });

      const error = await rejectionOf(call(c, 'search_notes', { query: 'x' }, 1_000));
      expect(error.message).toMatch(/timed out/i);
      expect(callsReceived(recordFile)).toHaveLength(1);
      await expectAlive(c);
      // The client's cancellation reaches the server too.
      await vi.waitFor(
        () => {
          expect(recorded(recordFile).map((e) => e.method)).toContain('notifications/cancelled');
        },
        { timeout: 5_000, interval: 50 },
      );
    });
  });

  describe('when the server exits before reading anything', () => {
    it('exits with a message on stderr and leaves no child behind', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({ home: home.home, server: { fault: 'exit-immediately' } });
      const exit = await h.waitForExit();
      expect(exit).toEqual({ code: 1, signal: null });
      expect(h.stderr()).toMatch(/the server exited \(code 1\)/);
      expect(h.stderr()).toMatch(/server closed the connection/);
      expect(h.lines()).toEqual([]);
      expect(childPids(h.pid)).toEqual([]);
      expect(processState(h.pid)).toBe('gone');
    });
  });

  describe('when the client sends malformed messages', () => {
    it('skips a line that is not JSON and keeps answering', async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      await using h = spawnHoldfast({ home: home.home, server: { recordFile } });
      await initializeAndList(h);
      const before = recorded(recordFile).length;
      await h.writeLine('this is not json {');
      await h.writeLine('{"jsonrpc":"2.0","id":"half",');
      await expectRawAlive(h);
      // Nothing from the bad lines reached the server (only our ping, and holdfast's probes).
      const after = recorded(recordFile).slice(before);
      expect(
        after.map((e) => e.method).filter((m) => m !== 'ping' && !m.endsWith('/list')),
      ).toEqual([]);
    });

    it('answers a line that is not JSON with a parse error and says so on stderr', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({ home: home.home, server: {} });
      await initializeAndList(h);

      await h.writeLine('this is not json {');
      await expectRawAlive(h);
      // JSON-RPC 2.0 §5: an unparsable message gets a -32700 Parse error with id null.
      const parseErrors = h
        .lines()
        .map(tryParse)
        .filter(
          (m) =>
            m?.['id'] === null && (m['error'] as { code?: unknown } | undefined)?.code === -32700,
        );
      expect(parseErrors).toHaveLength(1);
      expect(h.stderr()).toMatch(/not (valid )?JSON|parse/i);
    });

    it('refuses a 20 MB line with an error for its id, without buffering it, and keeps running', async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      await using h = spawnHoldfast({ home: home.home, server: { recordFile } });
      await initializeAndList(h);
      const child = onlyChild(h);

      const huge = JSON.stringify({
        jsonrpc: '2.0',
        id: 'huge',
        method: 'ping',
        params: { pad: 'x'.repeat(20 * 1024 * 1024) },
      });
      await h.writeLine(huge);
      const refused = await h.response('huge');
      expect(refused.error?.code).toBe(-32600);
      expect(h.stderr()).toMatch(/refused a client message: invalid request \(oversize\)/);
      await expectRawAlive(h);
      expect(processState(child)).toBe('running');
      expect(h.lines().join('\n')).not.toContain('xxxxxxxx');
      expect(recorded(recordFile).filter((e) => JSON.stringify(e).includes('xxxxxxxx'))).toEqual(
        [],
      );
    });

    it('survives a 100,000-level nested request and forwards none of it', async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      await using h = spawnHoldfast({ home: home.home, server: { recordFile } });
      await initializeAndList(h);
      const depth = 100_000;
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;

      await h.writeLine(deep);
      await h.writeLine(`{"jsonrpc":"2.0","id":"deep","method":"ping","params":{"x":${deep}}}`);
      await h.writeLine(
        `{"jsonrpc":"2.0","id":"deep-call","method":"tools/call","params":{"name":"search_notes","arguments":{"query":${deep}}}}`,
      );
      // Refused by the strict reader before the gateway sees it: invalid request, not forwarded.
      const deepCall = await h.response('deep-call');
      expect(deepCall.error?.code).toBe(-32600);
      await expectRawAlive(h);
      expect(processState(h.pid)).toBe('running');

      // The deep ping is answered (with an error), and no deep message reached the server.
      const deepPing = await h.response('deep');
      expect(deepPing.error).toBeDefined();
      expect(callsReceived(recordFile)).toEqual([]);
      expect(recorded(recordFile).filter((e) => JSON.stringify(e).includes('[[[['))).toEqual([]);
    });

    it('does not forward a request nested deeper than max_depth to the server', async () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      await using h = spawnHoldfast({ home: home.home, server: { recordFile } });
      await initializeAndList(h);
      // 1,000 levels: far beyond the default max_depth (64), yet shallow enough to serialize.
      const deep = `${'['.repeat(1_000)}${']'.repeat(1_000)}`;

      const answer = await h.request('ping', { x: JSON.parse(deep) as unknown });
      const forwarded = recorded(recordFile).filter((e) => JSON.stringify(e).includes('[[[['));
      expect(forwarded.map((e) => `${e.kind} ${e.method}`)).toEqual([]);
      expect(answer.error?.message).toMatch(/^holdfast: /);
      await expectRawAlive(h);
    });
  });

  describe('when the client goes away', () => {
    it('exits on EOF and the server child is gone', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({ home: home.home, server: {} });
      await initializeAndList(h);
      const child = onlyChild(h);

      h.endStdin();
      const exit = await h.waitForExit();
      expect(exit).toEqual({ code: 0, signal: null });
      expect(h.stderr()).toMatch(/closing: the client closed the connection/);
      await expectGone(child);
    });

    it('kills the server child on SIGTERM', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({ home: home.home, server: {} });
      await initializeAndList(h);
      const child = onlyChild(h);

      h.process.kill('SIGTERM');
      const exit = await h.waitForExit();
      expect(exit.signal).toBeNull();
      expect(h.stderr()).toMatch(/closing: received SIGTERM/);
      await expectGone(child);
    });

    it('kills a hung server child on SIGTERM too', async () => {
      using home = createTempHome();
      await using h = spawnHoldfast({ home: home.home, server: { fault: 'hang-on-call' } });
      await initializeAndList(h);
      const child = onlyChild(h);
      await sendSearchCall(h, 'hung');

      h.process.kill('SIGTERM');
      await h.waitForExit();
      await expectGone(child);
    });
  });

  describe('when --config names an invalid file', () => {
    it('exits 2, lists every bad field with its path, and relays nothing', () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      const config = join(home.home, 'bad.yaml');
      writeFileSync(
        config,
        [
          'posture: lenient',
          'allow_unknown_arguments: "yes"',
          'request_timeout_ms: 5',
          'limits:',
          '  max_depth: 2',
          '  max_bytes: 10',
          'typo_key: true',
          '',
        ].join('\n'),
      );
      const stderr = expectConfigRejected(home.home, recordFile, config);
      for (const path of [
        'posture',
        'allow_unknown_arguments',
        'request_timeout_ms',
        'limits.max_depth',
        'limits:', // the unknown key inside limits
        '(root)', // the unknown top-level key
      ]) {
        expect(stderr).toContain(`  - ${path}`);
      }
      expect(stderr).toMatch(/max_bytes/);
      expect(stderr).toMatch(/typo_key/);
      expect(existsSync(recordFile)).toBe(false);
    });

    it('exits 2 on a file that is not YAML, and on a missing file', () => {
      using home = createTempHome();
      const recordFile = join(home.home, 'received.jsonl');
      const notYaml = join(home.home, 'broken.yaml');
      writeFileSync(notYaml, 'posture: [discovery\n');
      for (const config of [notYaml, join(home.home, 'missing.yaml')]) {
        expectConfigRejected(home.home, recordFile, config);
      }
      expect(existsSync(recordFile)).toBe(false);
    });
  });
});
