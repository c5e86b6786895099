import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { verifies } from '../../../test/requirements.js';
import { UpstreamError } from '../../shared/errors.js';
import { checkUpstreamText, recoverJsonRpcId } from '../wire-check.js';
import {
  type ChildUpstream,
  type ChildUpstreamOptions,
  createChildUpstream,
} from './child-upstream.js';

const ENV: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
const open: ChildUpstream[] = [];

/** A child running `script` with node; lines it writes are raw wire bytes. */
function node(script: string, options: Partial<ChildUpstreamOptions> = {}): ChildUpstream {
  const upstream = createChildUpstream({
    command: process.execPath,
    args: ['-e', script],
    env: ENV,
    killGraceMs: 50,
    ...options,
  });
  open.push(upstream);
  return upstream;
}

/** Collects messages and errors; `next*` resolve as they arrive (no sleeps). */
function record(upstream: ChildUpstream): {
  messages: JSONRPCMessage[];
  errors: Error[];
  nextMessage: () => Promise<JSONRPCMessage>;
  nextError: () => Promise<Error>;
  closed: Promise<void>;
} {
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  const waiters = {
    message: [] as ((m: JSONRPCMessage) => void)[],
    error: [] as ((e: Error) => void)[],
  };
  let seenMessages = 0;
  let seenErrors = 0;
  upstream.onmessage = (message) => {
    messages.push(message);
    waiters.message.shift()?.(message);
  };
  upstream.onerror = (error) => {
    errors.push(error);
    waiters.error.shift()?.(error);
  };
  const closed = new Promise<void>((resolve) => (upstream.onclose = resolve));
  return {
    messages,
    errors,
    closed,
    nextMessage: () => {
      const i = seenMessages++;
      const m = messages[i];
      return m ? Promise.resolve(m) : new Promise((r) => waiters.message.push(r));
    },
    nextError: () => {
      const i = seenErrors++;
      const e = errors[i];
      return e ? Promise.resolve(e) : new Promise((r) => waiters.error.push(r));
    },
  };
}

/** Echo server: answers each request line with a result carrying the request's id. */
const ECHO = `
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const m = JSON.parse(line);
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { echoed: m.method } }) + '\\n');
});`;

/** A server that writes `lines` (already-encoded wire text) then a good notification and waits. */
function writer(lines: string): string {
  return `process.stdout.write(${JSON.stringify(lines)});
process.stdout.write('{"jsonrpc":"2.0","method":"notifications/done"}\\n');
setInterval(() => {}, 1000);`;
}

function expectProtocolError(error: Error | undefined, reason: string, id?: number | string): void {
  expect(error).toBeInstanceOf(UpstreamError);
  const upstreamError = error as UpstreamError;
  expect(upstreamError.code).toBe('UPSTREAM_PROTOCOL');
  expect(upstreamError.details['reason']).toBe(reason);
  expect(upstreamError.details['id']).toBe(id);
}

