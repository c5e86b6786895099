import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

function app(staticPrefix?: string) {
  const hono = new Hono();
  hono.use('*', securityHeaders(staticPrefix === undefined ? {} : { staticPrefix }));
  hono.get('/console', (c) => c.html('<!doctype html><title>holdfast</title>'));
  hono.get('/console/assets/app.js', (c) =>
    c.body('export {};', 200, {
      'Content-Type': 'text/javascript',
      'Cache-Control': 'public, max-age=3600',
    }),
  );
  hono.get('/api/holds', (c) =>
    c.json([], 200, {
      'Cache-Control': 'public, max-age=60',
      'Content-Security-Policy': "script-src 'unsafe-inline'",
    }),
  );
  // A Response built outside Hono has immutable headers once fetched; redirects are one case.
  hono.get('/go', () => Response.redirect('http://127.0.0.1:8750/console', 302));
  hono.get('/boom', () => {
    throw new Error('boom');
  });
  hono.onError((_error, c) => c.json({ error: 'internal error' }, 500));
  return hono;
}

const EXPECTED = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
    "base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function securityOf(res: Response): Record<string, string | null> {
  return Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, res.headers.get(name)]));
}

describe('securityHeaders', () => {
  it('has a policy without inline or eval allowances', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*/);
  });

  it.each(['/console', '/api/holds', '/go', '/boom', '/missing'])(
    'sets every header and no-store on %s',
    async (path) => {
      const res = await app('/console/assets/').request(`http://127.0.0.1:8750${path}`);
      expect(securityOf(res)).toEqual(EXPECTED);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('permissions-policy')?.split(', ')).toContain('camera=()');
    },
  );

  it('keeps the answer itself: status, body and other headers', async () => {
    const redirect = await app().request('http://127.0.0.1:8750/go');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('http://127.0.0.1:8750/console');
    const page = await app().request('http://127.0.0.1:8750/console');
    expect(await page.text()).toBe('<!doctype html><title>holdfast</title>');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('leaves caching of static assets to their handler, and still sets the rest', async () => {
    const res = await app('/console/assets/').request(
      'http://127.0.0.1:8750/console/assets/app.js',
    );
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(securityOf(res)).toEqual(EXPECTED);
  });

  it('exempts nothing without a static prefix', async () => {
    const res = await app().request('http://127.0.0.1:8750/console/assets/app.js');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a relative static prefix', () => {
    expect(() => securityHeaders({ staticPrefix: '' })).toThrow(RangeError);
    expect(() => securityHeaders({ staticPrefix: 'console/' })).toThrow(RangeError);
  });
});
