import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { rejectionOf } from '../../../test/support/thrown.js';
import { UpstreamError } from '../../shared/errors.js';
import { createStreamableUpstream, type StreamableUpstreamOptions } from './streamable-upstream.js';

const SECRET = 'Bearer s3cr3t-token';

/** What the fake server received. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed JSON-RPC message of a POST. */
  message: { id?: unknown; method?: string } | undefined;
}

type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void;

/** Items that arrive one by one, and tests that wait for the next one without sleeping. */
class Inbox<T> {
  readonly items: T[] = [];
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.#waiters]) {
      if (this.items.length >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves once `count` items have arrived, with all of them. */
  async atLeast(count: number): Promise<T[]> {
    if (this.items.length < count) {
      await new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
    }
    return this.items;
  }
}

/** A scripted Streamable HTTP server on 127.0.0.1. */
async function startServer(handle: Handler): Promise<{
  url: URL;
  seen: Inbox<Seen>;
  [Symbol.asyncDispose]: () => Promise<void>;
}> {
  const seen = new Inbox<Seen>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const message =
        req.method === 'POST' ? (JSON.parse(body) as { id?: unknown; method?: string }) : undefined;
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        message,
      };
      seen.push(entry);
      handle(entry, res, req);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    seen,
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The transport under test, with what it reported. */
function connect(
  url: URL,
  options: Partial<StreamableUpstreamOptions> = {},
): {
  upstream: Transport;
  messages: Inbox<JSONRPCMessage>;
  errors: Inbox<Error>;
  closes: Inbox<true>;
} {
  const upstream = createStreamableUpstream({
    url,
    headers: { Authorization: SECRET, 'X-Tenant': 'acme' },
    maxMessageBytes: 256,
    maxDepth: 16,
    reconnect: { maxAttempts: 2, initialDelayMs: 0, maxDelayMs: 0 },
    closeTimeoutMs: 1000,
    ...options,
  });
  const messages = new Inbox<JSONRPCMessage>();
  const errors = new Inbox<Error>();
  const closes = new Inbox<true>();
  upstream.onmessage = (m) => messages.push(m);
  upstream.onerror = (e) => errors.push(e);
  upstream.onclose = () => closes.push(true);
  return { upstream, messages, errors, closes };
}

const INITIALIZE: JSONRPCMessage = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 't', version: '0' },
  },
};
const INITIALIZED: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/initialized' };
const CALL: JSONRPCMessage = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'x' } };

function json(res: ServerResponse, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(body);
}

function sse(res: ServerResponse): ServerResponse {
  return res.writeHead(200, { 'content-type': 'text/event-stream' });
}

const RESULT_0 = '{"jsonrpc":"2.0","id":0,"result":{}}';
const RESULT_5 = '{"jsonrpc":"2.0","id":5,"result":{"ok":true}}';

/** A server that opens session `s-1` on initialize, 202s notifications, and lets DELETE end it. */
const sessionServer =
  (more: Handler = () => undefined): Handler =>
  (seen, res, req) => {
    if (seen.message?.method === 'initialize') json(res, RESULT_0, { 'mcp-session-id': 's-1' });
    else if (seen.method === 'POST' && seen.message?.id === undefined) res.writeHead(202).end();
    else if (seen.method === 'DELETE') res.writeHead(200).end();
    else more(seen, res, req);
  };

function expectUpstreamError(
  error: unknown,
  code: UpstreamError['code'],
  details: Record<string, unknown>,
): void {
  expect(error).toBeInstanceOf(UpstreamError);
  expect((error as UpstreamError).code).toBe(code);
  expect((error as UpstreamError).details).toMatchObject(details);
  const text = `${(error as Error).message} ${JSON.stringify((error as UpstreamError).details)}`;
  expect(text).not.toMatch(/s3cr3t|acme|evil/);
}

