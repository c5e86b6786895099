/**
 * The console's static files: served with the right types under a strict CSP, nothing outside
 * `web/console/` reachable, and no markup or script that the CSP would have to allow inline (no
 * inline `<script>`, no `style` attribute or element, no `on…=` handler, no HTML built from strings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CONSOLE_ROOT, resolveAsset } from '../../src/console/static-files.js';
import { useConsoleHarness } from './harness.js';

const harness = useConsoleHarness();

/** Every file under the console's folder, relative to it. */
function assetFiles(dir = CONSOLE_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? assetFiles(join(dir, entry.name))
      : [relative(CONSOLE_ROOT, join(dir, entry.name))],
  );
}

const FILES = assetFiles();
const HTML = FILES.filter((f) => f.endsWith('.html'));
const SCRIPTS = FILES.filter((f) => f.endsWith('.js') && f !== 'eslint.config.js');

describe('the console static files', () => {
  it('has an HTML shell and modules to check', () => {
    expect(HTML).toContain('index.html');
    expect(SCRIPTS).toEqual(expect.arrayContaining(['app.js', 'api.js', 'dom.js']));
  });

  describe.each(HTML)('%s', (file) => {
    const text = readFileSync(join(CONSOLE_ROOT, file), 'utf8');

    it('loads every script from a file, none inline', () => {
      const scripts = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes = '', body = ''] of scripts) {
        expect(attributes).toMatch(/\bsrc="\/console\/[a-z0-9/-]+\.js"/);
        expect(body.trim()).toBe('');
      }
      expect(text.match(/<script\b/gi)?.length).toBe(scripts.length);
    });

    it('has no inline style, event handler or javascript: URL', () => {
      expect(text).not.toMatch(/<style\b/i);
      expect(text).not.toMatch(/\sstyle\s*=/i);
      expect(text).not.toMatch(/\son[a-z]+\s*=/i);
      expect(text).not.toMatch(/javascript:/i);
    });
  });

  it.each(SCRIPTS)('%s builds no HTML from strings and sets no inline style', (file) => {
    const text = readFileSync(join(CONSOLE_ROOT, file), 'utf8');
    for (const banned of [
      /\.innerHTML\b/,
      /\.outerHTML\b/,
      /insertAdjacentHTML/,
      /document\.write/,
      /\beval\s*\(/,
      /new Function\b/,
      /\.style\b/,
      /setAttribute\(\s*['"]style/,
      /from\s+['"]https?:/,
      /import\(\s*['"]https?:/,
      /fetch\(\s*['"`]https?:/,
    ]) {
      expect(text).not.toMatch(banned);
    }
  });

  describe('when served', () => {
    it.each([
      ['/console', 'text/html; charset=utf-8'],
      ['/console/', 'text/html; charset=utf-8'],
      ['/console/app.js', 'text/javascript; charset=utf-8'],
      ['/console/views/servers.js', 'text/javascript; charset=utf-8'],
      ['/console/console.css', 'text/css; charset=utf-8'],
    ])('serves %s as %s under the CSP, without authentication', async (path, type) => {
      const response = await harness().call('GET', path);
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe(type);
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    });

    it.each([
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/..%2fpackage.json',
      '/console/%2e%2e%2fpackage.json',
      '/console/views/..%2f..%2f..%2fpackage.json',
      '/console/..%5c..%5cpackage.json',
      '/console/%252e%252e%252fpackage.json',
      '/console/app.js%00.css',
      '/console/.eslintrc.js',
      '/console/eslint.config.js',
      '/console/missing.js',
      '/console/index.html/',
    ])('refuses %s', async (path) => {
      const response = await harness().call('GET', path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('"name": "holdfast"');
    });
  });

  describe('resolveAsset', () => {
    it('stays inside the folder whatever the name', () => {
      for (const name of ['..', '../x.js', '%2e%2e/x.js', 'a/../../x.js', 'x.js/..', '.x.js']) {
        expect(resolveAsset('/srv/console', name)).toBeUndefined();
      }
      expect(resolveAsset('/srv/console', 'views/audit.js')).toBe('/srv/console/views/audit.js');
      expect(resolveAsset('/srv/console', '')).toBe('/srv/console/index.html');
    });
  });
});
