/**
 * The behaviour every {@link AccessStore} backend must show (memory, SQLite, PostgreSQL): agent
 * keys, accounts and API tokens are stored as given and handed out as copies, malformed records are
 * refused, a live key name is unique, a revocation happens once, and every change is in the audit
 * log with it, in the same transaction, without any secret or hash.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { AuditEntry, AuditEvent } from '../../src/audit/entry.js';
import { parseEntry } from '../../src/audit/entry.js';
import { AuditError } from '../../src/shared/errors.js';
import type { Store } from '../../src/store/index.js';
import type { AgentKeyRecord, UserRecord, UserTokenRecord } from '../../src/store/ports.js';
import {
  accessEvent,
  keyId,
  OTHER_PASSWORD_HASH,
  sampleKey,
  sampleToken,
  sampleUser,
  tokenId,
} from '../support/access.js';
import { SAMPLE_TIME } from '../support/records.js';
import { rejectionOf } from '../support/thrown.js';
import type { MakeStore } from './fresh-store.js';
import { useFreshStore } from './fresh-store.js';

const LATER = SAMPLE_TIME + 60_000;
const CREATE_KEY = accessEvent('key-create', { id: keyId(1), name: 'ci-agent' });
const REVOKE_KEY = accessEvent('key-revoke', { id: keyId(1), name: 'ci-agent' }, LATER);
const ADD_USER = accessEvent('user-add', { user: 'alice', role: 'developer' });
const CREATE_TOKEN = accessEvent('token-create', { id: tokenId(1), user: 'alice' });
const REVOKE_TOKEN = accessEvent('token-revoke', { id: tokenId(1), user: 'alice' }, LATER);
/** An event too large for the log (over 64 KiB): its append fails with AUDIT_MALFORMED. */
const HUGE: AuditEvent = { ...CREATE_KEY, data: { ...CREATE_KEY.data, pad: 'x'.repeat(70_000) } };

