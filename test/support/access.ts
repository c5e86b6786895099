/** Access-store records for tests: well-formed keys, accounts and tokens at {@link SAMPLE_TIME}. */
import type { AuditEvent } from '../../src/audit/entry.js';
import type { AccessAction, AccessFields } from '../../src/auth/index.js';
import { toAccessEvent } from '../../src/auth/index.js';
import type { AgentKeyRecord, UserRecord, UserTokenRecord } from '../../src/store/ports.js';
import { SAMPLE_TIME } from './records.js';

/** A well-formed scrypt hash (all-zero salt and hash); stands in for a real one in storage tests. */
export const SAMPLE_PASSWORD_HASH = `scrypt$16384$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`;
/** Another one, with a different hash part. */
export const OTHER_PASSWORD_HASH = `scrypt$16384$8$1$${'A'.repeat(22)}$${'B'.repeat(42)}A`;

/** A distinct, well-formed agent key id ending in `n`. */
export function keyId(n: number): string {
  return `key_sample${String(n).padStart(10, '0')}`;
}

/** A distinct, well-formed user token id ending in `n`. */
export function tokenId(n: number): string {
  return `tok_sample${String(n).padStart(10, '0')}`;
}

/** A live agent key named `ci-agent`; `overrides` replace top-level fields. */
export function sampleKey(overrides: Partial<AgentKeyRecord> = {}): AgentKeyRecord {
  return {
    id: keyId(1),
    name: 'ci-agent',
    secretHash: 'ab'.repeat(32),
    createdAt: SAMPLE_TIME,
    createdBy: 'cli:alice',
    revokedAt: null,
    ...overrides,
  };
}

/** A developer account named `alice`. */
export function sampleUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    name: 'alice',
    role: 'developer',
    passwordHash: SAMPLE_PASSWORD_HASH,
    createdAt: SAMPLE_TIME,
    createdBy: 'cli:root',
    disabledAt: null,
    ...overrides,
  };
}

/** A live token of `alice` labelled `laptop`. */
export function sampleToken(overrides: Partial<UserTokenRecord> = {}): UserTokenRecord {
  return {
    id: tokenId(1),
    user: 'alice',
    label: 'laptop',
    secretHash: 'cd'.repeat(32),
    createdAt: SAMPLE_TIME,
    revokedAt: null,
    ...overrides,
  };
}

/** An `access` entry for `action` by `cli:alice` at `at` (default {@link SAMPLE_TIME}). */
export function accessEvent(
  action: AccessAction,
  fields: AccessFields = {},
  at = SAMPLE_TIME,
): AuditEvent {
  return toAccessEvent(at, action, 'cli:alice', fields);
}
