/**
 * What agent keys, accounts and API tokens must look like before they are stored, and what a stored
 * one must look like when it is read back (the database may have been edited or damaged). Shared by
 * every AccessStore backend, like the hold checks in approvals/.
 */
import type { AuditEvent } from '../audit/entry.js';
import type { AgentKeyRecord, UserRecord, UserTokenRecord } from '../store/ports.js';
import { isPasswordHash } from './passwords.js';
import { ROLES } from './types.js';

/** `key_` + the 16 URL-safe characters `createId('key')` makes. */
export const AGENT_KEY_ID_PATTERN = /^key_[A-Za-z0-9_-]{16}$/;
/** `tok_` + the 16 URL-safe characters `createId('tok')` makes. */
export const USER_TOKEN_ID_PATTERN = /^tok_[A-Za-z0-9_-]{16}$/;
/** An agent key's name. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** A user name (an e-mail address fits). */
export const USER_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
/** A token label: printable ASCII, so it is safe on a terminal and in the audit log. */
export const TOKEN_LABEL_PATTERN = /^[\x20-\x7e]{0,128}$/;
/** Who made a change (`cli:<user>`, `user:<name>`): printable ASCII. */
const ACTOR_PATTERN = /^[\x20-\x7e]{1,128}$/;
const SECRET_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** Whether `value` is a well-formed agent key record. */
export function isAgentKeyRecord(
  value: Record<keyof AgentKeyRecord, unknown>,
): value is AgentKeyRecord {
  return (
    typeof value.id === 'string' &&
    AGENT_KEY_ID_PATTERN.test(value.id) &&
    typeof value.name === 'string' &&
    KEY_NAME_PATTERN.test(value.name) &&
    isSecretHash(value.secretHash) &&
    isTime(value.createdAt) &&
    isActor(value.createdBy) &&
    (value.revokedAt === null || isTime(value.revokedAt))
  );
}

/** Whether `value` is a well-formed account record. */
export function isUserRecord(value: Record<keyof UserRecord, unknown>): value is UserRecord {
  const roles: readonly unknown[] = ROLES;
  return (
    typeof value.name === 'string' &&
    USER_NAME_PATTERN.test(value.name) &&
    roles.includes(value.role) &&
    typeof value.passwordHash === 'string' &&
    isPasswordHash(value.passwordHash) &&
    isTime(value.createdAt) &&
    isActor(value.createdBy) &&
    (value.disabledAt === null || isTime(value.disabledAt))
  );
}

/** Whether `value` is a well-formed API token record. */
export function isUserTokenRecord(
  value: Record<keyof UserTokenRecord, unknown>,
): value is UserTokenRecord {
  return (
    typeof value.id === 'string' &&
    USER_TOKEN_ID_PATTERN.test(value.id) &&
    typeof value.user === 'string' &&
    USER_NAME_PATTERN.test(value.user) &&
    typeof value.label === 'string' &&
    TOKEN_LABEL_PATTERN.test(value.label) &&
    isSecretHash(value.secretHash) &&
    isTime(value.createdAt) &&
    (value.revokedAt === null || isTime(value.revokedAt))
  );
}

/** The record's own fields, copied (extra properties a caller added are left behind). */
export function copyAgentKey(record: AgentKeyRecord): AgentKeyRecord {
  const { id, name, secretHash, createdAt, createdBy, revokedAt } = record;
  return { id, name, secretHash, createdAt, createdBy, revokedAt };
}

/** The record's own fields, copied. */
export function copyUser(record: UserRecord): UserRecord {
  const { name, role, passwordHash, createdAt, createdBy, disabledAt } = record;
  return { name, role, passwordHash, createdAt, createdBy, disabledAt };
}

/** The record's own fields, copied. */
export function copyUserToken(record: UserTokenRecord): UserTokenRecord {
  const { id, user, label, secretHash, createdAt, revokedAt } = record;
  return { id, user, label, secretHash, createdAt, revokedAt };
}

/**
 * Checks the audit event stored with an access change: an `access` entry that carries none of
 * `secrets` (the record's hashes) in any field, so no hash reaches the append-only log by mistake.
 * @throws RangeError.
 */
export function assertAccessEvent(event: AuditEvent, secrets: readonly string[]): void {
  if (event.kind !== 'access')
    throw new RangeError('an access change is recorded with an access entry');
  for (const value of Object.values(event.data)) {
    if (typeof value === 'string' && secrets.some((secret) => value.includes(secret))) {
      throw new RangeError('an access entry must not carry a secret or hash');
    }
  }
}

/** Whether `at` is a valid time to revoke or remove at. */
export function isTime(at: unknown): at is number {
  return Number.isSafeInteger(at) && (at as number) >= 0;
}

function isSecretHash(value: unknown): value is string {
  return typeof value === 'string' && SECRET_HASH_PATTERN.test(value);
}

function isActor(value: unknown): value is string {
  return typeof value === 'string' && ACTOR_PATTERN.test(value);
}
