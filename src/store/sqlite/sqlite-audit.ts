import type Database from 'better-sqlite3';

import { nodeKey, planAppend, planCheckpoint } from '../../audit/append.js';
import type { AuditEvent, AuditPayload } from '../../audit/entry.js';
import type { NodeReader } from '../../audit/merkle.js';
import { consistencyProof, inclusionProof, rootFromNodes } from '../../audit/merkle.js';
import type { AuditStore, StoredCheckpoint, StoredEntry } from '../ports.js';
import { CallerError, corrupt } from './sqlite-errors.js';

/**
 * The audit tables (migration 2). An entry's row also holds its leaf hash (level 0 of the tree) and
 * the salt of its salted digest, so an append writes one row plus, on average, one interior node:
 * few pages per transaction on the call path. Raw payloads, kept only when configured, live apart.
 */
export const AUDIT_SCHEMA = `
  CREATE TABLE audit_entries (
    idx INTEGER PRIMARY KEY, entry BLOB NOT NULL, leaf BLOB NOT NULL, salt BLOB) STRICT;
  CREATE TABLE audit_nodes (id INTEGER PRIMARY KEY, hash BLOB NOT NULL) STRICT;
  CREATE TABLE audit_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT;
  CREATE TABLE audit_payloads (idx INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;`;

/** Interior nodes at this level and above are cached in memory once read. */
const CACHED_LEVEL = 6;
/** At most this many cached nodes (32 bytes each): enough for 2^30 entries at level 6 and up. */
const MAX_CACHED_NODES = 1 << 20;

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
  const selectLeaf = db
    .prepare<[number], Buffer>('SELECT leaf FROM audit_entries WHERE idx = ?')
    .pluck();
  const selectSize = db
    .prepare<[], number | null>('SELECT max(idx) + 1 FROM audit_entries')
    .pluck();
  const insertEntry = db.prepare<[number, Buffer, Buffer, Buffer | null]>(
    'INSERT INTO audit_entries (idx, entry, leaf, salt) VALUES (?, ?, ?, ?)',
  );
  const insertNode = db.prepare<[number, Buffer]>(
    'INSERT INTO audit_nodes (id, hash) VALUES (?, ?)',
  );
  const insertPayload = db.prepare<[number, string]>(
    'INSERT INTO audit_payloads (idx, body) VALUES (?, ?)',
  );
  const selectEntries = db
    .prepare<[number, number], unknown[]>(
      'SELECT idx, entry, leaf FROM audit_entries WHERE idx >= ? ORDER BY idx LIMIT ?',
    )
    .raw();
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
    `SELECT e.salt AS salt, p.body AS body FROM audit_entries e
     LEFT JOIN audit_payloads p ON p.idx = e.idx WHERE e.idx = ? AND e.salt IS NOT NULL`,
  );
  const removeSalt = db.prepare<[number]>(
    'UPDATE audit_entries SET salt = NULL WHERE idx = ? AND salt IS NOT NULL',
  );
  const removePayload = db.prepare<[number]>('DELETE FROM audit_payloads WHERE idx = ?');

  const readNode: NodeReader = (level, index) => {
    const hash = level === 0 ? selectLeaf.get(index) : selectNode.get(nodeKey(level, index));
    if (!(hash instanceof Buffer)) {
      throw corrupt(`audit log: tree node ${level}/${index} is missing`);
    }
    return hash;
  };
  // For proofs only: interior nodes high in the tree never change once written and are few (one
  // per 2^level entries), so they are kept after the first read and a proof reads only its lower
  // siblings from the file. Appends and checkpoint signing always read the file itself.
  const upper = new Map<number, Buffer>();
  const readProofNode: NodeReader = (level, index) => {
    if (level < CACHED_LEVEL) return readNode(level, index);
    const key = nodeKey(level, index);
    const cached = upper.get(key);
    if (cached !== undefined) return cached;
    const hash = Buffer.from(readNode(level, index));
    if (upper.size < MAX_CACHED_NODES) upper.set(key, hash);
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
      const [leaf, ...parents] = nodes;
      if (leaf?.level !== 0) throw new Error('planAppend returned no leaf');
      insertEntry.run(index, entry, leaf.hash, payload?.salt ?? null);
      for (const node of parents) insertNode.run(nodeKey(node.level, node.index), node.hash);
      if (payload !== undefined && payload.body !== null) insertPayload.run(index, payload.body);
    }
    return planned.map((p) => p.index);
  };
  const appendTx = db.transaction(appendInTransaction);
  /** Proofs read many nodes: one read transaction takes the WAL read lock once for all of them. */
  const readInTransaction = db.transaction((op: () => unknown): unknown => asCaller(op));
  const readTx = <T>(op: () => T): T => readInTransaction(op) as T;

  const redactTx = db.transaction((index: number): boolean => {
    const hadSalt = removeSalt.run(index).changes > 0;
    return removePayload.run(index).changes > 0 || hadSalt;
  });

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
        return readTx(() => {
          const n = size();
          return { size: n, root: rootFromNodes(n, readNode) };
        });
      });
    },
    readEntries(start, limit) {
      return settle('audit read', () =>
        selectEntries.all(start, limit).map(([idx, entry, leaf]): StoredEntry => {
          if (!Number.isSafeInteger(idx) || !(entry instanceof Buffer)) {
            throw corrupt('audit log: a stored entry has the wrong type');
          }
          return { index: idx as number, entry, leaf: leaf instanceof Buffer ? leaf : undefined };
        }),
      );
    },
    inclusionProof(index, treeSize) {
      return settle('audit read', () =>
        readTx(() => inclusionProof(index, treeSize, readProofNode)),
      );
    },
    consistencyProof(size1, size2) {
      return settle('audit read', () =>
        readTx(() => consistencyProof(size1, size2, readProofNode)),
      );
    },
    rootAt(treeSize) {
      return settle('audit read', () => readTx(() => rootFromNodes(treeSize, readProofNode)));
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
      return settle('audit redact', () => redactTx.immediate(index));
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
  if (!(row.salt instanceof Buffer) || (row.body !== null && typeof row.body !== 'string')) {
    throw corrupt('audit log: a stored payload has the wrong type');
  }
  return { salt: row.salt, body: row.body };
}
