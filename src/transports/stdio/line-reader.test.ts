import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { LineReader, recoverTrailingId, type RejectedLine } from './line-reader.js';

type Event = { message: JSONRPCMessage } | { rejected: RejectedLine };

function makeReader(limits: { maxBytes?: number; maxDepth?: number } = {}): {
  reader: LineReader;
  events: Event[];
  push: (...chunks: (string | Buffer)[]) => void;
} {
  const events: Event[] = [];
  const reader = new LineReader({
    maxBytes: limits.maxBytes ?? 1024,
    maxDepth: limits.maxDepth ?? 16,
    onMessage: (message) => events.push({ message }),
    onReject: (rejected) => events.push({ rejected }),
  });
  const push = (...chunks: (string | Buffer)[]): void => {
    for (const chunk of chunks) reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };
  return { reader, events, push };
}

const PING = { jsonrpc: '2.0', id: 1, method: 'ping' } as const;
const PING_LINE = JSON.stringify(PING);

function ping(id: number): string {
  return JSON.stringify({ ...PING, id });
}

/** A request whose params carry `size` filler bytes, id first. */
function bigRequest(id: number, size: number): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'x', params: { data: 'a'.repeat(size) } });
}

/** A response that serializers write with `id` last, after a large result. */
function bigResponseIdLast(id: number | string, size: number): string {
  return `{"jsonrpc":"2.0","result":{"data":"${'a'.repeat(size)}"},"id":${JSON.stringify(id)}}`;
}

describe('LineReader framing', () => {
  it('delivers one message per newline-terminated line', () => {
    const { events, push } = makeReader();
    push(`${PING_LINE}\n`);
    expect(events).toEqual([{ message: PING }]);
  });

  it('waits for the newline before delivering', () => {
    const { events, push } = makeReader();
    push(PING_LINE);
    expect(events).toEqual([]);
    push('\n');
    expect(events).toEqual([{ message: PING }]);
  });

  it('joins a message split over several chunks', () => {
    const { events, push } = makeReader();
    push(PING_LINE.slice(0, 5), PING_LINE.slice(5, 20), PING_LINE.slice(20), '\n');
    expect(events).toEqual([{ message: PING }]);
  });

  it('joins a multi-byte UTF-8 character split between chunks', () => {
    const { events, push } = makeReader();
    const bytes = Buffer.from(`{"jsonrpc":"2.0","method":"é"}\n`);
    const cut = bytes.indexOf(0xc3) + 1;
    push(bytes.subarray(0, cut), bytes.subarray(cut));
    expect(events).toEqual([{ message: { jsonrpc: '2.0', method: 'é' } }]);
  });

  it('delivers several messages from one chunk in order', () => {
    const { events, push } = makeReader();
    push(`${ping(1)}\n${ping(2)}\n${ping(3)}`);
    expect(events).toEqual([{ message: { ...PING, id: 1 } }, { message: { ...PING, id: 2 } }]);
    push('\n');
    expect(events).toHaveLength(3);
  });

  it('accepts CRLF line endings', () => {
    const { events, push } = makeReader();
    push(`${ping(1)}\r\n${ping(2)}\r`, '\n');
    expect(events).toEqual([{ message: { ...PING, id: 1 } }, { message: { ...PING, id: 2 } }]);
  });

  it('ignores empty lines and bare carriage returns', () => {
    const { events, push } = makeReader();
    push('\n\n\r\n', `${PING_LINE}\n`, '\n');
    expect(events).toEqual([{ message: PING }]);
  });

  it('ignores an empty chunk', () => {
    const { events, push } = makeReader();
    push(Buffer.alloc(0));
    expect(events).toEqual([]);
  });

  it('accepts a line of exactly maxBytes', () => {
    const { events, push } = makeReader({ maxBytes: PING_LINE.length });
    push(PING_LINE.slice(0, 10), PING_LINE.slice(10), '\n');
    expect(events).toEqual([{ message: PING }]);
  });
});

