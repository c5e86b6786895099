import Database from 'better-sqlite3';

import { StoreError } from '../../shared/errors.js';

/** Carries an error raised by the caller's own code through a transaction unchanged. */
export class CallerError extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super('caller function failed');
    this.error = error;
  }
}

/** A `STORE_CORRUPT` error naming what is wrong (and the server, when there is one). */
export function corrupt(message: string, server?: string, cause?: unknown): StoreError {
  return new StoreError('STORE_CORRUPT', message, {
    cause,
    details: server === undefined ? {} : { server },
  });
}

/** Maps any driver fault to a StoreError: the message names the operation and SQLite code only. */
export function toStoreError(error: unknown, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const sqliteCode = error instanceof Database.SqliteError ? error.code : undefined;
  if (sqliteCode === undefined) {
    return new StoreError('STORE_UNAVAILABLE', `store ${operation} failed`, { cause: error });
  }
  const code =
    sqliteCode === 'SQLITE_NOTADB' || sqliteCode.startsWith('SQLITE_CORRUPT')
      ? 'STORE_CORRUPT'
      : sqliteCode === 'SQLITE_PERM' || sqliteCode.startsWith('SQLITE_READONLY')
        ? 'STORE_PERMISSIONS'
        : 'STORE_UNAVAILABLE';
  return new StoreError(code, `store ${operation} failed (${sqliteCode})`, {
    cause: error,
    details: { sqliteCode },
  });
}