export function describeAccessStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} access store (contract)`, () => {
    let store: Store;
    useFreshStore(makeStore, (fresh) => (store = fresh));

    async function entries(): Promise<AuditEntry[]> {
      return (await store.readEntries(0, 1000)).map((row) => parseEntry(row.entry));
    }

    async function expectRangeError(op: () => Promise<unknown>): Promise<void> {
      expect(await rejectionOf(op)).toBeInstanceOf(RangeError);
    }

    describe('agent keys', () => {
      it('reads and revokes nothing when there are none', async () => {
        expect(await store.getAgentKey(keyId(1))).toBeUndefined();
        expect(await store.listAgentKeys()).toEqual([]);
        expect(await store.revokeAgentKey(keyId(1), LATER, REVOKE_KEY)).toBe(false);
        expect(await entries()).toEqual([]);
      });

      it('stores a key as given, hands out copies, and records its entry', async () => {
        const key = sampleKey();
        await store.createAgentKey(key, CREATE_KEY);
        key.name = 'changed-afterwards';
        const read = await store.getAgentKey(keyId(1));
        expect(read).toEqual(sampleKey());
        if (read !== undefined) read.revokedAt = LATER;
        expect(await store.listAgentKeys()).toEqual([sampleKey()]);
        expect(await entries()).toEqual([
          {
            index: 0,
            at: SAMPLE_TIME,
            server: '',
            kind: 'access',
            data: { action: 'key-create', by: 'cli:alice', id: keyId(1), name: 'ci-agent' },
          },
        ]);
      });

      it.each<[string, Partial<AgentKeyRecord>]>([
        ['a malformed id', { id: 'key-1' }],
        ['a token id', { id: tokenId(1) }],
        ['a name with a space', { name: 'ci agent' }],
        ['an empty name', { name: '' }],
        ['an upper-case hash', { secretHash: 'AB'.repeat(32) }],
        ['a short hash', { secretHash: 'ab'.repeat(16) }],
        ['a fractional time', { createdAt: SAMPLE_TIME + 0.5 }],
        ['no creator', { createdBy: '' }],
        ['a revocation already', { revokedAt: SAMPLE_TIME }],
      ])('refuses a key with %s, and records nothing', async (_case, overrides) => {
        await expectRangeError(() => store.createAgentKey(sampleKey(overrides), CREATE_KEY));
        expect(await store.listAgentKeys()).toEqual([]);
        expect(await entries()).toEqual([]);
      });

      it('refuses an entry of another kind, or one that carries the secret hash', async () => {
        const call: AuditEvent = { ...CREATE_KEY, kind: 'call' };
        await expectRangeError(() => store.createAgentKey(sampleKey(), call));
        const leaky = accessEvent('key-create', { id: keyId(1), name: sampleKey().secretHash });
        await expectRangeError(() => store.createAgentKey(sampleKey(), leaky));
        expect(await store.listAgentKeys()).toEqual([]);
        expect(await entries()).toEqual([]);
      });

      it('refuses a second key with the same id', async () => {
        await store.createAgentKey(sampleKey(), CREATE_KEY);
        await expectRangeError(() =>
          store.createAgentKey(sampleKey({ name: 'other' }), CREATE_KEY),
        );
        expect(await store.listAgentKeys()).toEqual([sampleKey()]);
        expect(await entries()).toHaveLength(1);
      });

      it('refuses a second live key with the same name, and allows it once revoked', async () => {
        await store.createAgentKey(sampleKey(), CREATE_KEY);
        const again = sampleKey({ id: keyId(2) });
        await expectRangeError(() => store.createAgentKey(again, CREATE_KEY));
        await store.revokeAgentKey(keyId(1), LATER, REVOKE_KEY);
        await store.createAgentKey(again, CREATE_KEY);
        expect((await store.listAgentKeys()).map((k) => [k.id, k.revokedAt])).toEqual([
          [keyId(1), LATER],
          [keyId(2), null],
        ]);
      });

      it('lists keys oldest first, ties in creation order, revoked ones too', async () => {
        await store.createAgentKey(
          sampleKey({ id: keyId(1), name: 'a', createdAt: LATER }),
          CREATE_KEY,
        );
        await store.createAgentKey(sampleKey({ id: keyId(2), name: 'b' }), CREATE_KEY);
        await store.createAgentKey(
          sampleKey({ id: keyId(3), name: 'c', createdAt: LATER }),
          CREATE_KEY,
        );
        await store.revokeAgentKey(keyId(3), LATER, REVOKE_KEY);
        expect((await store.listAgentKeys()).map((k) => k.id)).toEqual([
          keyId(2),
          keyId(1),
          keyId(3),
        ]);
      });

      describe('when a live key is revoked', () => {
        beforeEach(async () => {
          await store.createAgentKey(sampleKey(), CREATE_KEY);
        });

        it('stores when, records the entry, and refuses a second revocation', async () => {
          expect(await store.revokeAgentKey(keyId(1), LATER, REVOKE_KEY)).toBe(true);
          expect(await store.getAgentKey(keyId(1))).toEqual(sampleKey({ revokedAt: LATER }));
          expect(await store.revokeAgentKey(keyId(1), LATER + 1, REVOKE_KEY)).toBe(false);
          expect(await store.getAgentKey(keyId(1))).toEqual(sampleKey({ revokedAt: LATER }));
          expect((await entries()).map((e) => [e.at, e.data['action']])).toEqual([
            [SAMPLE_TIME, 'key-create'],
            [LATER, 'key-revoke'],
          ]);
        });

        it('refuses a malformed time or entry and leaves the key live', async () => {
          await expectRangeError(() => store.revokeAgentKey(keyId(1), -1, REVOKE_KEY));
          await expectRangeError(() => store.revokeAgentKey(keyId(1), 1.5, REVOKE_KEY));
          await expectRangeError(() =>
            store.revokeAgentKey(keyId(1), LATER, { ...REVOKE_KEY, kind: 'config' }),
          );
          expect((await store.getAgentKey(keyId(1)))?.revokedAt).toBeNull();
          expect(await entries()).toHaveLength(1);
        });

        it('stays live when the entry cannot be written', async () => {
          const error = await rejectionOf(() => store.revokeAgentKey(keyId(1), LATER, HUGE));
          expect(error).toBeInstanceOf(AuditError);
          expect((await store.getAgentKey(keyId(1)))?.revokedAt).toBeNull();
          expect(await entries()).toHaveLength(1);
        });
      });

      it('stores no key when its entry cannot be written', async () => {
        const error = await rejectionOf(() => store.createAgentKey(sampleKey(), HUGE));
        expect(error).toBeInstanceOf(AuditError);
        expect(error).toMatchObject({ code: 'AUDIT_MALFORMED' });
        expect(await store.getAgentKey(keyId(1))).toBeUndefined();
        expect(await entries()).toEqual([]);
      });
    });

    describe('accounts', () => {
      it('reads nothing when there are none', async () => {
        expect(await store.getUser('alice')).toBeUndefined();
        expect(await store.listUsers()).toEqual([]);
      });

      it('stores an account as given, hands out copies, and records its entry', async () => {
        const user = sampleUser();
        await store.putUser(user, ADD_USER);
        user.role = 'admin';
        const read = await store.getUser('alice');
        expect(read).toEqual(sampleUser());
        if (read !== undefined) read.role = 'admin';
        expect(await store.getUser('alice')).toEqual(sampleUser());
        expect(await entries()).toEqual([
          {
            index: 0,
            at: SAMPLE_TIME,
            server: '',
            kind: 'access',
            data: { action: 'user-add', by: 'cli:alice', user: 'alice', role: 'developer' },
          },
        ]);
      });

      it('replaces role, password and removal, keeping when and by whom it was created', async () => {
        await store.putUser(sampleUser(), ADD_USER);
        const replacement = sampleUser({
          role: 'viewer',
          passwordHash: OTHER_PASSWORD_HASH,
          disabledAt: LATER,
          createdAt: LATER,
          createdBy: 'user:mallory',
        });
        await store.putUser(replacement, accessEvent('user-remove', { user: 'alice' }, LATER));
        expect(await store.getUser('alice')).toEqual(
          sampleUser({ role: 'viewer', passwordHash: OTHER_PASSWORD_HASH, disabledAt: LATER }),
        );
        expect((await entries()).map((e) => e.data['action'])).toEqual(['user-add', 'user-remove']);
      });

      it('lists accounts by name, removed ones too', async () => {
        for (const name of ['carol', 'alice', 'Bob', 'bob@example.com']) {
          await store.putUser(sampleUser({ name }), ADD_USER);
        }
        await store.putUser(sampleUser({ name: 'carol', disabledAt: LATER }), ADD_USER);
        expect((await store.listUsers()).map((u) => u.name)).toEqual([
          'Bob',
          'alice',
          'bob@example.com',
          'carol',
        ]);
      });

      it.each<[string, Partial<UserRecord>]>([
        ['an unknown role', { role: 'root' as UserRecord['role'] }],
        ['a name with a slash', { name: 'a/b' }],
        ['a name over 64 characters', { name: 'a'.repeat(65) }],
        ['a password that is not a hash', { passwordHash: 'hunter2hunter2' }],
        [
          'a weak scrypt cost',
          { passwordHash: `scrypt$1024$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}` },
        ],
        ['a fractional removal time', { disabledAt: 0.5 }],
      ])('refuses an account with %s, and records nothing', async (_case, overrides) => {
        await expectRangeError(() => store.putUser(sampleUser(overrides), ADD_USER));
        expect(await store.listUsers()).toEqual([]);
        expect(await entries()).toEqual([]);
      });

      it('refuses an entry that carries the password hash', async () => {
        const leaky = accessEvent('user-add', { user: 'alice', label: sampleUser().passwordHash });
        await expectRangeError(() => store.putUser(sampleUser(), leaky));
        expect(await store.getUser('alice')).toBeUndefined();
      });

      it('keeps the account unchanged when the entry cannot be written', async () => {
        await store.putUser(sampleUser(), ADD_USER);
        const error = await rejectionOf(() => store.putUser(sampleUser({ role: 'admin' }), HUGE));
        expect(error).toBeInstanceOf(AuditError);
        expect(await store.getUser('alice')).toEqual(sampleUser());
        expect(await entries()).toHaveLength(1);
      });
    });

    describe('API tokens', () => {
      beforeEach(async () => {
        await store.putUser(sampleUser(), ADD_USER);
        await store.putUser(sampleUser({ name: 'bob', role: 'viewer' }), ADD_USER);
      });

      it('stores a token as given, hands out copies, and records its entry', async () => {
        const token = sampleToken();
        await store.createUserToken(token, CREATE_TOKEN);
        token.label = 'changed';
        const read = await store.getUserToken(tokenId(1));
        expect(read).toEqual(sampleToken());
        if (read !== undefined) read.user = 'bob';
        expect(await store.getUserToken(tokenId(1))).toEqual(sampleToken());
        expect((await entries()).at(-1)).toMatchObject({
          kind: 'access',
          data: { action: 'token-create', by: 'cli:alice', id: tokenId(1), user: 'alice' },
        });
      });

      it('lists tokens oldest first, of everyone or of one user', async () => {
        await store.createUserToken(
          sampleToken({ id: tokenId(1), createdAt: LATER }),
          CREATE_TOKEN,
        );
        await store.createUserToken(sampleToken({ id: tokenId(2), user: 'bob' }), CREATE_TOKEN);
        await store.createUserToken(sampleToken({ id: tokenId(3) }), CREATE_TOKEN);
        const ids = (tokens: UserTokenRecord[]): string[] => tokens.map((t) => t.id);
        expect(ids(await store.listUserTokens())).toEqual([tokenId(2), tokenId(3), tokenId(1)]);
        expect(ids(await store.listUserTokens('alice'))).toEqual([tokenId(3), tokenId(1)]);
        expect(await store.listUserTokens('nobody')).toEqual([]);
      });

      it.each<[string, Partial<UserTokenRecord>]>([
        ['a malformed id', { id: 'tok_short' }],
        ['a key id', { id: keyId(1) }],
        ['a label with a control character', { label: 'lap\u001btop' }],
        ['a label over 128 characters', { label: 'x'.repeat(129) }],
        ['a malformed hash', { secretHash: 'zz'.repeat(32) }],
        ['a revocation already', { revokedAt: SAMPLE_TIME }],
        ['an unknown user', { user: 'nobody' }],
      ])('refuses a token with %s, and records nothing new', async (_case, overrides) => {
        await expectRangeError(() => store.createUserToken(sampleToken(overrides), CREATE_TOKEN));
        expect(await store.listUserTokens()).toEqual([]);
        expect(await entries()).toHaveLength(2);
      });

      it('refuses a token for a removed account', async () => {
        await store.putUser(sampleUser({ disabledAt: LATER }), ADD_USER);
        await expectRangeError(() => store.createUserToken(sampleToken(), CREATE_TOKEN));
        expect(await store.listUserTokens()).toEqual([]);
      });

      it('refuses a second token with the same id', async () => {
        await store.createUserToken(sampleToken(), CREATE_TOKEN);
        await expectRangeError(() =>
          store.createUserToken(sampleToken({ user: 'bob' }), CREATE_TOKEN),
        );
        expect(await store.listUserTokens()).toEqual([sampleToken()]);
      });

      it('revokes a live token once, with its entry', async () => {
        await store.createUserToken(sampleToken(), CREATE_TOKEN);
        expect(await store.revokeUserToken(tokenId(1), LATER, REVOKE_TOKEN)).toBe(true);
        expect(await store.revokeUserToken(tokenId(1), LATER, REVOKE_TOKEN)).toBe(false);
        expect(await store.revokeUserToken(tokenId(9), LATER, REVOKE_TOKEN)).toBe(false);
        expect(await store.getUserToken(tokenId(1))).toEqual(sampleToken({ revokedAt: LATER }));
        expect((await entries()).map((e) => e.data['action'])).toEqual([
          'user-add',
          'user-add',
          'token-create',
          'token-revoke',
        ]);
      });

      it('stores no token when its entry cannot be written', async () => {
        const error = await rejectionOf(() => store.createUserToken(sampleToken(), HUGE));
        expect(error).toBeInstanceOf(AuditError);
        expect(await store.getUserToken(tokenId(1))).toBeUndefined();
      });
    });
  });
}
