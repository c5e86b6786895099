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

/**
 * Builds the access half of the memory store: agent keys, accounts and API tokens. `settle` runs a
 * call after the store's closed and fault checks; `appendNow` appends audit events synchronously,
 * all or nothing, so a change whose entry fails is not stored either.
 */
export function createMemoryAccess(
  settle: <T>(op: () => T) => Promise<T>,
  appendNow: (events: readonly AuditEvent[]) => number[],
): AccessStore {
  /** Keys and tokens in creation order (Map keeps insertion order); accounts by name. */
  const keys = new Map<string, AgentKeyRecord>();
  const users = new Map<string, UserRecord>();
  const tokens = new Map<string, UserTokenRecord>();

  /** Revokes a live record of `table` at `at` with its entry; false when there is none. */
  const revoke = <R extends { secretHash: string; revokedAt: number | null }>(
    table: Map<string, R>,
    id: string,
    at: number,
    event: AuditEvent,
  ): boolean => {
    if (!isTime(at)) throw new RangeError('a revocation time must be a non-negative integer');
    const stored = table.get(id);
    assertAccessEvent(event, stored === undefined ? [] : [stored.secretHash]);
    // Unknown (undefined) or already revoked (a time): nothing to revoke.
    if (stored?.revokedAt !== null) return false;
    appendNow([event]);
    table.set(id, { ...stored, revokedAt: at });
    return true;
  };

  return {
    createAgentKey(record, event) {
      return settle(() => {
        if (!isAgentKeyRecord(record) || record.revokedAt !== null) {
          throw new RangeError('malformed agent key record');
        }
        assertAccessEvent(event, [record.secretHash]);
        if (keys.has(record.id)) throw new RangeError('an agent key with this id already exists');
        for (const key of keys.values()) {
          if (key.name === record.name && key.revokedAt === null) {
            throw new RangeError('a live agent key already has this name');
          }
        }
        const copy = copyAgentKey(record);
        appendNow([event]);
        keys.set(copy.id, copy);
      });
    },
    getAgentKey(id) {
      return settle(() => {
        const key = keys.get(id);
        return key === undefined ? undefined : copyAgentKey(key);
      });
    },
    listAgentKeys() {
      // Array.prototype.sort is stable: equal times stay in creation order.
      return settle(() => [...keys.values()].sort(byCreation).map(copyAgentKey));
    },
    revokeAgentKey(id, at, event) {
      return settle(() => revoke(keys, id, at, event));
    },

    putUser(record, event) {
      return settle(() => {
        if (!isUserRecord(record)) throw new RangeError('malformed user record');
        assertAccessEvent(event, [record.passwordHash]);
        const stored = users.get(record.name);
        const copy = copyUser(record);
        // Replacing keeps when and by whom the account was first created.
        if (stored !== undefined) {
          copy.createdAt = stored.createdAt;
          copy.createdBy = stored.createdBy;
        }
        appendNow([event]);
        users.set(copy.name, copy);
      });
    },
    getUser(name) {
      return settle(() => {
        const user = users.get(name);
        return user === undefined ? undefined : copyUser(user);
      });
    },
    listUsers() {
      return settle(() =>
        [...users.values()]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map(copyUser),
      );
    },

    createUserToken(record, event) {
      return settle(() => {
        if (!isUserTokenRecord(record) || record.revokedAt !== null) {
          throw new RangeError('malformed user token record');
        }
        assertAccessEvent(event, [record.secretHash]);
        if (tokens.has(record.id)) throw new RangeError('a user token with this id already exists');
        const owner = users.get(record.user);
        // Unknown (undefined) or removed (a time): no token for it.
        if (owner?.disabledAt !== null) {
          throw new RangeError('a token needs an account that exists and is not removed');
        }
        const copy = copyUserToken(record);
        appendNow([event]);
        tokens.set(copy.id, copy);
      });
    },
    getUserToken(id) {
      return settle(() => {
        const token = tokens.get(id);
        return token === undefined ? undefined : copyUserToken(token);
      });
    },
    listUserTokens(user) {
      return settle(() =>
        [...tokens.values()]
          .filter((token) => user === undefined || token.user === user)
          .sort(byCreation)
          .map(copyUserToken),
      );
    },
    revokeUserToken(id, at, event) {
      return settle(() => revoke(tokens, id, at, event));
    },
  };
}

function byCreation(a: { createdAt: number }, b: { createdAt: number }): number {
  return a.createdAt - b.createdAt;
}
