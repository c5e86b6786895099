import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { thrown } from '../../test/support/thrown.js';
import { ConfigError } from '../shared/errors.js';
import { normalizeHost, normalizeOrigin, originCheck } from './origin-check.js';

describe('normalizeOrigin', () => {
  it.each([
    ['http://127.0.0.1:8750', 'http://127.0.0.1:8750'],
    ['HTTP://LocalHost:8750', 'http://localhost:8750'],
    ['https://console.example.com:443', 'https://console.example.com'],
    ['http://console.example.com:80', 'http://console.example.com'],
    ['https://console.example.com/', 'https://console.example.com'],
    ['http://[0:0::1]:8750', 'http://[::1]:8750'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ])('normalizes %s to %s', (value, expected) => {
    expect(normalizeOrigin(value)).toBe(expected);
  });

  it.each([
    ['the opaque origin', 'null'],
    ['an empty value', ''],
    ['another scheme', 'file:///etc/passwd'],
    ['a browser extension', 'chrome-extension://abcdef'],
    ['a path', 'https://console.example.com/login'],
    ['a query', 'https://console.example.com?x=1'],
    ['a fragment', 'https://console.example.com#x'],
    ['user info', 'https://user@console.example.com'],
    ['a backslash', 'https:\\\\console.example.com'],
    ['no host', 'https://'],
    ['a bad port', 'http://localhost:99999'],
    ['an overlong value', `https://${'a'.repeat(3000)}.example`],
  ])('refuses %s', (_what, value) => {
    expect(normalizeOrigin(value)).toBeUndefined();
  });
});

describe('normalizeHost', () => {
  it.each([
    ['127.0.0.1:8750', '127.0.0.1:8750'],
    ['LOCALHOST:8750', 'localhost:8750'],
    ['localhost.:8750', 'localhost:8750'],
    ['localhost:08750', 'localhost:8750'],
    ['gateway.example.com', 'gateway.example.com'],
    ['[0:0::1]:8750', '[::1]:8750'],
    ['127.1:8750', '127.0.0.1:8750'],
  ])('normalizes %s to %s', (value, expected) => {
    expect(normalizeHost(value)).toBe(expected);
  });

  it.each([
    ['an empty value', ''],
    ['port zero', 'localhost:0'],
    ['a port out of range', 'localhost:65536'],
    ['user info', 'evil@localhost:8750'],
    ['a path', 'localhost:8750/x'],
    ['IPv6 without brackets', '::1:8750'],
    ['two ports', 'localhost:1:2'],
    ['spaces inside', 'local host'],
    ['a lone dot', '.'],
  ])('refuses %s', (_what, value) => {
    expect(normalizeHost(value)).toBeUndefined();
  });
});

describe('originCheck', () => {
  const options = {
    allowedOrigins: ['http://127.0.0.1:8750', 'https://console.example.com/'],
    allowedHosts: ['127.0.0.1:8750', 'gateway.example.com'],
  };

  function app() {
    const hono = new Hono();
    hono.use('*', originCheck(options));
    hono.all('*', (c) => c.text('reached'));
    return hono;
  }

  async function ask(headers: Record<string, string>, method = 'POST') {
    const res = await app().request('http://127.0.0.1:8750/mcp', { method, headers });
    return { status: res.status, body: await res.text() };
  }

  it('lets a request without Origin from an allowed host through', async () => {
    expect(await ask({ host: '127.0.0.1:8750' })).toEqual({ status: 200, body: 'reached' });
  });

  it('lets an allowed origin through, compared in normal form', async () => {
    const headers = { host: 'gateway.example.com', origin: 'HTTPS://Console.Example.com:443' };
    expect(await ask(headers)).toEqual({ status: 200, body: 'reached' });
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a look-alike port', 'http://127.0.0.1:8751'],
    ['another scheme on the allowed host', 'https://127.0.0.1:8750'],
    ['the opaque origin null', 'null'],
    ['garbage', 'not an origin'],
  ])('refuses %s with 403 before the handler runs', async (_what, origin) => {
    expect(await ask({ host: '127.0.0.1:8750', origin })).toEqual({
      status: 403,
      body: JSON.stringify({ error: 'origin not allowed' }),
    });
  });

  it.each([
    ['a rebinding name', 'attacker.example:8750'],
    ['the right name on another port', 'gateway.example.com:8080'],
    ['a malformed host', 'gateway.example.com@evil'],
  ])('refuses %s in Host with 403, even with an allowed Origin', async (_what, host) => {
    expect(await ask({ host, origin: 'http://127.0.0.1:8750' }, 'GET')).toEqual({
      status: 403,
      body: JSON.stringify({ error: 'host not allowed' }),
    });
  });

  it('falls back to the URL authority when there is no Host header', async () => {
    const res = await app().request('http://gateway.example.com/mcp');
    expect(res.status).toBe(200);
    const refused = await app().request('http://attacker.example/mcp');
    expect(refused.status).toBe(403);
  });

  it('reports every malformed configured value at once', () => {
    const error = thrown(() =>
      originCheck({ allowedOrigins: ['null', 'http://ok.example'], allowedHosts: ['a b'] }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
      'allowedOrigins[0]',
      'allowedHosts[0]',
    ]);
  });

  it('refuses to start with no allowed host', () => {
    const error = thrown(() => originCheck({ allowedOrigins: [], allowedHosts: [] }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'allowedHosts', message: 'name at least one host this server answers to' },
    ]);
  });
});
