import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import type { PinEvent, ServerRecord, ServerStatus } from '../../pinning/types.js';
import { StoreError } from '../../shared/errors.js';
import type { PinStore, PinUpdate } from '../ports.js';
import { ensureHome, FILE_MODE, restrictFileMode } from './home.js';

/** Options for {@link openSqlitePinStore}. */
export interface SqlitePinStoreOptions {
  /**
   * The database file. Its directory is created if missing and made owner-only (0700) even when it
   * exists, so give the database a directory of its own (the default is `$HOLDFAST_HOME`).
   */
  path: string;
  /** How long to wait for another process's write lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** A running gateway and the CLI share the file; a writer waits this long for the other. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Marks the file as a Holdfast database (`PRAGMA application_id`, ASCII "HDFS"). */
const APPLICATION_ID = 0x48444653;
const STATUSES = {
  verified: true,
  pending: true,
  changed: true,
  quarantined: true,
} as const satisfies Record<ServerStatus, true>;

/**
 * Schema migrations: entry `i` moves `PRAGMA user_version` from `i` to `i + 1`. Append only; never
 * edit a shipped entry. `status` and `revision` duplicate fields of `record` so `getStatus` reads
 * two small columns; reads check the copies agree.
 */
const MIGRATIONS: readonly string[] = [
  `PRAGMA application_id = ${APPLICATION_ID};
   CREATE TABLE servers (
     name TEXT PRIMARY KEY NOT NULL,
     revision INTEGER NOT NULL CHECK (revision >= 1),
     status TEXT NOT NULL CHECK (status IN ('verified', 'pending', 'changed', 'quarantined')),
     record TEXT NOT NULL
   ) STRICT;
   CREATE TABLE pin_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     server TEXT NOT NULL,
     kind TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX pin_events_by_server ON pin_events (server, seq);`,
];

/** Row columns are `unknown` until checked: the file may have been edited or damaged. */
interface StatusRow {
  status: unknown;
  revision: unknown;
}
interface ServerRow extends StatusRow {
  name: unknown;
  record: unknown;
}
interface EventRow {
  at: unknown;
  server: unknown;
  kind: unknown;
  data: unknown;
}
type UpdateFn = (current: ServerRecord | undefined) => PinUpdate | undefined;

/** Carries an error raised by the caller's update function through the transaction unchanged. */
class CallerError extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super('update function failed');
    this.error = error;
  }
}

/**
 * Opens (creating and migrating if needed) the SQLite pin store at `options.path`: WAL journal,
 * `synchronous=FULL`, a busy timeout so several processes can share the file, owner-only modes on
 * the directory (0700) and on the database and its -wal/-shm files (0600).
 * @throws StoreError on any fault: `STORE_PERMISSIONS` for modes and ownership, `STORE_CORRUPT`
 *   when the file is not a Holdfast database, `STORE_UNAVAILABLE` otherwise.
 */
export function openSqlitePinStore(options: SqlitePinStoreOptions): PinStore {
  const { path } = options;
  if (path === '' || path.startsWith(':') || path.startsWith('file:')) {
    throw new RangeError('the pin store path must name a file');
  }
  ensureHome(dirname(path));
  createOwnerOnly(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') {
      throw new StoreError('STORE_UNAVAILABLE', 'the pin store cannot use a WAL journal here');
    }
    db.pragma('synchronous = FULL');
    migrate(db);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) restrictFileMode(path + suffix, 'the database journal');
    }
    return createStore(db);
  } catch (error) {
    db?.close();
    throw toStoreError(error, 'open');
  }
}

