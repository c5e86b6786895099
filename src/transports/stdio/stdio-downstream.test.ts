import { PassThrough } from 'node:stream';

import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { GatewayError } from '../../shared/errors.js';
import { createStdioDownstream, DownstreamError } from './stdio-downstream.js';

interface Harness {
  transport: Transport;
  stdin: PassThrough;
  stdout: PassThrough;
  messages: JSONRPCMessage[];
  errors: Error[];
  /** Resolves with the next line the transport writes to stdout, parsed. */
  nextReply: () => Promise<unknown>;
  /** Resolves with the next message that reaches onmessage. */
  nextMessage: () => Promise<JSONRPCMessage>;
  /** How many bytes the transport has written to stdout so far. */
  bytesWritten: () => number;
}

async function startHarness(
  options: { maxMessageBytes?: number; maxDepth?: number; stdout?: PassThrough } = {},
): Promise<Harness> {
  const stdin = new PassThrough();
  const stdout = options.stdout ?? new PassThrough();
  const transport = createStdioDownstream({ stdin, stdout, ...withoutStdout(options) });
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  const messageWaiters: ((message: JSONRPCMessage) => void)[] = [];
  transport.onmessage = (message) => {
    messages.push(message);
    messageWaiters.shift()?.(message);
  };
  transport.onerror = (error) => errors.push(error);

  let pending = '';
  let written = 0;
  const lines: string[] = [];
  const lineWaiters: ((line: string) => void)[] = [];
  stdout.on('data', (chunk: Buffer) => {
    written += chunk.length;
    pending += chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const waiter = lineWaiters.shift();
      if (waiter === undefined) lines.push(line);
      else waiter(line);
      newline = pending.indexOf('\n');
    }
  });
  const nextLine = (): Promise<string> => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => lineWaiters.push(resolve));
  };

  await transport.start();
  return {
    transport,
    stdin,
    stdout,
    messages,
    errors,
    nextReply: async () => JSON.parse(await nextLine()) as unknown,
    nextMessage: () => new Promise((resolve) => messageWaiters.push(resolve)),
    bytesWritten: () => written,
  };
}

function withoutStdout(options: { maxMessageBytes?: number; maxDepth?: number }): {
  maxMessageBytes?: number;
  maxDepth?: number;
} {
  const out: { maxMessageBytes?: number; maxDepth?: number } = {};
  if (options.maxMessageBytes !== undefined) out.maxMessageBytes = options.maxMessageBytes;
  if (options.maxDepth !== undefined) out.maxDepth = options.maxDepth;
  return out;
}

const PING = { jsonrpc: '2.0', id: 1, method: 'ping' } as const;

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

describe('when the client sends a valid message', () => {
  it('delivers it to onmessage', async () => {
    const h = await startHarness();
    const delivered = h.nextMessage();
    h.stdin.write(line(PING));
    await expect(delivered).resolves.toEqual(PING);
    expect(h.errors).toEqual([]);
  });

  it('reads string chunks as well as buffers', async () => {
    const h = await startHarness();
    h.stdin.setEncoding('utf8');
    const delivered = h.nextMessage();
    h.stdin.write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    await expect(delivered).resolves.toEqual({
      jsonrpc: '2.0',
      method: 'notifications/initialized',
    });
  });

  it('drops a message quietly when nobody listens', async () => {
    const h = await startHarness();
    h.transport.onmessage = undefined;
    const reply = h.nextReply();
    h.stdin.write(line(PING));
    h.stdin.write('not json\n');
    await expect(reply).resolves.toMatchObject({ id: null });
    expect(h.messages).toEqual([]);
    expect(h.errors).toHaveLength(1);
  });
});

describe('when the client sends a line that is not JSON', () => {
  it('replies with a -32700 parse error for id null and reports it through onerror', async () => {
    const h = await startHarness();
    const reply = h.nextReply();
    h.stdin.write('this is not json\n');
    await expect(reply).resolves.toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32700,
        message: 'holdfast: parse error: the line is not JSON',
        data: { code: 'SURFACE_NOT_JSON' },
      },
    });
    expect(h.messages).toEqual([]);
    expect(h.errors).toHaveLength(1);
    const [error] = h.errors;
    expect(error).toBeInstanceOf(DownstreamError);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as DownstreamError).code).toBe('DOWNSTREAM_PROTOCOL');
    expect((error as DownstreamError).details).toEqual({ reason: 'SURFACE_NOT_JSON' });
  });

  it('never quotes the refused line in the error', async () => {
    const h = await startHarness();
    const reply = h.nextReply();
    h.stdin.write('secret-token-123\n');
    expect(JSON.stringify(await reply)).not.toContain('secret-token-123');
    expect(h.errors[0]?.message).not.toContain('secret-token-123');
  });

  it('still replies when nobody listens for errors', async () => {
    const h = await startHarness();
    h.transport.onerror = undefined;
    const reply = h.nextReply();
    h.stdin.write('{\n');
    await expect(reply).resolves.toMatchObject({ id: null, error: { code: -32700 } });
  });
});

