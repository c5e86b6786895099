/**
 * Structured logs of `holdfast serve` (issue 6; the line format is in docs/metrics.md): one JSON
 * object per line, so a log shipper needs no parser and a client-chosen string with a newline in it
 * cannot forge a second line (JSON escapes it). Fields named like credentials are replaced by
 * `[redacted]` wherever they appear near the top of a log object, as a second line of defence: the
 * gateway never logs a secret on purpose (messages are not scanned, so they must stay free of them).
 */
import type { Bindings, Logger } from 'pino';
import { pino } from 'pino';

import type { Clock } from '../shared/clock.js';
import { SYSTEM_CLOCK } from '../shared/clock.js';

/** Where log lines go: anything with a `write` (process.stdout, a test collector). */
export interface LogStream {
  write(line: string): unknown;
}

/** The levels a serving process logs at, quietest last. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Options for {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  stream: LogStream;
  /** The least severe level written. Default `info`. */
  level?: LogLevel;
  /** Source of the `time` field. Default the system clock. */
  clock?: Clock;
  /**
   * Redact credential-looking fields (default on). Off only for a logger whose fields are known
   * safe and whose volume makes redaction costly: the access log (method, route, status, time,
   * principal label).
   */
  redact?: boolean;
}

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Field names that can carry a credential; lower case as Node gives header names, and capitalised. */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'password',
  'passwordHash',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'secret',
  'client_secret',
  'apiKey',
  'api_key',
  'x-api-key',
  'csrf',
  'x-csrf-token',
];
/** How deep under the log object a secret field is found: `req.headers.authorization` is depth 2. */
const REDACT_DEPTH = 3;

/**
 * The redaction paths (pino / fast-redact syntax): every secret field at depths 0 to
 * {@link REDACT_DEPTH}, in bracket notation so names with dashes work.
 */
export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) =>
  Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => `${'*.'.repeat(depth)}["${field}"]`),
).map((path) => path.replace('.[', '['));

/**
 * A logger writing one JSON object per line: `level` as a label (`"info"`), `time` as an ISO 8601
 * string, `msg`, and the fields given. No `pid`/`hostname`: the collector attaches the source.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const clock = options.clock ?? SYSTEM_CLOCK;
  return pino(
    {
      level: options.level ?? 'info',
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"time":"${new Date(clock.now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      ...(options.redact === false
        ? {}
        : { redact: { paths: [...REDACT_PATHS], censor: REDACTED } }),
    },
    options.stream,
  );
}

/**
 * The `(line: string) => void` the gateway, the audit log and the console log through, writing
 * each line at `info` with `bindings` (e.g. `{server, principal}`) as fields. `fields` logs an
 * object's keys as top-level fields instead (the access log uses it, so its lines stay flat JSON).
 */
export interface LineLogger {
  (line: string): void;
  fields(fields: Readonly<Record<string, unknown>>, msg: string): void;
}

/** Binds `bindings` to every line (see {@link LineLogger}). */
export function toLineLogger(logger: Logger, bindings: Bindings = {}): LineLogger {
  const child = logger.child(bindings);
  const log = (line: string): void => {
    child.info(line);
  };
  log.fields = (fields: Readonly<Record<string, unknown>>, msg: string): void => {
    child.info(fields, msg);
  };
  return log;
}
