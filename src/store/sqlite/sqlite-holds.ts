import type Database from 'better-sqlite3';

import {
  assertNewHold,
  assertNonceUse,
  expire,
  isHold,
  resolve,
  toHoldEvent,
  toHoldResolvedEvent,
} from '../../approvals/index.js';
import type { AuditEvent } from '../../audit/entry.js';
import type { Hold, HoldStore } from '../ports.js';
import type { Settle } from './sqlite-audit.js';
import { CallerError, corrupt } from './sqlite-errors.js';

/**
 * The approval tables (migration 3): held calls, and the nonces of signed callbacks already used.
 * Only a pending hold's row changes, once (see approvals/hold.ts); `state` is a column of its own
 * so the pending queue is one index range.
 */
export const HOLDS_SCHEMA = `
  CREATE TABLE holds (
    id TEXT PRIMARY KEY NOT NULL,
    server TEXT NOT NULL,
    method TEXT NOT NULL,
    name TEXT,
    principal TEXT NOT NULL,
    definition_digest TEXT,
    args_digest TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'expired')),
    resolved_by TEXT,
    resolved_at INTEGER
  ) STRICT;
  CREATE INDEX holds_by_state ON holds (state, created_at);
  CREATE TABLE callback_nonces (nonce TEXT PRIMARY KEY NOT NULL, at INTEGER NOT NULL) STRICT;
  CREATE INDEX callback_nonces_by_at ON callback_nonces (at);`;

/** Row columns are `unknown` until checked: the file may have been edited or damaged. */
interface HoldRow {
  id: unknown;
  server: unknown;
  method: unknown;
  name: unknown;
  principal: unknown;
  definition_digest: unknown;
  args_digest: unknown;
  rule_id: unknown;
  reason: unknown;
  created_at: unknown;
  expires_at: unknown;
  state: unknown;
  resolved_by: unknown;
  resolved_at: unknown;
}

const COLUMNS = `id, server, method, name, principal, definition_digest, args_digest, rule_id, reason,
  created_at, expires_at, state, resolved_by, resolved_at`;
/** Oldest first; the rowid breaks ties in creation order. */
const ORDER = 'ORDER BY created_at, rowid';

/**
 * Builds the hold statements over `db` (already migrated). `appendInTransaction` is the audit
 * log's append step, run inside each write so a hold and its entry commit together.
 */
