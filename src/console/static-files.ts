/**
 * The console's static files (`web/console/`): the HTML shell, ES modules and CSS, served as they
 * are (no build step). Only names made of plain segments (`[A-Za-z0-9][A-Za-z0-9._-]*`) with a
 * known extension are served, after checking the resolved path stays inside the folder, so no
 * request can reach another file (`..`, encoded slashes or backslashes, NUL, dot files).
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Context } from 'hono';

import type { ServeEnv } from '../serve/env.js';

/** Where the assets are, from both `src/console/` and `dist/console/`. */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../web/console/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Files beside the assets that are not assets (the folder's lint settings). */
const TOOLING_SUFFIX = '.config.js';
const MAX_SEGMENTS = 8;

/** The same policy `holdfast serve` sets on every response, in case the console runs alone. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The file under `root` a request path names (after the `/console/` prefix), or undefined when it
 * is not a servable name. `rest` is the raw, still percent-encoded path.
 */
export function resolveAsset(root: string, rest: string): string | undefined {
  const raw = rest === '' ? 'index.html' : rest;
  const segments = raw.split('/');
  if (segments.length > MAX_SEGMENTS) return undefined;
  const decoded: string[] = [];
  for (const segment of segments) {
    let text: string;
    try {
      text = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (!SEGMENT.test(text) || text.includes('..')) return undefined;
    decoded.push(text);
  }
  const last = decoded.at(-1) ?? '';
  if (!Object.hasOwn(CONTENT_TYPES, extname(last)) || last.endsWith(TOOLING_SUFFIX))
    return undefined;
  const base = resolve(root);
  const path = resolve(base, ...decoded);
  return path.startsWith(base + sep) ? path : undefined;
}

/** Answers `GET /console` and `GET /console/*` from `root`. */
export function createStaticHandler(
  root: string = CONSOLE_ROOT,
): (c: Context<ServeEnv>) => Promise<Response> {
  return async (c) => {
    const path = c.req.path;
    const rest = path === '/console' ? '' : path.slice('/console/'.length);
    const file = resolveAsset(root, rest);
    if (file === undefined) return c.json({ error: 'not found', code: 'NOT_FOUND' }, 404);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return c.json({ error: 'not found', code: 'NOT_FOUND' }, 404);
    }
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
  };
}