describe('createStreamableUpstream', () => {
  describe('sending', () => {
    it('POSTs with its own headers, the configured ones, and then the session and version', async () => {
      await using server = await startServer(sessionServer((_seen, res) => json(res, RESULT_5)));
      const { upstream, messages } = connect(server.url);
      await upstream.start();
      await upstream.send(INITIALIZE);
      upstream.setProtocolVersion?.('2025-11-25');
      await upstream.send(CALL);
      expect(await messages.atLeast(2)).toEqual([JSON.parse(RESULT_0), JSON.parse(RESULT_5)]);
      expect(upstream.sessionId).toBe('s-1');
      const [init, call] = server.seen.items;
      expect(init?.headers).toMatchObject({
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: SECRET,
        'x-tenant': 'acme',
      });
      expect(init?.headers['mcp-session-id']).toBeUndefined();
      expect(init?.headers['mcp-protocol-version']).toBeUndefined();
      expect(call?.headers).toMatchObject({
        'mcp-session-id': 's-1',
        'mcp-protocol-version': '2025-11-25',
        authorization: SECRET,
      });
      expect(JSON.parse(call?.body ?? '')).toEqual(CALL);
      await upstream.close();
    });

    it('delivers nothing for a 202', async () => {
      await using server = await startServer(sessionServer());
      const { upstream, messages, errors } = connect(server.url);
      await upstream.send(INITIALIZE);
      await upstream.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: {} });
      expect(messages.items).toHaveLength(1);
      expect(errors.items).toEqual([]);
      await upstream.close();
    });

    it('fails a request on another status without quoting the body', async () => {
      await using server = await startServer((_seen, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`evil ${SECRET}`);
      });
      const { upstream, errors } = connect(server.url);
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_PROTOCOL', {
        reason: 'http-status',
        status: 500,
        id: 5,
      });
      expect(errors.items).toEqual([error]);
      await upstream.close();
    });

    it('fails with the system error code when nothing listens', async () => {
      const { upstream, errors } = connect(new URL('http://127.0.0.1:9/mcp'));
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_CLOSED', { reason: 'network', id: 5 });
      expect((error as Error).message).toMatch(/^the connection failed \(E[A-Z]+\)$/);
      expect(errors.items).toEqual([error]);
      await upstream.close();
    });
  });

  it('cancels a request through its requestSignal without reporting an error', async () => {
    const held: ServerResponse[] = [];
    await using server = await startServer((_seen, res) => held.push(res));
    const { upstream, errors } = connect(server.url);
    const controller = new AbortController();
    const sent = rejectionOf(() => upstream.send(CALL, { requestSignal: controller.signal }));
    await server.seen.atLeast(1);
    controller.abort();
    expectUpstreamError(await sent, 'UPSTREAM_CLOSED', { reason: 'cancelled' });
    expect(errors.items).toEqual([]);
    expect(held).toHaveLength(1);
    await upstream.close();
  });

  describe('JSON replies', () => {
    it('rejects a duplicate key, reports it once with the request id, and delivers nothing', async () => {
      await using server = await startServer((_seen, res) => {
        json(res, '{"jsonrpc":"2.0","id":5,"result":{"name":"a","name":"evil"}}');
      });
      const { upstream, messages, errors } = connect(server.url);
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_PROTOCOL', { reason: 'SURFACE_DUPLICATE_KEY', id: 5 });
      expect(errors.items).toEqual([error]);
      expect(messages.items).toEqual([]);
      await upstream.close();
    });

    it('stops reading an oversize body and names the request', async () => {
      await using server = await startServer((_seen, res) => {
        json(res, `{"jsonrpc":"2.0","id":5,"result":{"x":"${'evil'.repeat(200)}"}}`);
      });
      const { upstream, messages } = connect(server.url);
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_PROTOCOL', { reason: 'oversize', id: 5 });
      expect(messages.items).toEqual([]);
      await upstream.close();
    });

    it('refuses a body that is not UTF-8', async () => {
      await using server = await startServer((_seen, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.from([0x7b, 0xff, 0x7d]));
      });
      const { upstream } = connect(server.url);
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_PROTOCOL', { reason: 'SURFACE_NOT_JSON', id: 5 });
      await upstream.close();
    });
  });

  describe('SSE replies', () => {
    it('parses events cut anywhere, CRLF and multi-line data, and drops the bad ones', async () => {
      await using server = await startServer((_seen, res) => {
        const stream = sse(res);
        stream.write('data: {"jsonrpc":"2.0","method":"a","method":"evil"}\n\n');
        stream.write(`data: {"jsonrpc":"2.0","id":7,"result":{"x":"${'evil'.repeat(80)}"}}\n\n`);
        stream.write('event: message\r\ndata: {"jsonrpc":"2.0",\r\nda');
        stream.write('ta: "method":"notifications/progress","params":{}}\r');
        stream.write('\n\r\n: comment\n\nid: 1\ndata: {"jsonrpc":"2.0","id":5,"result":{}}\n');
        stream.end('\n');
      });
      const { upstream, messages, errors } = connect(server.url);
      await upstream.send(CALL);
      expect(await messages.atLeast(2)).toEqual([
        { jsonrpc: '2.0', method: 'notifications/progress', params: {} },
        { jsonrpc: '2.0', id: 5, result: {} },
      ]);
      expect(errors.items).toHaveLength(2);
      expectUpstreamError(errors.items[0], 'UPSTREAM_PROTOCOL', {
        reason: 'SURFACE_DUPLICATE_KEY',
      });
      expect((errors.items[0] as UpstreamError).details['id']).toBeUndefined();
      expectUpstreamError(errors.items[1], 'UPSTREAM_PROTOCOL', { reason: 'oversize', id: 7 });
      await upstream.close();
    });

    it('resumes a stream that ends before the response with GET and Last-Event-ID', async () => {
      await using server = await startServer((seen, res) => {
        if (seen.method === 'POST') sse(res).end('id: p-1\ndata:\n\n');
        else if (seen.headers['last-event-id'] === 'p-1')
          sse(res).end('id: p-2\ndata: {"jsonrpc":"2.0","method":"n"}\n\n');
        else sse(res).end(`id: p-3\ndata: ${RESULT_5}\n\n`);
      });
      const { upstream, messages, errors } = connect(server.url);
      await upstream.send(CALL);
      expect(await messages.atLeast(2)).toEqual([
        { jsonrpc: '2.0', method: 'n' },
        JSON.parse(RESULT_5),
      ]);
      const requests = server.seen.items.map((s) => [s.method, s.headers['last-event-id']]);
      expect(requests).toEqual([
        ['POST', undefined],
        ['GET', 'p-1'],
        ['GET', 'p-2'],
      ]);
      expect(server.seen.items[1]?.headers).toMatchObject({ accept: 'text/event-stream' });
      expect(errors.items).toEqual([]);
      await upstream.close();
    });

    it('fails the request when the stream ends unanswered and cannot be resumed', async () => {
      await using server = await startServer((_seen, res) => {
        sse(res).end('data: {"jsonrpc":"2.0","method":"n"}\n\n');
      });
      const { upstream, errors } = connect(server.url);
      await upstream.send(CALL);
      const [error] = await errors.atLeast(1);
      expectUpstreamError(error, 'UPSTREAM_CLOSED', { reason: 'stream-ended', id: 5 });
      expect(server.seen.items).toHaveLength(1);
      await upstream.close();
    });

    it('gives up resuming after the allowed attempts and fails the request', async () => {
      await using server = await startServer((seen, res) => {
        if (seen.method === 'POST') sse(res).end('id: p-1\ndata:\n\n');
        else res.writeHead(503).end();
      });
      const { upstream, errors } = connect(server.url);
      await upstream.send(CALL);
      const [error] = await errors.atLeast(1);
      expectUpstreamError(error, 'UPSTREAM_CLOSED', { reason: 'stream-ended', id: 5 });
      expect(server.seen.items.map((s) => s.method)).toEqual(['POST', 'GET', 'GET']);
      await upstream.close();
    });
  });

  describe('the standalone GET stream', () => {
    it('opens after initialized, and reopens with Last-Event-ID when it drops', async () => {
      await using server = await startServer(
        sessionServer((seen, res) => {
          if (seen.headers['last-event-id'] === undefined) {
            sse(res).end('id: g-1\ndata: {"jsonrpc":"2.0","method":"one"}\n\n');
          } else {
            sse(res).write('id: g-2\ndata: {"jsonrpc":"2.0","method":"two"}\n\n');
          }
        }),
      );
      const { upstream, messages } = connect(server.url);
      await upstream.send(INITIALIZE);
      upstream.setProtocolVersion?.('2025-11-25');
      await upstream.send(INITIALIZED);
      expect((await messages.atLeast(3)).slice(1)).toEqual([
        { jsonrpc: '2.0', method: 'one' },
        { jsonrpc: '2.0', method: 'two' },
      ]);
      const gets = server.seen.items.filter((s) => s.method === 'GET');
      expect(gets.map((g) => g.headers['last-event-id'])).toEqual([undefined, 'g-1']);
      for (const get of gets) {
        expect(get.headers).toMatchObject({
          accept: 'text/event-stream',
          'mcp-session-id': 's-1',
          'mcp-protocol-version': '2025-11-25',
          authorization: SECRET,
        });
      }
      await upstream.close();
    });

    it('takes 405 as "no stream" and does not retry', async () => {
      await using server = await startServer(
        sessionServer((_seen, res) => res.writeHead(405).end()),
      );
      const { upstream, errors } = connect(server.url);
      await upstream.send(INITIALIZE);
      await upstream.send(INITIALIZED);
      await server.seen.atLeast(3);
      // Round trips that give a retry (delay 0 here) every chance to arrive first.
      const changed: JSONRPCMessage = {
        jsonrpc: '2.0',
        method: 'notifications/roots/list_changed',
      };
      for (let i = 0; i < 3; i++) await upstream.send(changed);
      expect(server.seen.items.map((s) => s.method)).toEqual([
        'POST',
        'POST',
        'GET',
        'POST',
        'POST',
        'POST',
      ]);
      expect(errors.items).toEqual([]);
      await upstream.close();
    });
  });

  describe('the session', () => {
    it('fails closed when the server answers 404 to a request with the session id', async () => {
      await using server = await startServer(
        sessionServer((_seen, res) => res.writeHead(404).end()),
      );
      const { upstream, errors, closes } = connect(server.url);
      await upstream.send(INITIALIZE);
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_CLOSED', {
        reason: 'session-expired',
        status: 404,
        id: 5,
      });
      expect(errors.items).toEqual([error]);
      await closes.atLeast(1);
      expect(server.seen.items.map((s) => s.method)).toEqual(['POST', 'POST']);
      await expect(upstream.send(CALL)).rejects.toBeInstanceOf(UpstreamError);
    });

    it('ends the session with DELETE on close, aborts what is in flight, and closes once', async () => {
      const pending: ServerResponse[] = [];
      await using server = await startServer(
        sessionServer((_seen, res) => {
          pending.push(res.writeHead(200, { 'content-type': 'application/json' }));
        }),
      );
      const { upstream, errors, closes } = connect(server.url);
      await upstream.send(INITIALIZE);
      const call = rejectionOf(() => upstream.send(CALL));
      await server.seen.atLeast(2);
      await upstream.close();
      await upstream.close();
      expectUpstreamError(await call, 'UPSTREAM_CLOSED', {});
      expect(pending).toHaveLength(1);
      const last = server.seen.items.at(-1);
      expect(last?.method).toBe('DELETE');
      expect(last?.headers).toMatchObject({ 'mcp-session-id': 's-1', authorization: SECRET });
      expect(closes.items).toHaveLength(1);
      expect(errors.items).toEqual([]);
    });
  });

  describe('redirects', () => {
    it('follows a 307 within the origin, keeping the method and body', async () => {
      await using server = await startServer((seen, res) => {
        if (seen.url === '/mcp') res.writeHead(307, { location: '/mcp/' }).end();
        else json(res, RESULT_5);
      });
      const { upstream, messages } = connect(server.url);
      await upstream.send(CALL);
      expect(messages.items).toEqual([JSON.parse(RESULT_5)]);
      expect(server.seen.items.map((s) => [s.method, s.url, s.message?.id])).toEqual([
        ['POST', '/mcp', 5],
        ['POST', '/mcp/', 5],
      ]);
      await upstream.close();
    });

    it('does not follow a redirect to another origin', async () => {
      await using server = await startServer((_seen, res) => {
        res.writeHead(307, { location: 'http://127.0.0.2:1/mcp' }).end();
      });
      const { upstream } = connect(server.url);
      const error = await rejectionOf(() => upstream.send(CALL));
      expectUpstreamError(error, 'UPSTREAM_PROTOCOL', { reason: 'http-status', status: 307 });
      expect(server.seen.items).toHaveLength(1);
      await upstream.close();
    });
  });
});
