import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

import { StoreError } from '../shared/errors.js';

/** Owner read, write and search: the only mode the state directory may have. */
const DIR_MODE = 0o700;
/** Owner read and write: the only mode the database and its -wal/-shm files may have. */
export const FILE_MODE = 0o600;
/** Group and other permission bits. */
const GROUP_OTHER_BITS = 0o077;

/** The SQLite database inside a Holdfast state directory. */
export function defaultDbPath(home: string): string {
  return join(home, 'holdfast.db');
}

/**
 * Creates the state directory (and its parents) if missing and makes it owner-only (0700). An
 * existing directory with group or other permissions is tightened to 0700.
 * @throws StoreError `STORE_PERMISSIONS` when the path is not a directory, belongs to another user
 *   or cannot be created or tightened.
 */
export function ensureHome(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    throw new StoreError('STORE_PERMISSIONS', 'cannot create the state directory', {
      cause: error,
    });
  }
  const stats = statOrThrow(dir, 'cannot inspect the state directory');
  if (!stats.isDirectory()) {
    throw new StoreError('STORE_PERMISSIONS', 'the state directory path is not a directory');
  }
  restrictMode(dir, stats, DIR_MODE, 'the state directory');
}

/**
 * Makes an existing file owner-only: a mode with group or other bits becomes `mode`.
 * @throws StoreError `STORE_PERMISSIONS` when the file belongs to another user or cannot be changed.
 */
export function restrictFileMode(path: string, what: string): void {
  restrictMode(path, statOrThrow(path, `cannot inspect ${what}`), FILE_MODE, what);
}

function restrictMode(
  path: string,
  stats: { mode: number; uid: number },
  mode: number,
  what: string,
): void {
  if (process.platform === 'win32') return; // POSIX modes do not apply; NTFS ACLs are inherited.
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new StoreError('STORE_PERMISSIONS', `${what} belongs to another user`, {
      details: { ownerUid: stats.uid, uid },
    });
  }
  if ((stats.mode & GROUP_OTHER_BITS) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (error) {
    throw new StoreError('STORE_PERMISSIONS', `cannot make ${what} owner-only`, { cause: error });
  }
}

function statOrThrow(
  path: string,
  message: string,
): { mode: number; uid: number; isDirectory(): boolean } {
  try {
    return statSync(path);
  } catch (error) {
    throw new StoreError('STORE_PERMISSIONS', message, { cause: error });
  }
}
