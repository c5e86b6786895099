import type Database from 'better-sqlite3';

import type { AuditEvent } from '../../audit/entry.js';
import {
  assertAccessEvent,
  copyAgentKey,
  copyUser,
  copyUserToken,
  isAgentKeyRecord,
  isTime,
  isUserRecord,
  isUserTokenRecord,
} from '../../auth/index.js';
import type { AccessStore, AgentKeyRecord, UserRecord, UserTokenRecord } from '../ports.js';
import type { Settle } from './sqlite-audit.js';
import { CallerError, corrupt } from './sqlite-errors.js';

/**
 * The access tables (migration 5): agent keys, accounts and their API tokens. Only SHA-256 digests
 * of key and token secrets and scrypt hashes of passwords are stored. A key's name is unique among
 * live keys (a partial index), so a revoked name can be reused.
 * `IF NOT EXISTS`: a database whose version was rewound by hand keeps the later tables it has.
 */
export const ACCESS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS agent_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX IF NOT EXISTS agent_keys_live_name ON agent_keys (name)
    WHERE revoked_at IS NULL;
  CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'developer', 'admin')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    disabled_at INTEGER
  ) STRICT;
  CREATE TABLE IF NOT EXISTS user_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_name TEXT NOT NULL,
    label TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  CREATE INDEX IF NOT EXISTS user_tokens_by_user ON user_tokens (user_name, created_at);`;

/** Row columns are `unknown` until checked: the file may have been edited or damaged. */
type Row<R> = Record<keyof R, unknown>;

/** Columns read back under the record's own field names, so a row is checked as a record. */
const KEY_COLUMNS = `id, name, secret_hash AS secretHash, created_at AS createdAt,
  created_by AS createdBy, revoked_at AS revokedAt`;
const USER_COLUMNS = `name, role, password_hash AS passwordHash, created_at AS createdAt,
  created_by AS createdBy, disabled_at AS disabledAt`;
const TOKEN_COLUMNS = `id, user_name AS user, label, secret_hash AS secretHash,
  created_at AS createdAt, revoked_at AS revokedAt`;
/** Oldest first; the rowid breaks ties in creation order. */
const BY_CREATION = 'ORDER BY created_at, rowid';

/**
 * Builds the access statements over `db` (already migrated). `appendInTransaction` is the audit
 * log's append step, run inside each write so a change and its `access` entry commit together.
 */
export function createSqliteAccess(
  db: Database.Database,
  settle: Settle,
  appendInTransaction: (events: readonly AuditEvent[]) => number[],
): AccessStore {
  const selectKey = db.prepare<[string], Row<AgentKeyRecord>>(
    `SELECT ${KEY_COLUMNS} FROM agent_keys WHERE id = ?`,
  );
  const selectLiveKeyName = db
    .prepare<[string]>('SELECT 1 FROM agent_keys WHERE name = ? AND revoked_at IS NULL')
    .pluck();
  const selectKeys = db.prepare<[], Row<AgentKeyRecord>>(
    `SELECT ${KEY_COLUMNS} FROM agent_keys ${BY_CREATION}`,
  );
  const insertKey = db.prepare<[AgentKeyRecord]>(
    `INSERT INTO agent_keys (id, name, secret_hash, created_at, created_by, revoked_at)
     VALUES (@id, @name, @secretHash, @createdAt, @createdBy, @revokedAt)`,
  );
  const revokeKey = db.prepare<[number, string]>(
    'UPDATE agent_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const selectUser = db.prepare<[string], Row<UserRecord>>(
    `SELECT ${USER_COLUMNS} FROM users WHERE name = ?`,
  );
  const selectUsers = db.prepare<[], Row<UserRecord>>(
    `SELECT ${USER_COLUMNS} FROM users ORDER BY name`,
  );
  // Replacing keeps when and by whom the account was first created.
  const upsertUser = db.prepare<[UserRecord]>(
    `INSERT INTO users (name, role, password_hash, created_at, created_by, disabled_at)
     VALUES (@name, @role, @passwordHash, @createdAt, @createdBy, @disabledAt)
     ON CONFLICT (name) DO UPDATE SET role = excluded.role,
       password_hash = excluded.password_hash, disabled_at = excluded.disabled_at`,
  );
  const selectToken = db.prepare<[string], Row<UserTokenRecord>>(
    `SELECT ${TOKEN_COLUMNS} FROM user_tokens WHERE id = ?`,
  );
  const selectTokens = db.prepare<[], Row<UserTokenRecord>>(
    `SELECT ${TOKEN_COLUMNS} FROM user_tokens ${BY_CREATION}`,
  );
  const selectTokensOf = db.prepare<[string], Row<UserTokenRecord>>(
    `SELECT ${TOKEN_COLUMNS} FROM user_tokens WHERE user_name = ? ${BY_CREATION}`,
  );
  const insertToken = db.prepare<[UserTokenRecord]>(
    `INSERT INTO user_tokens (id, user_name, label, secret_hash, created_at, revoked_at)
     VALUES (@id, @user, @label, @secretHash, @createdAt, @revokedAt)`,
  );
  const revokeToken = db.prepare<[number, string]>(
    'UPDATE user_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );

  /** Runs a caller check, so its error passes through the transaction unchanged. */
  const check = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      throw new CallerError(error);
    }
  };

  const createKeyTx = db.transaction((record: AgentKeyRecord, event: AuditEvent) => {
    check(() => {
      if (!isAgentKeyRecord(record) || record.revokedAt !== null) {
        throw new RangeError('malformed agent key record');
      }
      assertAccessEvent(event, [record.secretHash]);
    });
    if (selectKey.get(record.id) !== undefined) {
      throw new CallerError(new RangeError('an agent key with this id already exists'));
    }
    if (selectLiveKeyName.get(record.name) !== undefined) {
      throw new CallerError(new RangeError('a live agent key already has this name'));
    }
    insertKey.run(copyAgentKey(record));
    appendInTransaction([event]);
  });

  const revokeKeyTx = db.transaction((id: string, at: number, event: AuditEvent): boolean => {
    const row = selectKey.get(id);
    const stored = row === undefined ? undefined : parseKeyRow(row);
    check(() => {
      if (!isTime(at)) throw new RangeError('a revocation time must be a non-negative integer');
      assertAccessEvent(event, stored === undefined ? [] : [stored.secretHash]);
    });
    // Unknown (undefined) or already revoked (a time): nothing to revoke.
    if (stored?.revokedAt !== null) return false;
    if (revokeKey.run(at, id).changes !== 1) {
      throw corrupt('access store: a key changed under a write lock');
    }
    appendInTransaction([event]);
    return true;
  });

  const putUserTx = db.transaction((record: UserRecord, event: AuditEvent) => {
    check(() => {
      if (!isUserRecord(record)) throw new RangeError('malformed user record');
      assertAccessEvent(event, [record.passwordHash]);
    });
    const row = selectUser.get(record.name);
    if (row !== undefined) parseUserRow(row); // refuse to build on a damaged row
    upsertUser.run(copyUser(record));
    appendInTransaction([event]);
  });

  const createTokenTx = db.transaction((record: UserTokenRecord, event: AuditEvent) => {
    check(() => {
      if (!isUserTokenRecord(record) || record.revokedAt !== null) {
        throw new RangeError('malformed user token record');
      }
      assertAccessEvent(event, [record.secretHash]);
    });
    if (selectToken.get(record.id) !== undefined) {
      throw new CallerError(new RangeError('a user token with this id already exists'));
    }
    const ownerRow = selectUser.get(record.user);
    const owner = ownerRow === undefined ? undefined : parseUserRow(ownerRow);
    // Unknown (undefined) or removed (a time): no token for it.
    if (owner?.disabledAt !== null) {
      throw new CallerError(
        new RangeError('a token needs an account that exists and is not removed'),
      );
    }
    insertToken.run(copyUserToken(record));
    appendInTransaction([event]);
  });

  const revokeTokenTx = db.transaction((id: string, at: number, event: AuditEvent): boolean => {
    const row = selectToken.get(id);
    const stored = row === undefined ? undefined : parseTokenRow(row);
    check(() => {
      if (!isTime(at)) throw new RangeError('a revocation time must be a non-negative integer');
      assertAccessEvent(event, stored === undefined ? [] : [stored.secretHash]);
    });
    // Unknown (undefined) or already revoked (a time): nothing to revoke.
    if (stored?.revokedAt !== null) return false;
    if (revokeToken.run(at, id).changes !== 1) {
      throw corrupt('access store: a token changed under a write lock');
    }
    appendInTransaction([event]);
    return true;
  });

  return {
    createAgentKey(record, event) {
      return settle('key create', () => {
        createKeyTx.immediate(record, event);
      });
    },
    getAgentKey(id) {
      return settle('key read', () => {
        const row = selectKey.get(id);
        return row === undefined ? undefined : parseKeyRow(row);
      });
    },
    listAgentKeys() {
      return settle('key read', () => selectKeys.all().map(parseKeyRow));
    },
    revokeAgentKey(id, at, event) {
      return settle('key revoke', () => revokeKeyTx.immediate(id, at, event));
    },
    putUser(record, event) {
      return settle('user write', () => {
        putUserTx.immediate(record, event);
      });
    },
    getUser(name) {
      return settle('user read', () => {
        const row = selectUser.get(name);
        return row === undefined ? undefined : parseUserRow(row);
      });
    },
    listUsers() {
      return settle('user read', () => selectUsers.all().map(parseUserRow));
    },
    createUserToken(record, event) {
      return settle('token create', () => {
        createTokenTx.immediate(record, event);
      });
    },
    getUserToken(id) {
      return settle('token read', () => {
        const row = selectToken.get(id);
        return row === undefined ? undefined : parseTokenRow(row);
      });
    },
    listUserTokens(user) {
      return settle('token read', () =>
        (user === undefined ? selectTokens.all() : selectTokensOf.all(user)).map(parseTokenRow),
      );
    },
    revokeUserToken(id, at, event) {
      return settle('token revoke', () => revokeTokenTx.immediate(id, at, event));
    },
  };
}

function parseKeyRow(row: Row<AgentKeyRecord>): AgentKeyRecord {
  if (!isAgentKeyRecord(row)) throw corrupt('access store: a stored agent key has the wrong shape');
  return copyAgentKey(row);
}

function parseUserRow(row: Row<UserRecord>): UserRecord {
  if (!isUserRecord(row)) throw corrupt('access store: a stored user has the wrong shape');
  return copyUser(row);
}

function parseTokenRow(row: Row<UserTokenRecord>): UserTokenRecord {
  if (!isUserTokenRecord(row)) throw corrupt('access store: a stored token has the wrong shape');
  return copyUserToken(row);
}