export function createSqliteHolds(
  db: Database.Database,
  settle: Settle,
  appendInTransaction: (events: readonly AuditEvent[]) => number[],
): HoldStore {
  const selectHold = db.prepare<[string], HoldRow>(`SELECT ${COLUMNS} FROM holds WHERE id = ?`);
  // One statement per filter combination, so a state filter uses holds_by_state.
  const selectAll = db.prepare<[], HoldRow>(`SELECT ${COLUMNS} FROM holds ${ORDER}`);
  const selectByState = db.prepare<[string], HoldRow>(
    `SELECT ${COLUMNS} FROM holds WHERE state = ? ${ORDER}`,
  );
  const selectByServer = db.prepare<[string], HoldRow>(
    `SELECT ${COLUMNS} FROM holds WHERE server = ? ${ORDER}`,
  );
  const selectByBoth = db.prepare<[string, string], HoldRow>(
    `SELECT ${COLUMNS} FROM holds WHERE state = ? AND server = ? ${ORDER}`,
  );
  const selectHolds = (state: string | undefined, server: string | undefined): HoldRow[] => {
    if (state !== undefined && server !== undefined) return selectByBoth.all(state, server);
    if (state !== undefined) return selectByState.all(state);
    if (server !== undefined) return selectByServer.all(server);
    return selectAll.all();
  };
  const insertHold = db.prepare<[Record<string, string | number | null>]>(
    `INSERT INTO holds (${COLUMNS}) VALUES (@id, @server, @method, @name, @principal,
     @definition_digest, @args_digest, @rule_id, @reason, @created_at, @expires_at, @state,
     @resolved_by, @resolved_at)`,
  );
  // Compare-and-set on the state: only a pending row is ever resolved.
  const updateState = db.prepare<[string, string | null, number | null, string]>(
    `UPDATE holds SET state = ?, resolved_by = ?, resolved_at = ?
     WHERE id = ? AND state = 'pending'`,
  );
  const pruneNonces = db.prepare<[number]>('DELETE FROM callback_nonces WHERE at < ?');
  const insertNonce = db.prepare<[string, number]>(
    'INSERT INTO callback_nonces (nonce, at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING',
  );

  const createTx = db.transaction((hold: Hold) => {
    try {
      assertNewHold(hold);
    } catch (error) {
      throw new CallerError(error);
    }
    if (selectHold.get(hold.id) !== undefined) {
      throw new CallerError(new RangeError('a hold with this id already exists'));
    }
    insertHold.run(toRow(hold));
    appendInTransaction([toHoldEvent(hold)]);
  });

  /** Reads the hold, applies the pure step `next`, and writes and records a change. */
  const stepTx = db.transaction((id: string, next: (hold: Hold) => Hold): Hold | undefined => {
    const row = selectHold.get(id);
    if (row === undefined) return undefined;
    const stored = parseHoldRow(row);
    let changed: Hold;
    try {
      changed = next(stored);
    } catch (error) {
      throw new CallerError(error);
    }
    if (changed === stored) return stored;
    if (updateState.run(changed.state, changed.resolvedBy, changed.resolvedAt, id).changes !== 1) {
      throw corrupt('approval queue: a hold changed state under a write lock');
    }
    appendInTransaction([toHoldResolvedEvent(changed)]);
    return changed;
  });

  const nonceTx = db.transaction((nonce: string, at: number, forgetBefore: number): boolean => {
    pruneNonces.run(forgetBefore);
    return insertNonce.run(nonce, at).changes === 1;
  });

  return {
    createHold(hold) {
      return settle('hold create', () => {
        createTx.immediate(hold);
      });
    },
    getHold(id) {
      return settle('hold read', () => {
        const row = selectHold.get(id);
        return row === undefined ? undefined : parseHoldRow(row);
      });
    },
    listHolds(filter = {}) {
      return settle('hold read', () => selectHolds(filter.state, filter.server).map(parseHoldRow));
    },
    resolveHold(id, resolution) {
      return settle('hold resolve', () =>
        stepTx.immediate(id, (hold) => resolve(hold, resolution)),
      );
    },
    expireHold(id, at) {
      return settle('hold expire', () => stepTx.immediate(id, (hold) => expire(hold, at)));
    },
    useNonce(nonce, at, forgetBefore) {
      return settle('nonce', () => {
        try {
          assertNonceUse(nonce, at, forgetBefore);
        } catch (error) {
          throw new CallerError(error);
        }
        return nonceTx.immediate(nonce, at, forgetBefore);
      });
    },
  };
}

function toRow(hold: Hold): Record<string, string | number | null> {
  return {
    id: hold.id,
    server: hold.server,
    method: hold.method,
    name: hold.name,
    principal: hold.principal,
    definition_digest: hold.definitionDigest,
    args_digest: hold.argsDigest,
    rule_id: hold.ruleId,
    reason: hold.reason,
    created_at: hold.createdAt,
    expires_at: hold.expiresAt,
    state: hold.state,
    resolved_by: hold.resolvedBy,
    resolved_at: hold.resolvedAt,
  };
}

/** A stored row as a hold, checked field by field and for a state its fields agree with. */
function parseHoldRow(row: HoldRow): Hold {
  const hold = {
    id: row.id,
    server: row.server,
    method: row.method,
    name: row.name,
    principal: row.principal,
    definitionDigest: row.definition_digest,
    argsDigest: row.args_digest,
    ruleId: row.rule_id,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    state: row.state,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
  };
  if (!isHold(hold)) {
    const server = typeof row.server === 'string' ? row.server : undefined;
    throw corrupt('approval queue: a stored hold has the wrong shape', server);
  }
  return hold;
}
