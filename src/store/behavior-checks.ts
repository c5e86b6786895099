/**
 * Checks shared by every {@link BehaviorStore} backend: what an anomaly, a profile and a listing
 * filter must look like before they are stored or used, and what a stored one must look like
 * when it is read back (the file may have been edited or damaged).
 */
import type { AuditEvent } from '../audit/entry.js';
import { StoreError } from '../shared/errors.js';
import type { JsonObject } from '../surface/types.js';
import type { Anomaly, AnomalyAction, BehaviorStore } from './ports.js';

/** An anomaly id: `anom_` and the 16 URL-safe characters `createId('anom')` makes. */
export const ANOMALY_ID_PATTERN = /^anom_[A-Za-z0-9_-]{16}$/;
/** Longest text field of an anomaly (server, tool, kind, session, message, evidence), in UTF-8 bytes. */
export const MAX_ANOMALY_TEXT_BYTES = 4 * 1024;
/** Largest profile, in UTF-8 bytes of its JSON text. */
export const MAX_PROFILE_BYTES = 256 * 1024;

const ACTIONS = {
  alert: true,
  withhold: true,
  quarantine: true,
  block: true,
} as const satisfies Record<AnomalyAction, true>;

/** The filter of {@link BehaviorStore.listAnomalies}, checked; `limit` is undefined for all. */
export interface AnomalyQuery {
  server: string | undefined;
  tool: string | undefined;
  since: number | undefined;
  limit: number | undefined;
}

/**
 * Checks an anomaly about to be recorded and the audit event recorded with it.
 * @throws RangeError naming the first thing wrong.
 */
export function assertNewAnomaly(anomaly: Anomaly, event: AuditEvent): void {
  const problem = findAnomalyProblem(anomaly);
  if (problem !== undefined) throw new RangeError(`malformed anomaly: ${problem}`);
  if (event.kind !== 'anomaly' || event.server !== anomaly.server) {
    throw new RangeError('an anomaly is recorded with an anomaly entry for its own server');
  }
}

/** The anomaly's own fields, copied: extra properties a caller added are left behind. */
export function copyAnomaly(anomaly: Anomaly): Anomaly {
  const { id, at, server, tool, kind, action, message, evidence, session } = anomaly;
  return { id, at, server, tool, kind, action, message, evidence, session };
}

/** A stored value as an anomaly (a copy), or undefined when any field is wrong. */
export function toAnomaly(value: Record<keyof Anomaly, unknown>): Anomaly | undefined {
  return findAnomalyProblem(value) === undefined ? copyAnomaly(value as Anomaly) : undefined;
}

/** What is wrong with `value` as an anomaly, or undefined when nothing is. */
function findAnomalyProblem(value: Record<keyof Anomaly, unknown>): string | undefined {
  if (typeof value.id !== 'string' || !ANOMALY_ID_PATTERN.test(value.id)) return 'id';
  if (!Number.isSafeInteger(value.at)) return 'at must be an integer';
  if (typeof value.action !== 'string' || !Object.hasOwn(ACTIONS, value.action)) return 'action';
  for (const field of ['server', 'tool', 'kind', 'session', 'message', 'evidence'] as const) {
    const text = value[field];
    const mayBeEmpty = field === 'session' || field === 'message' || field === 'evidence';
    if (typeof text !== 'string' || (text === '' && !mayBeEmpty)) return field;
    if (!isBoundedText(text, MAX_ANOMALY_TEXT_BYTES)) return `${field} is too long or not text`;
  }
  return undefined;
}

/**
 * Checks a listing filter.
 * @throws RangeError for a `since` or `limit` that is not a (non-negative) integer.
 */
export function toAnomalyQuery(
  filter: Parameters<BehaviorStore['listAnomalies']>[0],
): AnomalyQuery {
  const { server, tool, since, limit } = filter ?? {};
  if (since !== undefined && !Number.isSafeInteger(since)) {
    throw new RangeError('anomaly since must be an integer');
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError('anomaly limit must be a non-negative integer');
  }
  return { server, tool, since, limit };
}

/** Whether `anomaly` passes every filter of `query` (`limit` aside). */
export function matchesAnomalyQuery(anomaly: Anomaly, query: AnomalyQuery): boolean {
  return (
    (query.server === undefined || anomaly.server === query.server) &&
    (query.tool === undefined || anomaly.tool === query.tool) &&
    (query.since === undefined || anomaly.at >= query.since)
  );
}

/**
 * Checks the key and time of a profile write.
 * @throws RangeError for an empty server or tool name or a non-integer time.
 */
export function assertProfileKey(server: string, tool: string, at?: number): void {
  if (typeof server !== 'string' || server === '' || typeof tool !== 'string' || tool === '') {
    throw new RangeError('a profile is kept per server and tool: both need a name');
  }
  if (at !== undefined && !Number.isSafeInteger(at)) {
    throw new RangeError('a profile update time must be an integer');
  }
}

/**
 * The JSON text a profile is stored as.
 * @throws RangeError for a value that is not a plain JSON object (cycles, `undefined`, functions,
 *   non-finite numbers, class instances included) or whose text is over 256 KiB.
 */
export function toProfileText(profile: JsonObject): string {
  if (!isPlainObject(profile)) throw new RangeError('a profile must be a JSON object');
  let text: string;
  try {
    text = JSON.stringify(profile);
  } catch (error) {
    throw new RangeError('a profile must be JSON (no cycles)', { cause: error });
  }
  if (!isBoundedText(text, MAX_PROFILE_BYTES)) {
    throw new RangeError('a profile is larger than 256 KiB');
  }
  // The text is bounded now, so this walk is too; it refuses what JSON.stringify would silently
  // drop or change, so the profile read back always equals the one written.
  assertJsonTree(profile);
  return text;
}

/**
 * A stored profile's text as a fresh object.
 * @throws StoreError `STORE_CORRUPT` when it is not the JSON of an object.
 */
export function parseProfileText(text: unknown, server: string): JsonObject {
  let value: unknown;
  try {
    value = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch (error) {
    throw corruptProfile(server, error);
  }
  if (!isPlainObject(value)) throw corruptProfile(server);
  return value as JsonObject;
}

function corruptProfile(server: string, cause?: unknown): StoreError {
  return new StoreError('STORE_CORRUPT', 'behaviour store: a stored profile is not a JSON object', {
    cause,
    details: { server },
  });
}

/** Throws RangeError at the first value in the tree that is not plain JSON. */
function assertJsonTree(root: JsonObject): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    if (Array.isArray(value)) {
      // for-of visits holes as undefined, which is refused below.
      for (const item of value as unknown[]) pending.push(item);
      continue;
    }
    if (isPlainObject(value)) {
      for (const child of Object.values(value)) pending.push(child);
      continue;
    }
    throw new RangeError('a profile may hold only JSON values');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A string of well-formed UTF-16 (no lone surrogate) of at most `maxBytes` UTF-8 bytes. */
function isBoundedText(text: string, maxBytes: number): boolean {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string fails without a scan.
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) return false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}
