import { describe, expect, it } from 'vitest';

import { SseParser } from './sse-parser.js';

interface Parsed {
  messages: string[];
  oversize: string[];
  retries: number[];
  parser: SseParser;
}

/** Feeds `chunks` (strings as UTF-8, or raw bytes) through a parser and records what it reports. */
function parse(chunks: (string | Buffer)[], maxEventBytes = 1024): Parsed {
  const parsed: Omit<Parsed, 'parser'> = { messages: [], oversize: [], retries: [] };
  const parser = new SseParser(maxEventBytes, {
    onMessage: (data) => parsed.messages.push(data.toString('utf8')),
    onOversize: (prefix) => parsed.oversize.push(prefix.toString('utf8')),
    onRetry: (ms) => parsed.retries.push(ms),
  });
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return { ...parsed, parser };
}

/** Every way of cutting `text` into two chunks, plus one byte per chunk. */
function splits(text: string): string[][] {
  const bytes = Buffer.from(text);
  const out: string[][] = [[...bytes].map((b) => String.fromCharCode(b))];
  for (let i = 1; i < bytes.length; i++) {
    out.push([bytes.subarray(0, i).toString('latin1'), bytes.subarray(i).toString('latin1')]);
  }
  return out;
}

describe('SseParser', () => {
  it('dispatches message events on a blank line, with or without `event: message`', () => {
    const { messages } = parse(['data: one\n\nevent: message\ndata: two\n\n', 'data:three\n\n']);
    expect(messages).toEqual(['one', 'two', 'three']);
  });

  it('joins multi-line data with LF and accepts LF, CRLF and lone CR line ends', () => {
    const { messages } = parse(['data: a\r\ndata: b\rdata:  c\n\r\n', 'data\n\n']);
    expect(messages).toEqual(['a\nb\n c']);
  });

  it.each(splits('id: 7\r\ndata: {"x":\r\ndata: 1}\r\n\r\ndata: é\n\n'))(
    'gives the same events however the bytes are cut (%#)',
    (...chunks) => {
      const latin = chunks.map((c) => Buffer.from(c, 'latin1'));
      const { messages, parser } = parse(latin);
      expect(messages).toEqual(['{"x":\n1}', 'é']);
      expect(parser.lastEventId).toBe('7');
    },
  );

  it('skips comments, unknown fields and events of other types', () => {
    const { messages } = parse([
      ': keepalive\n\n',
      'event: endpoint\ndata: /messages\n\n',
      'unknownfield: x\nfoo\ndata: kept\n\n',
    ]);
    expect(messages).toEqual(['kept']);
  });

  it('dispatches nothing for empty data and keeps the id of a priming event', () => {
    const { messages, parser } = parse(['id: prime-1\ndata:\n\n']);
    expect(messages).toEqual([]);
    expect(parser.lastEventId).toBe('prime-1');
  });

  it('sets the last event id only when the event is dispatched, and lets `id:` clear it', () => {
    const { parser } = parse(['id: a\ndata: x\n\nid: b\n']);
    expect(parser.lastEventId).toBe('a');
    parser.push(Buffer.from('\n'));
    expect(parser.lastEventId).toBe('b');
    parser.push(Buffer.from('id\n\n'));
    expect(parser.lastEventId).toBeUndefined();
  });

  it('ignores ids that could not go back in a header', () => {
    const { parser } = parse(['id: ok\n\n', 'id: bad\u0001id\n\n', `id: ${'x'.repeat(2000)}\n\n`]);
    expect(parser.lastEventId).toBe('ok');
  });

  it('reports retry fields made of digits only', () => {
    const { retries } = parse(['retry: 2500\n\nretry: 1e3\nretry: -1\nretry:\n\n']);
    expect(retries).toEqual([2500]);
  });

  it('never dispatches an event the stream ends inside', () => {
    const { messages } = parse(['data: done\n\ndata: unfinished\n']);
    expect(messages).toEqual(['done']);
  });

  it('ignores one byte order mark at the start of the stream', () => {
    const { messages } = parse([Buffer.from([0xef, 0xbb, 0xbf]), 'data: x\n\n']);
    expect(messages).toEqual(['x']);
  });

  describe('when an event grows past the limit', () => {
    it('reports it once with its start, skips the rest, and goes on after it', () => {
      const big = `{"jsonrpc":"2.0","id":9,"result":{"x":"${'y'.repeat(100)}"}}`;
      const { messages, oversize } = parse(
        [`data: ${big.slice(0, 30)}`, `${big.slice(30)}\ndata: more\n`, '\ndata: after\n\n'],
        64,
      );
      expect(messages).toEqual(['after']);
      expect(oversize).toHaveLength(1);
      expect(oversize[0]).toBe(big.slice(0, 64));
    });

    it('counts all data lines of the event together', () => {
      const { messages, oversize } = parse(
        ['data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\ndata: ok\n\n'],
        25,
      );
      expect(messages).toEqual(['ok']);
      expect(oversize).toEqual(['0123456789\n0123456789\n012']);
    });

    it('keeps an event exactly at the limit, counting the newline between data lines', () => {
      const { messages, oversize } = parse(['data: 01234\ndata: 5678\n\n'], 10);
      expect(messages).toEqual(['01234\n5678']);
      expect(oversize).toEqual([]);
      expect(parse(['data: 01234\ndata: 56789\n\n'], 10).oversize).toEqual(['01234\n5678']);
    });

    it('does not hold a long comment line', () => {
      const { messages, oversize } = parse([': ', 'c'.repeat(5000), '\ndata: x\n\n'], 64);
      expect(messages).toEqual(['x']);
      expect(oversize).toEqual([]);
    });
  });
});
