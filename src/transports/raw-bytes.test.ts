import { PassThrough, Writable } from 'node:stream';

import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { rawBytesOf, sendMessageLine, writeMessageLine } from './raw-bytes.js';
import { LineReader } from './stdio/line-reader.js';

function read(line: string): JSONRPCMessage {
  const messages: JSONRPCMessage[] = [];
  const reader = new LineReader({
    maxBytes: 1024,
    maxDepth: 16,
    onMessage: (m) => messages.push(m),
    onReject: (r) => {
      throw new Error(r.reason);
    },
  });
  reader.push(Buffer.from(`${line}\r\n`));
  const [message] = messages;
  if (message === undefined) throw new Error('no message');
  return message;
}

function written(message: object): string {
  const stream = new PassThrough();
  writeMessageLine(stream, message);
  return (stream.read() as Buffer).toString('utf8');
}

describe('relaying a checked message', () => {
  it('writes the exact bytes it arrived as, spacing, escapes and number spelling included', () => {
    const line = '{ "jsonrpc":"2.0", "id":7, "result":{"n":1.0e2, "s":"caf\\u00e9 \\/ ok"} }';
    const message = read(line);
    expect(written(message)).toBe(`${line}\n`);
  });

  it('serializes objects Holdfast built itself', () => {
    const message = { jsonrpc: '2.0', id: 1, result: { ok: true } };
    expect(rawBytesOf(message)).toBeUndefined();
    expect(written(message)).toBe('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}\n');
  });

  it('never attaches bytes to a copy of a relayed message', () => {
    const message = read('{"jsonrpc":"2.0","method":"ping","id":1}');
    expect(rawBytesOf({ ...message })).toBeUndefined();
  });
});

describe('sendMessageLine under backpressure', () => {
  function slowStream(): { stream: Writable; release: () => void } {
    const held: (() => void)[] = [];
    const stream = new Writable({
      highWaterMark: 1,
      write: (_chunk, _encoding, callback) => held.push(() => callback()),
    });
    return { stream, release: () => held.splice(0).forEach((done) => done()) };
  }

  it('waits for drain with one listener however many senders wait', async () => {
    const { stream, release } = slowStream();
    const sends = [1, 2, 3, 4, 5].map((id) =>
      sendMessageLine(stream, { jsonrpc: '2.0', id, result: {} }),
    );
    expect(stream.listenerCount('drain')).toBe(1);
    const timer = setInterval(release, 1);
    expect(await Promise.all(sends)).toEqual([true, true, true, true, true]);
    clearInterval(timer);
  });

  it('resolves false when the stream closes before draining', async () => {
    const { stream } = slowStream();
    const sent = sendMessageLine(stream, { jsonrpc: '2.0', id: 1, result: {} });
    stream.destroy();
    expect(await sent).toBe(false);
  });
});