function createStore(db: Database.Database): PinStore {
  const selectStatus = db.prepare<[string], StatusRow>(
    'SELECT status, revision FROM servers WHERE name = ?',
  );
  const selectServer = db.prepare<[string], ServerRow>(
    'SELECT name, status, revision, record FROM servers WHERE name = ?',
  );
  const selectServers = db.prepare<[], ServerRow>(
    'SELECT name, status, revision, record FROM servers',
  );
  const upsertServer = db.prepare<[string, number, string, string]>(
    `INSERT INTO servers (name, revision, status, record) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE
     SET revision = excluded.revision, status = excluded.status, record = excluded.record`,
  );
  const insertEvent = db.prepare<[number, string, string, string]>(
    'INSERT INTO pin_events (at, server, kind, data) VALUES (?, ?, ?, ?)',
  );
  // The most recent `limit` events (-1: all), returned oldest first.
  const selectEvents = db.prepare<[number], EventRow>(
    `SELECT at, server, kind, data FROM
     (SELECT seq, at, server, kind, data FROM pin_events ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
  );
  const selectServerEvents = db.prepare<[string, number], EventRow>(
    `SELECT at, server, kind, data FROM
     (SELECT seq, at, server, kind, data FROM pin_events WHERE server = ? ORDER BY seq DESC LIMIT ?)
     ORDER BY seq`,
  );

  const updateTx = db.transaction((name: string, fn: UpdateFn): ServerRecord | undefined => {
    const row = selectServer.get(name);
    const current = row === undefined ? undefined : parseServerRow(name, row);
    let result: PinUpdate | undefined;
    try {
      result = fn(current === undefined ? undefined : structuredClone(current));
      if (result !== undefined && result.record.name !== name) {
        throw new RangeError('update result names a different server than the one updated');
      }
    } catch (error) {
      throw new CallerError(error);
    }
    if (result === undefined) return current;
    const record: ServerRecord = { ...result.record, revision: (current?.revision ?? 0) + 1 };
    const json = JSON.stringify(record);
    upsertServer.run(name, record.revision, record.status, json);
    appendTx(result.events);
    return JSON.parse(json) as ServerRecord;
  });

  const appendTx = db.transaction((events: readonly PinEvent[]): void => {
    for (const event of events) {
      insertEvent.run(event.at, event.server, event.kind, JSON.stringify(event.data));
    }
  });

  /** Runs `op` on the open database; every fault but the caller's own becomes a StoreError. */
  const settle = <T>(operation: string, op: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (!db.open) throw new StoreError('STORE_UNAVAILABLE', 'pin store is closed');
      try {
        resolve(op());
      } catch (error) {
        if (error instanceof CallerError) throw error.error;
        throw toStoreError(error, operation);
      }
    });

  return {
    getServer(name) {
      return settle('read', () => {
        const row = selectServer.get(name);
        return row === undefined ? undefined : parseServerRow(name, row);
      });
    },
    getStatus(name) {
      return settle('read', () => {
        const row = selectStatus.get(name);
        return row === undefined ? undefined : parseStatusRow(name, row);
      });
    },
    listServers() {
      return settle('read', () =>
        selectServers
          .all()
          .map((row) => parseServerRow(typeof row.name === 'string' ? row.name : '', row))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      );
    },
    update(name, fn) {
      return settle('update', () => updateTx.immediate(name, fn));
    },
    appendEvents(events) {
      return settle('update', () => {
        appendTx(events);
      });
    },
    listEvents(filter = {}) {
      return settle('read', () => {
        const { server, limit } = filter;
        if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
          throw new CallerError(new RangeError('event limit must be a non-negative integer'));
        }
        const rows =
          server === undefined
            ? selectEvents.all(limit ?? -1)
            : selectServerEvents.all(server, limit ?? -1);
        return rows.map(parseEventRow);
      });
    },
    close() {
      if (db.open) db.close();
      return Promise.resolve();
    },
  };
}

/** Applies pending migrations in one write transaction; refuses foreign and newer databases. */
function migrate(db: Database.Database): void {
  const readVersion = (): number => {
    const version = db.pragma('user_version', { simple: true });
    if (typeof version !== 'number') throw corrupt('the schema version is unreadable');
    return version;
  };
  if (readVersion() === MIGRATIONS.length) return;
  db.transaction(() => {
    const version = readVersion(); // again: another process may have migrated meanwhile
    if (version > MIGRATIONS.length) {
      throw new StoreError('STORE_UNAVAILABLE', 'the database was written by a newer Holdfast', {
        details: { schemaVersion: version, supported: MIGRATIONS.length },
      });
    }
    const tables = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    if (version === 0 && tables !== 0) throw corrupt('the file is not a Holdfast database');
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
    throw corrupt('the file is not a Holdfast database');
  }
}

/** Creates the database file owner-only before SQLite opens it, or tightens an existing one. */
function createOwnerOnly(path: string): void {
  try {
    closeSync(openSync(path, 'a', FILE_MODE));
  } catch (error) {
    throw new StoreError('STORE_PERMISSIONS', 'cannot create the database file', { cause: error });
  }
  restrictFileMode(path, 'the database file');
}

function parseStatusRow(name: string, row: StatusRow): Pick<ServerRecord, 'status' | 'revision'> {
  const { status, revision } = row;
  if (typeof status !== 'string' || !Object.hasOwn(STATUSES, status)) {
    throw corrupt('a stored status is invalid', name);
  }
  if (!Number.isSafeInteger(revision) || (revision as number) < 1) {
    throw corrupt('a stored revision is invalid', name);
  }
  return { status: status as ServerStatus, revision: revision as number };
}

/** Checks a record minimally but strictly: its own fields agree with the row it sits in. */
function parseServerRow(name: string, row: ServerRow): ServerRecord {
  const { status, revision } = parseStatusRow(name, row);
  const value = parseJsonObject(row.record, name);
  const isValid =
    row.name === name &&
    value['name'] === name &&
    value['status'] === status &&
    value['revision'] === revision &&
    typeof value['reason'] === 'string' &&
    Number.isFinite(value['updatedAt']) &&
    isObjectOrNull(value['baseline']) &&
    isObjectOrNull(value['observed']);
  if (!isValid) throw corrupt('a stored record has the wrong shape', name);
  return value as unknown as ServerRecord;
}

function parseEventRow(row: EventRow): PinEvent {
  const { at, server, kind } = row;
  if (typeof server !== 'string' || typeof kind !== 'string' || !Number.isFinite(at)) {
    throw corrupt('a stored event has the wrong shape');
  }
  const data = parseJsonObject(row.data, server);
  for (const value of Object.values(data)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      throw corrupt('a stored event has the wrong shape', server);
    }
  }
  return {
    at: at as number,
    server,
    kind: kind as PinEvent['kind'],
    data: data as PinEvent['data'],
  };
}

function parseJsonObject(text: unknown, server: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch (error) {
    throw corrupt('a stored value is not JSON', server, error);
  }
  if (!isObject(value)) throw corrupt('a stored value is not an object', server);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isObjectOrNull(value: unknown): value is Record<string, unknown> | null {
  return value === null || isObject(value);
}

function corrupt(message: string, server?: string, cause?: unknown): StoreError {
  return new StoreError('STORE_CORRUPT', `pin store: ${message}`, {
    cause,
    details: server === undefined ? {} : { server },
  });
}

/** Maps any driver fault to a StoreError: the message names the operation and SQLite code only. */
function toStoreError(error: unknown, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const sqliteCode = error instanceof Database.SqliteError ? error.code : undefined;
  if (sqliteCode === undefined) {
    return new StoreError('STORE_UNAVAILABLE', `pin store ${operation} failed`, { cause: error });
  }
  const code =
    sqliteCode === 'SQLITE_NOTADB' || sqliteCode.startsWith('SQLITE_CORRUPT')
      ? 'STORE_CORRUPT'
      : sqliteCode === 'SQLITE_PERM' || sqliteCode.startsWith('SQLITE_READONLY')
        ? 'STORE_PERMISSIONS'
        : 'STORE_UNAVAILABLE';
  return new StoreError(code, `pin store ${operation} failed (${sqliteCode})`, {
    cause: error,
    details: { sqliteCode },
  });
}
