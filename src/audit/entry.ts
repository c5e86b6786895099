/**
 * Audit log entries (DESIGN §10, spec in docs/audit-log.md §2).
 *
 * An entry is the RFC 8785 canonical JSON of `{v, index, at, kind, server, data}` in UTF-8, at most
 * 64 KiB, with integers only. Its bytes are a leaf of the Merkle tree, so they are fixed forever:
 * never re-encode a stored entry, read and hash the bytes as stored.
 */
import { createHash, randomFillSync } from 'node:crypto';

import type { PinEvent, PinEventKind } from '../pinning/types.js';
import { PIN_EVENT_KINDS } from '../pinning/types.js';
import { AuditError } from '../shared/errors.js';
import { sha256Digest } from '../surface/digest.js';
import { canonicalize } from '../surface/jcs.js';
import type { Digest, JsonValue } from '../surface/types.js';

/** Version of the entry object. */
export const ENTRY_VERSION = 1;
/** Largest entry, in bytes of canonical JSON. */
export const MAX_ENTRY_BYTES = 64 * 1024;
/** Bytes of random salt per digested payload. */
const SALT_BYTES = 16;

/**
 * What an entry records: the pinning events (probe, baseline, drift, approve, quarantine, …) and,
 * per request through the gateway, the decision (`call` for `tools/call`, `request` for any other
 * client request, `server-request` for sampling/elicitation/roots) and the `result` relayed back.
 */
export type AuditKind =
  | PinEventKind
  | 'call'
  | 'request'
  | 'server-request'
  | 'result'
  | 'hold'
  | 'hold-resolved'
  | 'anomaly'
  /** A change to agent keys, users or their tokens (who, what, which id; never a secret). */
  | 'access'
  /** A change to the running configuration, e.g. rules edited in the console. */
  | 'config';

/** A value in an entry's `data`: numbers must be safe integers (no floats in the log). */
export type AuditValue = string | number | boolean | null;

/** A payload kept beside an entry, in the redactable table; the entry holds only its digest. */
export interface AuditPayload {
  /** The random salt of the entry's salted digest; deleting it makes the digest unlinkable. */
  salt: Buffer;
  /** The canonical JSON of the raw value, kept only when `audit.keep_payloads` is on. */
  body: string | null;
}

/** One event to record. `data` holds codes, digests and names: never secrets. */
export interface AuditEvent {
  at: number;
  server: string;
  kind: AuditKind;
  data: Record<string, AuditValue>;
  payload?: AuditPayload;
}

/** A decoded entry: the event fields plus its position in the log. */
export interface AuditEntry {
  index: number;
  at: number;
  server: string;
  kind: string;
  data: Record<string, AuditValue>;
}

/**
 * The canonical bytes of entry number `index`.
 * @throws AuditError `AUDIT_MALFORMED` for a non-integer number or an entry over 64 KiB.
 */
export function encodeEntry(index: number, event: AuditEvent): Buffer {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('bad entry index');
  if (!Number.isSafeInteger(event.at)) throw malformed('the time of an entry must be an integer');
  for (const value of Object.values(event.data)) {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw malformed('entry data numbers must be integers');
    }
  }
  const value: JsonValue = {
    v: ENTRY_VERSION,
    index,
    at: event.at,
    kind: event.kind,
    server: event.server,
    data: event.data,
  };
  const bytes = Buffer.from(canonicalize(value), 'utf8');
  if (bytes.length > MAX_ENTRY_BYTES) throw malformed('an entry is larger than 64 KiB');
  return bytes;
}

/**
 * Decodes stored entry bytes, checking the shape. Cheap enough for verifying 10⁷ entries.
 * @throws AuditError `AUDIT_MALFORMED`.
 */
export function parseEntry(bytes: Uint8Array): AuditEntry {
  if (bytes.length > MAX_ENTRY_BYTES) throw malformed('an entry is larger than 64 KiB');
  let value: unknown;
  try {
    // A view, not a copy: full verification parses every entry of the log.
    value = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    );
  } catch {
    throw malformed('an entry is not JSON');
  }
  if (!isRecord(value)) throw malformed('an entry is not an object');
  const { v, index, at, kind, server, data } = value;
  const isValid =
    v === ENTRY_VERSION &&
    Number.isSafeInteger(index) &&
    (index as number) >= 0 &&
    Number.isSafeInteger(at) &&
    typeof kind === 'string' &&
    typeof server === 'string' &&
    isRecord(data) &&
    Object.values(data).every(isAuditValue);
  if (!isValid) throw malformed('an entry has the wrong shape');
  return {
    index: index as number,
    at: at as number,
    kind,
    server,
    data: data as Record<string, AuditValue>,
  };
}

const PIN_KINDS: ReadonlySet<string> = new Set(PIN_EVENT_KINDS);

/** The pinning event an entry records, or undefined for other kinds (calls, results, …). */
export function toPinEvent(entry: AuditEntry): PinEvent | undefined {
  if (!PIN_KINDS.has(entry.kind)) return undefined;
  return { at: entry.at, server: entry.server, kind: entry.kind as PinEventKind, data: entry.data };
}

/** Longest client- or server-chosen string recorded as is; longer ones are recorded as a digest. */
const MAX_LABEL = 128;

/**
 * A chosen value (request id, tool name, principal) as recorded: short strings and safe integers
 * as they are, longer strings as their SHA-256 digest (entries stay small), anything else null.
 */
export function toAuditLabel(value: unknown): AuditValue {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && value.length <= MAX_LABEL) return value;
  if (typeof value === 'string') return sha256Digest(value);
  return null;
}

/** Salts are cut from a pool refilled from the CSPRNG: one system call per 256 salts. */
const SALT_POOL = Buffer.alloc(SALT_BYTES * 256);
let saltOffset = SALT_POOL.length;

/** A fresh random salt for one salted digest (a copy: the pool is refilled in place). */
export function createSalt(): Buffer {
  if (saltOffset >= SALT_POOL.length) {
    randomFillSync(SALT_POOL);
    saltOffset = 0;
  }
  const salt = Buffer.from(SALT_POOL.subarray(saltOffset, saltOffset + SALT_BYTES));
  saltOffset += SALT_BYTES;
  return salt;
}

/** `sha256:` + hex SHA-256(salt ‖ `canonical`, the RFC 8785 text of a value): linkable only with the salt. */
export function saltedDigest(salt: Uint8Array, canonical: string): Digest {
  return `sha256:${createHash('sha256').update(salt).update(canonical, 'utf8').digest('hex')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAuditValue(value: unknown): value is AuditValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    Number.isSafeInteger(value)
  );
}

function malformed(message: string): AuditError {
  return new AuditError('AUDIT_MALFORMED', message);
}
