import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import type { Principal } from '../auth/types.js';
import type { AccessLogSink } from './access-log.js';
import { ACCESS_LOG_MESSAGE, createAccessLog, toHttpRoute } from './access-log.js';
import type { ServeEnv } from './env.js';
import { createJsonLogger, toLineLogger } from './logger.js';
import type { HttpRoute } from './metrics.js';

const AGENT: Principal = { kind: 'agent', via: 'key', id: 'key_AAAAAAAAAAAAAAAA', name: 'ci' };

function setup(log?: AccessLogSink) {
  const lines: string[] = [];
  const observed: [HttpRoute, number, number][] = [];
  let t = 100;
  const hono = new Hono<ServeEnv>();
  hono.use(
    '*',
    createAccessLog({
      log: log ?? ((line) => lines.push(line)),
      metrics: { observeHttp: (route, status, seconds) => observed.push([route, status, seconds]) },
      // The clock advances 0.75ms per read, and a request reads it twice: each takes 0.75ms.
      now: () => (t += 0.75),
    }),
  );
  hono.post('/mcp/:server', (c) => {
    c.set('principal', AGENT);
    return c.json({ jsonrpc: '2.0', id: 1, result: {} });
  });
  hono.get('/api/boom', () => {
    throw new Error('boom');
  });
  hono.onError((_error, c) => c.json({ error: 'internal error' }, 500));
  return { hono, lines, observed };
}

describe('createAccessLog', () => {
  it('logs one JSON line with method, route, status, time and principal, and measures it', async () => {
    const { hono, lines, observed } = setup();
    const res = await hono.request('http://127.0.0.1:8750/mcp/notes?token=hfk_secret', {
      method: 'POST',
      headers: { authorization: 'Bearer hfk_a_b', cookie: 'hf_session=s' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}',
    });
    expect(res.status).toBe(200);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { method: 'POST', route: 'mcp', status: 200, ms: 0.75, principal: 'key:ci' },
    ]);
    expect(observed).toEqual([['mcp', 200, 0.00075]]);
  });

  it('never logs the query string, headers or body', async () => {
    const { hono, lines } = setup();
    await hono.request('http://127.0.0.1:8750/mcp/notes?token=hfk_secret', {
      method: 'POST',
      headers: { authorization: 'Bearer hfk_a_b', cookie: 'hf_session=s' },
      body: '{"params":{"arguments":{"ssn":"123-45-6789"}}}',
    });
    const text = lines.join('\n');
    for (const secret of ['hfk_secret', 'hfk_a_b', 'hf_session', '123-45-6789', 'notes']) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs requests answered by the error and not-found handlers, without a principal', async () => {
    const { hono, lines, observed } = setup();
    await hono.request('http://127.0.0.1:8750/api/boom');
    await hono.request('http://127.0.0.1:8750/nothing-here');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { method: 'GET', route: 'api', status: 500, ms: 0.75 },
      { method: 'GET', route: 'other', status: 404, ms: 0.75 },
    ]);
    expect(observed.map(([route, status]) => [route, status])).toEqual([
      ['api', 500],
      ['other', 404],
    ]);
  });

  it('writes flat fields through a line logger', async () => {
    const writes: string[] = [];
    const logger = createJsonLogger({
      stream: { write: (text: string) => writes.push(text) },
      clock: { now: () => 0 },
    });
    const { hono } = setup(toLineLogger(logger, { component: 'http' }));
    await hono.request('http://127.0.0.1:8750/mcp/notes', { method: 'POST', body: '{}' });
    expect(writes.map((text) => JSON.parse(text) as unknown)).toEqual([
      {
        level: 'info',
        time: '1970-01-01T00:00:00.000Z',
        component: 'http',
        method: 'POST',
        route: 'mcp',
        status: 200,
        ms: 0.75,
        principal: 'key:ci',
        msg: ACCESS_LOG_MESSAGE,
      },
    ]);
  });

  it('still answers when logging fails', async () => {
    const { hono } = setup(() => {
      throw new Error('disk full');
    });
    const res = await hono.request('http://127.0.0.1:8750/mcp/notes', { method: 'POST' });
    expect(res.status).toBe(200);
  });
});

describe('toHttpRoute', () => {
  it.each([
    ['/mcp', 'mcp'],
    ['/mcp/notes', 'mcp'],
    ['/mcpx', 'other'],
    ['/console', 'console'],
    ['/console/assets/app.js', 'console'],
    ['/api/holds/hold_x', 'api'],
    ['/auth/login', 'auth'],
    ['/.well-known/oauth-protected-resource', 'auth'],
    ['/metrics', 'metrics'],
    ['/healthz', 'other'],
    ['/', 'other'],
  ])('labels %s as %s', (path, route) => {
    expect(toHttpRoute(path)).toBe(route);
  });
});
