import { homedir } from 'node:os';
import { join } from 'node:path';

import type { Clock } from '../shared/clock.js';
import type { PinStore } from '../store/index.js';
import { defaultDbPath, ensureHome, openSqlitePinStore } from '../store/index.js';

/** What every command gets from the composition root; tests pass their own. */
export interface CliDeps {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
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
} as const;

/** The state directory: `--home`, else `HOLDFAST_HOME`, else `~/.holdfast`. */
export function resolveHome(options: GlobalOptions, env: CliDeps['env']): string {
  return options.home ?? env['HOLDFAST_HOME'] ?? join(homedir(), '.holdfast');
}

/** Opens the embedded SQLite store in the state directory (created owner-only). */
export function openStore(options: GlobalOptions, env: CliDeps['env']): PinStore {
  const home = resolveHome(options, env);
  ensureHome(home);
  return openSqlitePinStore({ path: defaultDbPath(home) });
}

/**
 * Writes a value as one JSON document in pure ASCII: every character from U+007F up is written as a
 * `\uXXXX` escape. Parsers read exactly the same value, but server-authored text (a description in
 * a diff) can never put an invisible, bidi, tag or control character on the reader's terminal.
 */
export function writeJson(deps: CliDeps, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  deps.stdout.write(`${text}\n`);
}

/** The identity of the human running a command, for the record. */
export function cliActor(env: CliDeps['env']): string {
  return `cli:${env['USER'] ?? env['LOGNAME'] ?? 'unknown'}`;
}
