import type Database from 'better-sqlite3';

import { nodeKey, planAppend, planCheckpoint } from '../../audit/append.js';
import type { AuditEvent, AuditPayload } from '../../audit/entry.js';
import type { NodeReader } from '../../audit/merkle.js';
import { consistencyProof, inclusionProof, rootFromNodes } from '../../audit/merkle.js';
import type { AuditStore, StoredCheckpoint, StoredEntry } from '../ports.js';
import { CallerError, corrupt } from './sqlite-errors.js';

/** The audit tables (migration 2): entries, perfect-subtree nodes, checkpoints, payloads. */
export const AUDIT_SCHEMA = `
  CREATE TABLE audit_entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL) STRICT;
  CREATE TABLE audit_nodes (id INTEGER PRIMARY KEY, hash BLOB NOT NULL) STRICT;
  CREATE TABLE audit_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT;
  CREATE TABLE audit_payloads (idx INTEGER PRIMARY KEY, salt BLOB NOT NULL, body TEXT) STRICT;`;

/** Runs `op` on the open database, mapping faults to StoreError (see sqlite-store.ts). */
export type Settle = <T>(operation: string, op: () => T) => Promise<T>;

/** The audit half of the SQLite store, and the append step pin updates reuse inside their own transaction. */
export interface SqliteAudit {
  store: AuditStore;
  /** Appends inside the caller's transaction; returns the indexes. */
  appendInTransaction(events: readonly AuditEvent[]): number[];
}

interface PayloadRow {
  salt: unknown;
  body: unknown;
}

/** Builds the audit statements over `db` (already migrated). */
export function createSqliteAudit(db: Database.Database, settle: Settle): SqliteAudit {
  const selectNode = db
    .prepare<[number], Buffer>('SELECT hash FROM audit_nodes WHERE id = ?')
    .pluck();
  const selectSize = db
    .prepare<[], number | null>('SELECT max(idx) + 1 FROM audit_entries')
    .pluck();
  const insertEntry = db.prepare<[number, Buffer]>(
    'INSERT INTO audit_entries (idx, entry) VALUES (?, ?)',
  );
  const insertNode = db.prepare<[number, Buffer]>(
    'INSERT INTO audit_nodes (id, hash) VALUES (?, ?)',
  );
  const insertPayload = db.prepare<[number, Buffer, string | null]>(
    'INSERT INTO audit_payloads (idx, salt, body) VALUES (?, ?, ?)',
  );
  const selectEntries = db.prepare<
    [number, number],
    { idx: unknown; entry: unknown; leaf: unknown }
  >(
    `SELECT e.idx AS idx, e.entry AS entry, n.hash AS leaf FROM audit_entries e
     LEFT JOIN audit_nodes n ON n.id = e.idx WHERE e.idx >= ? ORDER BY e.idx LIMIT ?`,
  );
  const selectCheckpoints = db.prepare<[], { size: unknown; note: unknown }>(
    'SELECT size, note FROM audit_checkpoints ORDER BY size',
  );
  const selectLatestCheckpoint = db.prepare<[], { size: unknown; note: unknown }>(
    'SELECT size, note FROM audit_checkpoints ORDER BY size DESC LIMIT 1',
  );
  const insertCheckpoint = db.prepare<[number, string]>(
    'INSERT INTO audit_checkpoints (size, note) VALUES (?, ?)',
  );
  const selectPayload = db.prepare<[number], PayloadRow>(
    'SELECT salt, body FROM audit_payloads WHERE idx = ?',
  );
  const removePayload = db.prepare<[number]>('DELETE FROM audit_payloads WHERE idx = ?');

  const readNode: NodeReader = (level, index) => {
    const hash = selectNode.get(nodeKey(level, index));
    if (!(hash instanceof Uint8Array))
      throw corrupt(`audit log: tree node ${level}/${index} is missing`);
    return hash;
  };
  const size = (): number => selectSize.get() ?? 0;

  const appendInTransaction = (events: readonly AuditEvent[]): number[] => {
    if (events.length === 0) return [];
    let planned;
    try {
      planned = planAppend(size(), events, readNode);
    } catch (error) {
      throw new CallerError(error);
    }
    for (const { index, entry, nodes, payload } of planned) {
      insertEntry.run(index, entry);
      for (const node of nodes) insertNode.run(nodeKey(node.level, node.index), node.hash);
      if (payload !== undefined) insertPayload.run(index, payload.salt, payload.body);
    }
    return planned.map((p) => p.index);
  };
  const appendTx = db.transaction(appendInTransaction);

  const checkpointTx = db.transaction((sign: Parameters<AuditStore['addCheckpoint']>[0]) => {
    const latest = selectLatestCheckpoint.get();
    const previous = latest === undefined ? undefined : toCheckpoint(latest);
    let plan;
    try {
      plan = planCheckpoint(size(), readNode, previous, sign);
    } catch (error) {
      throw new CallerError(error);
    }
    if (plan.isNew) insertCheckpoint.run(plan.stored.size, plan.stored.note);
    return plan.stored;
  });

  const store: AuditStore = {
    appendAudit(events) {
      return settle('audit append', () => appendTx.immediate(events));
    },
    auditHead() {
      return settle('audit read', () => {
        const n = size();
        return { size: n, root: rootFromNodes(n, readNode) };
      });
    },
    readEntries(start, limit) {
      return settle('audit read', () =>
        selectEntries.all(start, limit).map((row): StoredEntry => {
          if (!Number.isSafeInteger(row.idx) || !(row.entry instanceof Uint8Array)) {
            throw corrupt('audit log: a stored entry has the wrong type');
          }
          return {
            index: row.idx as number,
            entry: row.entry as Buffer,
            leaf: row.leaf instanceof Uint8Array ? (row.leaf as Buffer) : undefined,
          };
        }),
      );
    },
    inclusionProof(index, treeSize) {
      return settle('audit read', () => asCaller(() => inclusionProof(index, treeSize, readNode)));
    },
    consistencyProof(size1, size2) {
      return settle('audit read', () => asCaller(() => consistencyProof(size1, size2, readNode)));
    },
    rootAt(treeSize) {
      return settle('audit read', () => asCaller(() => rootFromNodes(treeSize, readNode)));
    },
    listCheckpoints() {
      return settle('audit read', () => selectCheckpoints.all().map(toCheckpoint));
    },
    addCheckpoint(sign) {
      return settle('audit checkpoint', () => checkpointTx.immediate(sign));
    },
    readPayload(index) {
      return settle('audit read', () => {
        const row = selectPayload.get(index);
        return row === undefined ? undefined : toPayload(row);
      });
    },
    deletePayload(index) {
      return settle('audit redact', () => removePayload.run(index).changes > 0);
    },
  };
  return { store, appendInTransaction };
}

/** A proof request the tree cannot answer (bad index or size) is the caller's error, not a fault. */
function asCaller<T>(op: () => T): T {
  try {
    return op();
  } catch (error) {
    if (error instanceof RangeError) throw new CallerError(error);
    throw error;
  }
}

function toCheckpoint(row: { size: unknown; note: unknown }): StoredCheckpoint {
  if (!Number.isSafeInteger(row.size) || typeof row.note !== 'string') {
    throw corrupt('audit log: a stored checkpoint has the wrong type');
  }
  return { size: row.size as number, note: row.note };
}

function toPayload(row: PayloadRow): AuditPayload {
  if (!(row.salt instanceof Uint8Array) || (row.body !== null && typeof row.body !== 'string')) {
    throw corrupt('audit log: a stored payload has the wrong type');
  }
  return { salt: row.salt as Buffer, body: row.body };
}