describe('when the client sends a line nested deeper than maxDepth', () => {
  it('replies -32600 with the recovered id', async () => {
    const h = await startHarness({ maxDepth: 3 });
    const reply = h.nextReply();
    h.stdin.write('{"jsonrpc":"2.0","id":"req-9","method":"x","params":{"a":{"b":{"c":1}}}}\n');
    await expect(reply).resolves.toEqual({
      jsonrpc: '2.0',
      id: 'req-9',
      error: {
        code: -32600,
        message: 'holdfast: invalid request (SURFACE_TOO_DEEP)',
        data: { code: 'SURFACE_TOO_DEEP' },
      },
    });
    expect(h.messages).toEqual([]);
    expect((h.errors[0] as DownstreamError).details).toEqual({ reason: 'SURFACE_TOO_DEEP' });
  });
});

describe('when the client sends a line longer than maxMessageBytes', () => {
  it('replies -32600 with the id and keeps handling later lines', async () => {
    const h = await startHarness({ maxMessageBytes: 100 });
    const reply = h.nextReply();
    const big = line({ jsonrpc: '2.0', id: 3, method: 'x', params: { data: 'a'.repeat(500) } });
    h.stdin.write(big.slice(0, 150));
    h.stdin.write(big.slice(150));
    await expect(reply).resolves.toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: {
        code: -32600,
        message: 'holdfast: invalid request (oversize)',
        data: { code: 'oversize' },
      },
    });
    const delivered = h.nextMessage();
    h.stdin.write(line({ ...PING, id: 4 }));
    await expect(delivered).resolves.toEqual({ ...PING, id: 4 });
    expect(h.errors).toHaveLength(1);
  });
});

describe('send', () => {
  it('writes one JSON line per message', async () => {
    const h = await startHarness();
    const reply = h.nextReply();
    await h.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    await expect(reply).resolves.toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });

  it('writes nothing after close', async () => {
    const h = await startHarness();
    await h.transport.close();
    await h.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    expect(h.bytesWritten()).toBe(0);
  });

  it('waits for drain when stdout is full', async () => {
    const stdout = new PassThrough({ highWaterMark: 1 });
    stdout.pause();
    const h = await startHarness({ stdout });
    let isSent = false;
    const sent = h.transport.send(PING).then(() => {
      isSent = true;
    });
    await Promise.resolve();
    expect(isSent).toBe(false);
    const reply = h.nextReply();
    stdout.resume();
    await sent;
    await expect(reply).resolves.toEqual(PING);
    expect(stdout.listenerCount('drain')).toBe(0);
    expect(stdout.listenerCount('close')).toBe(0);
  });

  it('stops waiting when stdout closes while full', async () => {
    const stdout = new PassThrough({ highWaterMark: 1 });
    stdout.pause();
    const h = await startHarness({ stdout });
    const sent = h.transport.send(PING);
    stdout.destroy();
    await expect(sent).resolves.toBeUndefined();
    expect(stdout.listenerCount('drain')).toBe(0);
  });
});

describe('closing', () => {
  it('calls onclose once when stdin ends (end and close both fire)', async () => {
    const h = await startHarness();
    let closes = 0;
    const closed = new Promise<void>((resolve) => {
      h.transport.onclose = () => {
        closes += 1;
        resolve();
      };
    });
    const stdinClosed = new Promise((resolve) => h.stdin.once('close', resolve));
    h.stdin.end();
    await closed;
    await stdinClosed;
    expect(closes).toBe(1);
  });

  it('closes when stdout errors', async () => {
    const h = await startHarness();
    const closed = new Promise<void>((resolve) => {
      h.transport.onclose = resolve;
    });
    h.stdout.emit('error', new Error('EPIPE'));
    await expect(closed).resolves.toBeUndefined();
  });

  it('is idempotent and stops reading stdin', async () => {
    const h = await startHarness();
    let closes = 0;
    h.transport.onclose = () => {
      closes += 1;
    };
    await h.transport.close();
    await h.transport.close();
    expect(closes).toBe(1);
    expect(h.stdin.listenerCount('data')).toBe(0);
    expect(h.stdin.listenerCount('end')).toBe(0);
    expect(h.stdout.listenerCount('error')).toBe(0);
  });

  it('closes without an onclose handler', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const transport = createStdioDownstream({ stdin, stdout });
    await transport.start();
    await expect(transport.close()).resolves.toBeUndefined();
  });
});