describe('LineReader refusals', () => {
  it('rejects invalid UTF-8 as SURFACE_NOT_JSON and keeps reading', () => {
    const { events, push } = makeReader();
    push(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), `${PING_LINE}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'SURFACE_NOT_JSON' } },
      { message: PING },
    ]);
  });

  it('rejects a line that is not JSON', () => {
    const { events, push } = makeReader();
    push('hello\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'SURFACE_NOT_JSON' } }]);
  });

  it('rejects a line nested deeper than maxDepth with its id', () => {
    const { events, push } = makeReader({ maxDepth: 3 });
    push('{"jsonrpc":"2.0","id":9,"method":"x","params":{"a":{"b":{"c":{}}}}}\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'SURFACE_TOO_DEEP', id: 9 } }]);
  });

  it('rejects duplicate keys instead of keeping the last', () => {
    const { events, push } = makeReader();
    push('{"jsonrpc":"2.0","id":4,"method":"a","method":"b"}\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'SURFACE_DUPLICATE_KEY', id: 4 } }]);
  });

  it('rejects JSON that is not a JSON-RPC message', () => {
    const { events, push } = makeReader();
    push('{"id":3,"hello":true}\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'not-jsonrpc', id: 3 } }]);
  });
});

describe('LineReader oversize lines', () => {
  it('rejects an oversize line once, with the id from its prefix, when it arrives in one chunk', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    push(`${bigRequest(5, 200)}\n`);
    expect(events).toEqual([{ rejected: { ok: false, reason: 'oversize', id: 5 } }]);
  });

  it('rejects an oversize line as soon as the limit is passed and once only', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = bigRequest(5, 1000);
    push(line.slice(0, 40), line.slice(40, 80));
    expect(events).toEqual([{ rejected: { ok: false, reason: 'oversize', id: 5 } }]);
    push(line.slice(80, 500), line.slice(500), '\n');
    expect(events).toHaveLength(1);
  });

  it('does not let an oversize line affect the lines after it', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = bigRequest(5, 1000);
    push(line.slice(0, 100), line.slice(100), `\n${ping(6)}\n`, `${ping(7)}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'oversize', id: 5 } },
      { message: { ...PING, id: 6 } },
      { message: { ...PING, id: 7 } },
    ]);
  });

  it('handles a newline that arrives alone after an oversize line', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    push(bigRequest(5, 100), '\n', `${ping(6)}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'oversize', id: 5 } },
      { message: { ...PING, id: 6 } },
    ]);
  });

  it('counts bytes held from earlier chunks towards the limit', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = bigRequest(8, 60);
    push(line.slice(0, 40), line.slice(40, 70));
    expect(events).toEqual([{ rejected: { ok: false, reason: 'oversize', id: 8 } }]);
  });

  it('recovers an id written last from the end of the line (long final piece)', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = bigResponseIdLast(7, 2000);
    push(line.slice(0, 100), line.slice(100, 1000), line.slice(1000), '\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'oversize', id: 7 } }]);
  });

  it('recovers an id written last when the end arrives in small pieces', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = bigResponseIdLast('abc', 300);
    const tailStart = line.length - 12;
    push(line.slice(0, 100), line.slice(100, tailStart));
    expect(events).toEqual([]);
    for (const char of line.slice(tailStart)) push(char);
    push('\r\n', `${ping(1)}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'oversize', id: 'abc' } },
      { message: { ...PING, id: 1 } },
    ]);
  });

  it('recovers an id followed by "jsonrpc" from the end of the line', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = `{"result":{"data":"${'a'.repeat(400)}"},"id":12,"jsonrpc":"2.0"}`;
    push(line.slice(0, 80), line.slice(80), '\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'oversize', id: 12 } }]);
  });

  it('rejects an oversize line without any id once, with no id', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = `{"jsonrpc":"2.0","method":"n","params":{"data":"${'a'.repeat(400)}"}}`;
    push(line.slice(0, 80), line.slice(80), `\n${ping(2)}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'oversize' } },
      { message: { ...PING, id: 2 } },
    ]);
  });

  it('does not take a nested id from the end of an oversize line', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = `{"jsonrpc":"2.0","result":{"data":"${'a'.repeat(400)}","id":5}}`;
    push(line.slice(0, 80), line.slice(80), '\n');
    expect(events).toEqual([{ rejected: { ok: false, reason: 'oversize' } }]);
  });

  // BUG: when the whole oversize line (newline included) arrives in one chunk and no id can be
  // found in it, `#rejectOversize` sets `#tail` but the skipping branch that reports it never runs
  // for that chunk, so the line is dropped without any onReject.
  it('reports an oversize line without an id that arrives whole in one chunk', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const line = `{"jsonrpc":"2.0","method":"n","params":{"data":"${'a'.repeat(200)}"}}`;
    push(`${line}\n${ping(2)}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'oversize' } },
      { message: { ...PING, id: 2 } },
    ]);
  });

  // BUG (same cause): the stale `#tail` left behind above makes the next oversize line that spans
  // chunks get reported twice (once with its prefix id, then again at its newline).
  it('reports each oversize line exactly once', () => {
    const { events, push } = makeReader({ maxBytes: 64 });
    const noId = `{"jsonrpc":"2.0","method":"n","params":{"data":"${'a'.repeat(200)}"}}`;
    const withId = bigRequest(2, 200);
    push(`${noId}\n`, withId.slice(0, 100), `${withId.slice(100)}\n`);
    expect(events).toEqual([
      { rejected: { ok: false, reason: 'oversize' } },
      { rejected: { ok: false, reason: 'oversize', id: 2 } },
    ]);
  });
});

describe('recoverTrailingId', () => {
  const tail = (text: string): string | number | undefined => recoverTrailingId(Buffer.from(text));

  it.each<[string, string, string | number]>([
    ['an integer id after the result', '{"result":{"a":1},"jsonrpc":"2.0","id":7}', 7],
    ['a string id', '...aaa"},"id":"abc"}', 'abc'],
    ['an id followed by jsonrpc', '...aaa"},"id":7,"jsonrpc":"2.0"}', 7],
    ['a negative id', '..."id":-3}', -3],
    ['zero', '..."id":0}', 0],
    ['a 15-digit id', '..."id":123456789012345}', 123456789012345],
    ['an empty string id', '..."id":""}', ''],
    ['an id with spaces and a trailing newline', '... , "id" : 42 , "jsonrpc" : "2.0" }\r\n', 42],
  ])('recovers %s', (_label, text, expected) => {
    expect(tail(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ['a nested id', '{"result":{"id":5}}'],
    ['a nested id followed by jsonrpc', '{"result":{"id":5},"jsonrpc":"2.0"}'],
    ['a fractional id', '..."id":1.5}'],
    ['an exponent id', '..."id":1e3}'],
    ['an id of 16 digits', '..."id":1234567890123456}'],
    ['a null id', '..."id":null}'],
    ['a boolean id', '..."id":true}'],
    ['a string id with an escape', '..."id":"a\\"b"}'],
    ['a string id longer than 200 characters', `..."id":"${'x'.repeat(201)}"}`],
    ['text that does not end with a brace', '..."id":7'],
    ['an object without an id', '{"jsonrpc":"2.0","result":{}}'],
    ['an "id" that is not followed by a colon', '..."id",7}'],
    ['an id that is not the last member', '..."id":7,"result":{}}'],
    ['an empty tail', ''],
  ])('rejects %s', (_label, text) => {
    expect(tail(text)).toBeUndefined();
  });
});
