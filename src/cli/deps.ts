import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { createCheckpointSigning } from '../audit/checkpoint-signing.js';
import { parseSignerKey, parseVerifierKey, verifierKeyOf } from '../audit/note.js';
import { defaultConfig, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { errorCode } from '../gateway/describe-error.js';
import type { Clock } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import { createSignedHeadGuard, loadOrCreateAuditKey } from '../store/file/audit-key.js';
import type { CheckpointSigning, Store } from '../store/index.js';
import { defaultDbPath, ensureHome, openSqliteStore } from '../store/index.js';

/** What every command gets from the composition root; tests pass their own. */
export interface CliDeps {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Everything on standard input, for `--password-stdin`; absent where there is none. */
  readStdin?: () => Promise<string>;
}

/** Options shared by every command. */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

/** Exit codes (docs/cli.md). */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  REFUSED: 3,
  NOT_FOUND: 4,
  /** Verification failed: the audit log, a checkpoint or a receipt does not verify. */
  INVALID: 5,
  /** `holdfast scan`: an item's risk band reached `--fail-on`. */
  RISK: 6,
} as const;

/** The state directory: `--home`, else `HOLDFAST_HOME`, else `~/.holdfast`. */
export function resolveHome(options: GlobalOptions, env: CliDeps['env']): string {
  return options.home ?? env['HOLDFAST_HOME'] ?? join(homedir(), '.holdfast');
}

/** Opens the embedded SQLite store in the state directory (created owner-only). */
export function openStore(options: GlobalOptions, env: CliDeps['env']): Store {
  const home = resolveHome(options, env);
  ensureHome(home);
  return openSqliteStore({ path: defaultDbPath(home) });
}

/**
 * The audit log's checkpoint signer for the state directory, with its key created on first use.
 * @throws StoreError when the key cannot be read or created; AuditError when it is malformed.
 */
export function openAuditSigning(home: string): CheckpointSigning {
  const skey = loadOrCreateAuditKey(home);
  return createCheckpointSigning(
    parseSignerKey(skey),
    parseVerifierKey(verifierKeyOf(skey)),
    createSignedHeadGuard(home),
  );
}

/**
 * Signs a checkpoint covering a human's decision just recorded (approve, quarantine, resolve), so
 * it is provable at once. The decision stands either way: a failure to sign is reported, not fatal.
 */
export async function signDecisionCheckpoint(
  store: Store,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<void> {
  try {
    await store.addCheckpoint(openAuditSigning(resolveHome(options, deps.env)));
  } catch (error) {
    deps.stderr.write(
      `holdfast: recorded, but could not sign an audit checkpoint (${errorCode(error)})\n`,
    );
  }
}

/**
 * Writes a value as one JSON document in pure ASCII: every character from U+007F up is written as a
 * `\uXXXX` escape. Parsers read exactly the same value, but server-authored text (a description in
 * a diff) can never put an invisible, bidi, tag or control character on the reader's terminal.
 */
export function writeJson(deps: CliDeps, value: unknown): void {
  deps.stdout.write(`${escapeNonAscii(JSON.stringify(value, null, 2))}\n`);
}

/**
 * A string for a terminal line: as is when it is plain printable ASCII without spaces, otherwise
 * quoted JSON with every control and non-ASCII character escaped (see writeJson).
 */
export function toTerminalSafe(text: string): string {
  return /^[\x21-\x7e]*$/.test(text) ? text : escapeNonAscii(JSON.stringify(text));
}

function escapeNonAscii(json: string): string {
  return json.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The identity of the human running a command, for the record. */
export function cliActor(env: CliDeps['env']): string {
  return `cli:${env['USER'] ?? env['LOGNAME'] ?? 'unknown'}`;
}

/**
 * The configuration at `path` (`--config`), or the defaults when none is given.
 * @throws ConfigError for invalid content, or the file system error when it cannot be read.
 */
export function readConfigOption(path: string | undefined): Config {
  return path === undefined ? defaultConfig() : parseConfig(readFileSync(path, 'utf8'), path);
}

/** One line saying why `--config` could not be used (no file contents beyond field paths). */
export function describeConfigProblem(error: unknown, path: string | undefined): string {
  if (error instanceof ConfigError) return error.message;
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return `cannot read config ${path ?? ''} (${code})`;
}

/**
 * Text for one terminal line: every C0/C1 control, DEL, line or paragraph separator and bidi
 * control is written as `\uXXXX`, so nothing can move the cursor, colour the terminal or reorder
 * what follows. Everything else is kept as is (one pass over the text).
 */
export function toTerminalLine(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isUnsafeForTerminal(c)) continue;
    out += `${text.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isUnsafeForTerminal(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x061c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

/** Writes `header` and `rows` as left-aligned columns two spaces apart (cells already safe). */
export function writeTable(
  deps: Pick<CliDeps, 'stdout'>,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    const line = row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
    deps.stdout.write(`${line.trimEnd()}\n`);
  }
}
