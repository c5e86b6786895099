/**
 * What every console API route shares: JSON error answers `{error, code}` with the status that
 * fits (400, 404, 409, 413, 415, 503), mapping of domain errors to them in one place, and bounded
 * reading of JSON bodies and query numbers. Messages are the domain errors' own (safe by
 * construction); an unexpected fault answers a fixed text and is logged by its name only.
 */
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';

import type { ServeEnv } from '../serve/env.js';
import { ConfigError, GatewayError } from '../shared/errors.js';

/** The console API's context. */
export type ApiContext = Context<ServeEnv>;

/** Statuses the console API answers errors with. */
export type ApiErrorStatus = 400 | 403 | 404 | 409 | 413 | 415 | 500 | 503;

/** Extra fields of an error answer (issues, digests): safe values only. */
type Extra = Record<string, unknown>;

/** An error answer: `{error, code, ...extra}`. */
export function apiError(
  c: ApiContext,
  status: ApiErrorStatus,
  code: string,
  error: string,
  extra: Extra = {},
): Response {
  return c.json({ ...extra, error, code }, status);
}

const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'PIN_UNKNOWN_SERVER',
  'PIN_NOTHING_OBSERVED',
  'PIN_UNKNOWN_ITEM',
]);

/** Maps a thrown error to its answer (the app's `onError`). */
export function createErrorHandler(log: (line: string) => void): ErrorHandler<ServeEnv> {
  return (error, c) => {
    if (error instanceof GatewayError) {
      const code: string = (error as GatewayError).code;
      if (NOT_FOUND_CODES.has(code)) return apiError(c, 404, code, error.message);
      if (code === 'PIN_STALE_DIGEST') return apiError(c, 409, code, error.message);
      if (code === 'CONFIG_INVALID') {
        const issues = error instanceof ConfigError ? error.issues : [];
        return apiError(c, 400, code, error.message, { issues });
      }
      if (code === 'CONFIG_UNREADABLE') return apiError(c, 409, code, error.message);
      if (code.startsWith('STORE_') || code === 'AUDIT_UNAVAILABLE') {
        log(`console: ${c.req.method} ${c.req.path}: store unavailable (${code})`);
        return apiError(c, 503, code, 'the state store or audit log is unavailable');
      }
      log(`console: ${c.req.method} ${c.req.path}: ${error.name} ${code}`);
      return apiError(c, 500, code, error.message);
    }
    log(`console: ${c.req.method} ${c.req.path}: unexpected ${errorName(error)}`);
    return apiError(c, 500, 'INTERNAL', 'internal error');
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Largest JSON body of a console write (the rules editor's YAML included). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Refuses bodies over {@link MAX_BODY_BYTES} (413) before anything reads them. */
export function limitBody(): MiddlewareHandler<ServeEnv> {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () =>
      Response.json(
        { error: 'the request body is too large', code: 'BODY_TOO_LARGE' },
        { status: 413 },
      ),
  });
}

/** A parsed body, or the answer refusing it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads a JSON body (`Content-Type: application/json`, 415 otherwise) and checks it against
 * `schema`, answering 400 with every bad field listed.
 */
export async function readJsonBody<T>(c: ApiContext, schema: z.ZodType<T>): Promise<Parsed<T>> {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return {
      ok: false,
      response: apiError(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send Content-Type: application/json'),
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: apiError(c, 400, 'BAD_REQUEST', 'the body is not JSON') };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
  return {
    ok: false,
    response: apiError(c, 400, 'BAD_REQUEST', 'the body has invalid fields', { issues }),
  };
}

/**
 * A non-negative integer query parameter: `fallback` when absent, clamped to `max`; undefined
 * (the caller answers 400) when present but not a decimal integer.
 */
export function queryInt(
  c: ApiContext,
  name: string,
  fallback: number,
  max: number,
): number | undefined {
  const text = c.req.query(name);
  if (text === undefined || text === '') return fallback;
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Math.min(Number(text), max);
}

/** A text query parameter, undefined when absent or empty; cut to `max` characters. */
export function queryText(c: ApiContext, name: string, max = 256): string | undefined {
  const text = c.req.query(name);
  return text === undefined || text === '' ? undefined : text.slice(0, max);
}

/**
 * Signs a checkpoint covering a decision just recorded. The decision stands either way: a failure
 * to sign is logged (by its name and code only), never turned into a failed answer.
 */
export async function signAfterDecision(deps: {
  signCheckpoint: () => Promise<void>;
  log: (line: string) => void;
}): Promise<void> {
  try {
    await deps.signCheckpoint();
  } catch (error) {
    const code = error instanceof GatewayError ? ` ${(error as GatewayError).code}` : '';
    deps.log(
      `console: recorded, but could not sign an audit checkpoint (${errorName(error)}${code})`,
    );
  }
}
