/**
 * Temporary SQLite store files for backend tests: a fresh file per test that a test may open more
 * than once, close, and damage behind the store's back, as an attacker or a failing disk would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect } from 'vitest';

import { StoreError } from '../../src/shared/errors.js';
import type { Store } from '../../src/store/index.js';
import { defaultDbPath, openSqliteStore } from '../../src/store/index.js';
import { errorOf } from './thrown.js';

/** A fresh, empty temporary directory whose name starts with `prefix`. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A store contract factory: a fresh SQLite store in a temporary directory it removes on cleanup. */
export function makeSqliteStore(
  prefix: string,
): () => Promise<{ store: Store; cleanup: () => Promise<void> }> {
  return () => {
    const dir = makeTempDir(prefix);
    const store = openSqliteStore({ path: defaultDbPath(join(dir, 'home')) });
    return Promise.resolve({
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  };
}

/** The per-test SQLite file set up by {@link useSqliteFile}. */
export interface SqliteFile {
  /** The temporary directory of the current test, removed after it. */
  readonly dir: string;
  /** The holdfast home inside `dir`. */
  readonly home: string;
  /** The database file inside `home`. */
  readonly path: string;
  /** Opens a store on the file that is closed after the test. */
  readonly open: () => Store;
  /** Closes every store opened so far. */
  readonly closeAll: () => Promise<void>;
  /** Runs `sql` on a raw connection of its own, as an attacker or a damaged disk would. */
  readonly tamper: (sql: string) => void;
}

/**
 * Registers hooks in the enclosing `describe` that give each test a fresh temporary directory
 * (named from `prefix`) with the home at `homeSegments` inside it, and afterwards close every store
 * the test opened and remove the directory.
 */
export function useSqliteFile(prefix: string, ...homeSegments: string[]): SqliteFile {
  let dir = '';
  let home = '';
  let path = '';
  const opened: Store[] = [];
  const file: SqliteFile = {
    get dir() {
      return dir;
    },
    get home() {
      return home;
    },
    get path() {
      return path;
    },
    open: () => {
      const store = openSqliteStore({ path });
      opened.push(store);
      return store;
    },
    closeAll: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    },
    tamper: (sql) => {
      const raw = new Database(path);
      try {
        raw.pragma('ignore_check_constraints = ON');
        raw.exec(sql);
      } finally {
        raw.close();
      }
    },
  };
  beforeEach(() => {
    dir = makeTempDir(prefix);
    home = join(dir, ...homeSegments);
    path = defaultDbPath(home);
  });
  afterEach(async () => {
    await file.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });
  return file;
}

/** Expects `op` to throw or reject with a StoreError of `code`. */
export async function expectStoreError(op: () => unknown, code: StoreError['code']): Promise<void> {
  const error = await errorOf(op);
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toMatchObject({ code });
}
