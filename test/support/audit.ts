/**
 * Helpers for audit log tests: read the log through the real CLI, and tamper with the SQLite file
 * the way an attacker with write access to the state directory would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { runCli, runCliJson } from './holdfast.js';

/** One entry as `holdfast audit show --json` prints it. */
export interface ShownEntry {
  index: number;
  at: number;
  kind: string;
  server: string;
  data: Record<string, string | number | boolean | null>;
}

/** What `holdfast audit verify --json` prints. */
export interface VerifyJson {
  ok: boolean;
  size: number;
  checkpoints: number;
  uncheckpointed: number;
  firstBadIndex?: number;
  problems: { code: string; index?: number; message: string }[];
}

/** Every entry of the log in `home`, through `holdfast audit show`. */
export function auditEntries(home: string): ShownEntry[] {
  return runCliJson<{ entries: ShownEntry[] }>(
    ['audit', 'show', '--from', '0', '--limit', '1000000'],
    home,
  ).entries;
}

/** `holdfast audit verify --json` with its exit code. */
export function auditVerify(home: string, extra: string[] = []): VerifyJson & { code: number } {
  const result = runCli(['--json', 'audit', 'verify', ...extra], home);
  if (result.stdout.trim() === '') {
    throw new Error(`no JSON output (exit ${result.code}): ${result.stderr}`);
  }
  return { ...(JSON.parse(result.stdout) as VerifyJson), code: result.code };
}

/** Runs SQL against the state database directly, as someone editing the file would. */
export function tamper(home: string, sql: string, ...params: unknown[]): void {
  const db = new Database(join(home, 'holdfast.db'));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** The stored bytes of entry `index`. */
export function storedEntry(home: string, index: number): Buffer {
  const db = new Database(join(home, 'holdfast.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT entry FROM audit_entries WHERE idx = ?').pluck().get(index);
    if (!(row instanceof Buffer)) throw new Error(`no entry ${index}`);
    return row;
  } finally {
    db.close();
  }
}

/** Whether any file in `dir` contains `needle` (as UTF-8 bytes). */
export function anyFileContains(dir: string, needle: string): boolean {
  return readdirSync(dir).some((name) =>
    readFileSync(join(dir, name)).includes(Buffer.from(needle, 'utf8')),
  );
}
