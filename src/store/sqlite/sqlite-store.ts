import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import type { AuditEntry } from '../../audit/entry.js';
import { parseEntry, toPinEvent } from '../../audit/entry.js';
import type { PinEvent, ServerRecord, ServerStatus } from '../../pinning/types.js';
import { StoreError } from '../../shared/errors.js';
import { ensureHome, FILE_MODE, restrictFileMode } from '../home.js';
import type { PinUpdate, Store } from '../ports.js';
import { ACCESS_SCHEMA, createSqliteAccess } from './sqlite-access.js';
import type { Settle } from './sqlite-audit.js';
import { AUDIT_SCHEMA, createSqliteAudit } from './sqlite-audit.js';
import { BEHAVIOR_SCHEMA, createSqliteBehavior } from './sqlite-behavior.js';
import { CallerError, corrupt, toStoreError } from './sqlite-errors.js';
import { createSqliteHolds, HOLDS_SCHEMA } from './sqlite-holds.js';

/** Options for {@link openSqliteStore}. */
export interface SqliteStoreOptions {
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
const MIGRATIONS: readonly (string | ((db: Database.Database) => void))[] = [
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
  // 0.2: the audit log replaces pin_events; earlier events become its first entries, in order.
  (db) => {
    db.exec(AUDIT_SCHEMA);
    const rows = db
      .prepare<[], EventRow>('SELECT at, server, kind, data FROM pin_events ORDER BY seq')
      .all();
    createSqliteAudit(db, settleNow).appendInTransaction(rows.map(parseEventRow));
    db.exec('DROP TABLE pin_events');
  },
  // 0.3: the approval queue (held calls) and the nonces of signed approval callbacks.
  HOLDS_SCHEMA,
  // 0.4: learned behaviour profiles per tool and the anomalies raised against them.
  BEHAVIOR_SCHEMA,
  // 0.5: agent keys, console accounts and their API tokens (holdfast serve).
  ACCESS_SCHEMA,
];

/** Runs a step inside a migration, where faults surface as they are. */
const settleNow: Settle = (_operation, op) => Promise.resolve(op());

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

/**
 * Opens (creating and migrating if needed) the SQLite pin store at `options.path`: WAL journal,
 * `synchronous=FULL`, a busy timeout so several processes can share the file, owner-only modes on
 * the directory (0700) and on the database and its -wal/-shm files (0600).
 * @throws StoreError on any fault: `STORE_PERMISSIONS` for modes and ownership, `STORE_CORRUPT`
 *   when the file is not a Holdfast database, `STORE_UNAVAILABLE` otherwise.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
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

function createStore(db: Database.Database): Store {
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
  // Newest first, so `limit` stops the scan early.
  const selectEntriesDescending = db
    .prepare<[], Buffer>('SELECT entry FROM audit_entries ORDER BY idx DESC')
    .pluck();

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
    audit.appendInTransaction(result.events);
    return JSON.parse(json) as ServerRecord;
  });

  /** Runs `op` on the open database; every fault but the caller's own becomes a StoreError. */
  const settle: Settle = <T>(operation: string, op: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (!db.open) throw new StoreError('STORE_UNAVAILABLE', 'pin store is closed');
      try {
        resolve(op());
      } catch (error) {
        if (error instanceof CallerError) throw error.error;
        throw toStoreError(error, operation);
      }
    });

  const audit = createSqliteAudit(db, settle);
  const holds = createSqliteHolds(db, settle, (events) => audit.appendInTransaction(events));
  const behavior = createSqliteBehavior(db, settle, (events) => audit.appendInTransaction(events));
  const access = createSqliteAccess(db, settle, (events) => audit.appendInTransaction(events));

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
    listEvents(filter = {}) {
      return settle('read', () => {
        const { server, limit = Infinity } = filter;
        if (limit !== Infinity && (!Number.isSafeInteger(limit) || limit < 0)) {
          throw new CallerError(new RangeError('event limit must be a non-negative integer'));
        }
        const events: PinEvent[] = [];
        if (limit === 0) return events;
        for (const bytes of selectEntriesDescending.iterate()) {
          const event = toPinEvent(parseStoredEntry(bytes));
          if (event === undefined || (server !== undefined && event.server !== server)) continue;
          if (events.push(event) >= limit) break;
        }
        return events.reverse();
      });
    },
    ...audit.store,
    ...holds,
    ...behavior,
    ...access,
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
    if (typeof version !== 'number') throw corrupt('pin store: the schema version is unreadable');
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
    if (version === 0 && tables !== 0)
      throw corrupt('pin store: the file is not a Holdfast database');
    for (const step of MIGRATIONS.slice(version)) {
      if (typeof step === 'string') db.exec(step);
      else step(db);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
    throw corrupt('pin store: the file is not a Holdfast database');
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
    throw corrupt('pin store: a stored status is invalid', name);
  }
  if (!Number.isSafeInteger(revision) || (revision as number) < 1) {
    throw corrupt('pin store: a stored revision is invalid', name);
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
    isObjectOrNull(value['observed']) &&
    (value['risk'] === undefined || isObjectOrNull(value['risk']));
  if (!isValid) throw corrupt('pin store: a stored record has the wrong shape', name);
  return value as unknown as ServerRecord;
}

function parseEventRow(row: EventRow): PinEvent {
  const { at, server, kind } = row;
  if (typeof server !== 'string' || typeof kind !== 'string' || !Number.isFinite(at)) {
    throw corrupt('pin store: a stored event has the wrong shape');
  }
  const data = parseJsonObject(row.data, server);
  for (const value of Object.values(data)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      throw corrupt('pin store: a stored event has the wrong shape', server);
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
    throw corrupt('pin store: a stored value is not JSON', server, error);
  }
  if (!isObject(value)) throw corrupt('pin store: a stored value is not an object', server);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseStoredEntry(bytes: Buffer): AuditEntry {
  try {
    return parseEntry(bytes);
  } catch (error) {
    throw corrupt('audit log: a stored entry is malformed', undefined, error);
  }
}

function isObjectOrNull(value: unknown): value is Record<string, unknown> | null {
  return value === null || isObject(value);
}
