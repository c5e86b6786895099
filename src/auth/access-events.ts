/**
 * The `access` audit entries (issue 6; docs/auth.md §Audit): one per change to agent keys, accounts
 * and API tokens, and one per console login and logout. They name the action, the ids and names
 * involved, the role and who did it; never a secret, a hash, a password or a session id.
 */
import type { AuditEvent, AuditValue } from '../audit/entry.js';
import type { Role } from './types.js';

/** What an `access` entry records. */
export type AccessAction =
  | 'key-create'
  | 'key-revoke'
  | 'user-add'
  | 'user-role'
  | 'user-password'
  | 'user-remove'
  | 'token-create'
  | 'token-revoke'
  | 'login'
  | 'logout';

/** The fields an `access` entry may carry beside `action` and `by`. */
export interface AccessFields {
  /** A key or token id (the public part of the credential). */
  id?: string;
  /** A key's name. */
  name?: string;
  /** A user name. */
  user?: string;
  role?: Role;
  /** The role before a change. */
  previous_role?: Role;
  /** A token's label. */
  label?: string;
  /** How a login authenticated (`password`). */
  via?: string;
}

/** Access entries are about no upstream server. */
export const ACCESS_SERVER = '';

/** The audit event for `action` by `by` (`cli:<user>`, `user:<name>`) at `at`. */
export function toAccessEvent(
  at: number,
  action: AccessAction,
  by: string,
  fields: AccessFields = {},
): AuditEvent {
  const data: Record<string, AuditValue> = { action, by };
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value === 'string') data[field] = value;
  }
  return { at, server: ACCESS_SERVER, kind: 'access', data };
}
