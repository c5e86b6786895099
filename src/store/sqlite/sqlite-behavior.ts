import type Database from 'better-sqlite3';

import type { AuditEvent } from '../../audit/entry.js';
import type { AnomalyQuery } from '../behavior-checks.js';
import {
  assertNewAnomaly,
  assertProfileKey,
  copyAnomaly,
  parseProfileText,
  toAnomaly,
  toAnomalyQuery,
  toProfileText,
} from '../behavior-checks.js';
import type { Anomaly, BehaviorStore } from '../ports.js';
import type { Settle } from './sqlite-audit.js';
import { CallerError, corrupt } from './sqlite-errors.js';

/**
 * The behaviour tables (migration 4): one learned profile per server and tool, replaced on each
 * update, and the anomalies raised against them, appended only. Anomalies are listed newest first
 * within a server and tool, a server, a tool or the whole table: each has an index ending in `at`,
 * so a listing under a limit reads only the rows it returns.
 */
export const BEHAVIOR_SCHEMA = `
  CREATE TABLE behavior_profiles (
    server TEXT NOT NULL,
    tool TEXT NOT NULL,
    profile TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (server, tool)
  ) STRICT;
  CREATE TABLE anomalies (
    id TEXT PRIMARY KEY NOT NULL,
    at INTEGER NOT NULL,
    server TEXT NOT NULL,
    tool TEXT NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('alert', 'withhold', 'quarantine', 'block')),
    message TEXT NOT NULL,
    evidence TEXT NOT NULL,
    session TEXT NOT NULL
  ) STRICT;
  CREATE INDEX anomalies_by_server_tool ON anomalies (server, tool, at);
  CREATE INDEX anomalies_by_server ON anomalies (server, at);
  CREATE INDEX anomalies_by_tool ON anomalies (tool, at);
  CREATE INDEX anomalies_by_at ON anomalies (at);`;

/** Row columns are `unknown` until checked: the file may have been edited or damaged. */
type AnomalyRow = Record<keyof Anomaly, unknown>;

const COLUMNS = 'id, at, server, tool, kind, action, message, evidence, session';
/** Newest first, so `LIMIT` keeps the newest; the rowid breaks ties in recording order. */
const NEWEST_FIRST = 'ORDER BY at DESC, rowid DESC LIMIT @limit';

/** The named parameters of a listing: `limit` and the filters it uses. */
type ListingParams = Record<string, string | number>;
/** The filters a listing uses, as the key of its prepared statement. */
type FilterKey = `${boolean}${boolean}${boolean}`;

/**
 * Builds the behaviour statements over `db` (already migrated). `appendInTransaction` is the audit
 * log's append step, run inside the anomaly write so the anomaly and its entry commit together.
 */
export function createSqliteBehavior(
  db: Database.Database,
  settle: Settle,
  appendInTransaction: (events: readonly AuditEvent[]) => number[],
): BehaviorStore {
  const selectProfile = db
    .prepare<[string, string]>(
      'SELECT profile FROM behavior_profiles WHERE server = ? AND tool = ?',
    )
    .pluck();
  const upsertProfile = db.prepare<[string, string, string, number]>(
    `INSERT INTO behavior_profiles (server, tool, profile, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (server, tool) DO UPDATE
     SET profile = excluded.profile, updated_at = excluded.updated_at`,
  );
  const selectAnomalyId = db.prepare<[string]>('SELECT 1 FROM anomalies WHERE id = ?').pluck();
  const insertAnomaly = db.prepare<[Anomaly]>(
    `INSERT INTO anomalies (${COLUMNS}) VALUES (@id, @at, @server, @tool, @kind, @action,
     @message, @evidence, @session)`,
  );

  // One statement per filter combination, so each listing can use the index that fits it.
  const listings = new Map<FilterKey, Database.Statement<[ListingParams], AnomalyRow>>();
  const selectAnomalies = (query: AnomalyQuery): AnomalyRow[] => {
    const { server, tool, since, limit } = query;
    const key: FilterKey = `${server !== undefined}${tool !== undefined}${since !== undefined}`;
    let statement = listings.get(key);
    if (statement === undefined) {
      const where = [
        server === undefined ? undefined : 'server = @server',
        tool === undefined ? undefined : 'tool = @tool',
        since === undefined ? undefined : 'at >= @since',
      ].filter((clause) => clause !== undefined);
      const condition = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
      statement = db.prepare<[ListingParams], AnomalyRow>(
        `SELECT ${COLUMNS} FROM anomalies ${condition} ${NEWEST_FIRST}`,
      );
      listings.set(key, statement);
    }
    // SQLite reads a negative LIMIT as no limit.
    const params: ListingParams = { limit: limit ?? -1 };
    if (server !== undefined) params['server'] = server;
    if (tool !== undefined) params['tool'] = tool;
    if (since !== undefined) params['since'] = since;
    return statement.all(params);
  };

  const recordTx = db.transaction((anomaly: Anomaly, event: AuditEvent): number => {
    try {
      assertNewAnomaly(anomaly, event);
    } catch (error) {
      throw new CallerError(error);
    }
    if (selectAnomalyId.get(anomaly.id) !== undefined) {
      throw new CallerError(new RangeError('an anomaly with this id already exists'));
    }
    insertAnomaly.run(copyAnomaly(anomaly));
    const [index] = appendInTransaction([event]);
    if (index === undefined) throw new Error('the audit log appended no entry');
    return index;
  });

  return {
    getProfile(server, tool) {
      return settle('behaviour read', () => {
        const text = selectProfile.get(server, tool);
        return text === undefined ? undefined : parseProfileText(text, server);
      });
    },
    putProfile(server, tool, profile, at) {
      return settle('behaviour write', () => {
        let text: string;
        try {
          assertProfileKey(server, tool, at);
          text = toProfileText(profile);
        } catch (error) {
          throw new CallerError(error);
        }
        upsertProfile.run(server, tool, text, at);
      });
    },
    recordAnomaly(anomaly, event) {
      return settle('anomaly record', () => recordTx.immediate(anomaly, event));
    },
    listAnomalies(filter) {
      return settle('anomaly read', () => {
        let query: AnomalyQuery;
        try {
          query = toAnomalyQuery(filter);
        } catch (error) {
          throw new CallerError(error);
        }
        if (query.limit === 0) return [];
        return selectAnomalies(query).map(parseAnomalyRow).reverse();
      });
    },
  };
}

/** A stored row as an anomaly, checked field by field. */
function parseAnomalyRow(row: AnomalyRow): Anomaly {
  const anomaly = toAnomaly(row);
  if (anomaly === undefined) {
    const server = typeof row.server === 'string' ? row.server : undefined;
    throw corrupt('behaviour store: a stored anomaly has the wrong shape', server);
  }
  return anomaly;
}