function codeOf(error: Error): string {
  return error instanceof UpstreamError ? error.code : error.name;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

describe('createChildUpstream', () => {
  it('relays a request and its response', async () => {
    const upstream = node(ECHO);
    const wire = record(upstream);
    await upstream.start();
    expect(upstream.pid).toBeTypeOf('number');
    await upstream.send({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
    expect(await wire.nextMessage()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { echoed: 'tools/list' },
    });
    expect(wire.errors).toEqual([]);
  });

  it(
    verifies(
      'surface:duplicate-keys',
      'rejects a line with a duplicate key, reports its id and does not deliver it',
    ),
    async () => {
      const dup = '{"jsonrpc":"2.0","id":3,"result":{"tools":[{"name":"a","name":"b"}]}}\n';
      const upstream = node(writer(dup));
      const wire = record(upstream);
      await upstream.start();
      const error = await wire.nextError();
      expectProtocolError(error, 'SURFACE_DUPLICATE_KEY', 3);
      expect(error.message).not.toContain('tools');
      expect(await wire.nextMessage()).toMatchObject({ method: 'notifications/done' });
      expect(wire.messages).toHaveLength(1);
    },
  );

  it('reports garbage and non-JSON-RPC lines and keeps delivering later lines', async () => {
    const upstream = node(writer('not json at all\n\n{"hello":"world","id":"x"}\r\n'));
    const wire = record(upstream);
    await upstream.start();
    expectProtocolError(await wire.nextError(), 'SURFACE_NOT_JSON');
    expectProtocolError(await wire.nextError(), 'not-jsonrpc', 'x');
    expect(await wire.nextMessage()).toMatchObject({ method: 'notifications/done' });
    expect(wire.errors).toHaveLength(2);
  });

  it('skips an oversize line without delivering it and recovers its id', async () => {
    const script = `
const big = 'x'.repeat(1024 * 1024);
process.stdout.write('{"jsonrpc":"2.0","id":42,"result":{"text":"' + big + '"}}\\n');
${writer('')}`;
    const upstream = node(script, { maxMessageBytes: 1024 });
    const wire = record(upstream);
    await upstream.start();
    expectProtocolError(await wire.nextError(), 'oversize', 42);
    expect(await wire.nextMessage()).toMatchObject({ method: 'notifications/done' });
    expect(wire.errors).toHaveLength(1);
  });

  it('rejects nesting deeper than maxDepth', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"result":{"a":${'['.repeat(20)}${']'.repeat(20)}}}\n`;
    const upstream = node(writer(deep), { maxDepth: 10 });
    const wire = record(upstream);
    await upstream.start();
    expectProtocolError(await wire.nextError(), 'SURFACE_TOO_DEEP', 1);
    expect(await wire.nextMessage()).toMatchObject({ method: 'notifications/done' });
  });

  it('rejects invalid UTF-8 as not JSON', async () => {
    const script = `process.stdout.write(Buffer.from([0x7b, 0xff, 0x7d, 0x0a]));\n${writer('')}`;
    const upstream = node(script);
    const wire = record(upstream);
    await upstream.start();
    expectProtocolError(await wire.nextError(), 'SURFACE_NOT_JSON');
    expect(await wire.nextMessage()).toMatchObject({ method: 'notifications/done' });
  });

  it('fires onclose once and exposes the exit code when the child exits', async () => {
    const upstream = node('process.exit(3)');
    const wire = record(upstream);
    let closes = 0;
    const onclose = upstream.onclose;
    upstream.onclose = () => {
      closes++;
      onclose?.();
    };
    await upstream.start();
    await wire.closed;
    expect(await upstream.exited).toEqual({ code: 3, signal: null });
    expect(wire.errors.map(codeOf)).toEqual(['UPSTREAM_EXITED']);
    await upstream.close();
    expect(closes).toBe(1);
    await expect(upstream.send({ jsonrpc: '2.0', method: 'x' })).rejects.toMatchObject({
      code: 'UPSTREAM_CLOSED',
    });
  });

  it('kills a child that ignores SIGTERM', async () => {
    const upstream = node(
      'process.on(\'SIGTERM\', () => {}); process.stdin.resume(); process.stdout.write(\'{"jsonrpc":"2.0","method":"ready"}\\n\'); setInterval(() => {}, 1000);',
    );
    const wire = record(upstream);
    await upstream.start();
    await wire.nextMessage(); // the SIGTERM handler is installed
    await upstream.close();
    expect(await upstream.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await wire.closed;
    expect(wire.errors).toEqual([]);
  });

  it('lets a child that exits on end of stdin go without signals', async () => {
    const upstream = node(
      "process.stdin.resume(); process.stdin.on('end', () => process.exit(0));",
      {
        killGraceMs: 30_000, // no signal should be needed; close() returns as soon as the child exits
      },
    );
    await upstream.start();
    await upstream.close();
    expect(await upstream.exited).toEqual({ code: 0, signal: null });
  });

  it('reports UPSTREAM_SPAWN_FAILED when the command does not exist', async () => {
    const upstream = createChildUpstream({
      command: '/nonexistent/holdfast-x',
      args: [],
      env: ENV,
    });
    const wire = record(upstream);
    await expect(upstream.start()).rejects.toMatchObject({
      code: 'UPSTREAM_SPAWN_FAILED',
      details: { errno: 'ENOENT' },
    });
    await wire.closed;
    expect(wire.errors.map(codeOf)).toEqual(['UPSTREAM_SPAWN_FAILED']);
    expect(await upstream.exited).toEqual({ code: null, signal: null });
  });

  it('survives writing to a child that has already gone', async () => {
    const upstream = node('process.stdin.destroy(); setTimeout(() => process.exit(0), 20);');
    const wire = record(upstream);
    await upstream.start();
    const sends = Array.from({ length: 50 }, (_, i) =>
      upstream.send({ jsonrpc: '2.0', id: i, method: 'x'.repeat(10_000) }).catch((e: unknown) => e),
    );
    await Promise.all(sends);
    await wire.closed;
    await expect(upstream.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(
      UpstreamError,
    );
  });
});

describe('checkUpstreamText', () => {
  it('accepts requests, notifications, results and errors and keeps unknown members', () => {
    for (const text of [
      '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{"extra":true}}',
      '{"jsonrpc":"2.0","id":"a","result":{}}',
      '{"jsonrpc":"2.0","id":2,"error":{"code":-32600,"message":"bad"}}',
    ]) {
      const verdict = checkUpstreamText(text, { maxDepth: 64, maxBytes: 1024 });
      expect(verdict).toEqual({ ok: true, message: JSON.parse(text) as unknown });
    }
  });

  it('rejects JSON that is not JSON-RPC 2.0', () => {
    expect(checkUpstreamText('[1]', { maxDepth: 64, maxBytes: 1024 })).toEqual({
      ok: false,
      reason: 'not-jsonrpc',
    });
    expect(
      checkUpstreamText('{"jsonrpc":"1.0","id":5,"result":{}}', { maxDepth: 64, maxBytes: 1024 }),
    ).toEqual({ ok: false, reason: 'not-jsonrpc', id: 5 });
    // The SDK's schemas are strict: unknown top-level members are not JSON-RPC 2.0 here.
    expect(
      checkUpstreamText('{"jsonrpc":"2.0","id":6,"result":{},"x":1}', {
        maxDepth: 64,
        maxBytes: 99,
      }),
    ).toEqual({ ok: false, reason: 'not-jsonrpc', id: 6 });
  });

  it('reports SURFACE_TOO_LARGE past maxBytes', () => {
    expect(checkUpstreamText('{"id":1,"a":"xxxxxxxx"}', { maxDepth: 64, maxBytes: 8 })).toEqual({
      ok: false,
      reason: 'SURFACE_TOO_LARGE',
      id: 1,
    });
  });
});

describe('recoverJsonRpcId', () => {
  it.each([
    ['{"jsonrpc":"2.0","id":12,"result":{"a":1,"a":2}}', 12],
    ['{"result":{"id":99,"x":[{"}":"]"}]},"id":"abc"}', 'abc'],
    [' { "i\\u0064" : -4 , "x":1', -4],
    ['{"id":1,"id":2}', undefined],
    ['{"id":1.5}', undefined],
    ['{"id":null}', undefined],
    ['{"id":12', undefined],
    ['{"result":"unterminated', undefined],
    ['[{"id":1}]', undefined],
    ['', undefined],
  ])('finds the id in %s', (text, id) => {
    expect(recoverJsonRpcId(text)).toBe(id);
  });
});
