import { PassThrough } from 'node:stream';

import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { rawBytesOf, writeMessageLine } from './raw-bytes.js';
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
