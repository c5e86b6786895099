import { describe, expect, it } from 'vitest';

import type { Store } from '../../src/store/index.js';
import {
  accessEvent,
  keyId,
  sampleKey,
  sampleToken,
  sampleUser,
  tokenId,
} from '../support/access.js';
import { SAMPLE_TIME } from '../support/records.js';
import { expectStoreError, makeSqliteStore, useSqliteFile } from '../support/sqlite-file.js';
import { describeAccessStoreContract } from './access-store.contract.js';

describeAccessStoreContract('SQLite', makeSqliteStore('holdfast-access-contract-'));

describe('SQLite access store', () => {
  const db = useSqliteFile('holdfast-access-', 'home');
  const { open, closeAll, tamper } = db;

  async function seed(store: Store): Promise<void> {
    await store.createAgentKey(sampleKey(), accessEvent('key-create'));
    await store.putUser(sampleUser(), accessEvent('user-add'));
    await store.createUserToken(sampleToken(), accessEvent('token-create'));
  }

  it('keeps keys, accounts and tokens when closed and reopened', async () => {
    await seed(open());
    await closeAll();
    const store = open();
    expect(await store.getAgentKey(keyId(1))).toEqual(sampleKey());
    expect(await store.getUser('alice')).toEqual(sampleUser());
    expect(await store.getUserToken(tokenId(1))).toEqual(sampleToken());
  });

  it('revokes a key once across two connections to one file', async () => {
    const [gateway, cli] = [open(), open()];
    await seed(cli);
    const revoke = accessEvent('key-revoke', {}, SAMPLE_TIME + 1);
    expect(await cli.revokeAgentKey(keyId(1), SAMPLE_TIME + 1, revoke)).toBe(true);
    expect(await gateway.revokeAgentKey(keyId(1), SAMPLE_TIME + 2, revoke)).toBe(false);
    expect((await gateway.getAgentKey(keyId(1)))?.revokedAt).toBe(SAMPLE_TIME + 1);
  });

  it('adds the access tables to a database of the previous schema (migration 5)', async () => {
    open();
    await closeAll();
    tamper(
      'DROP TABLE agent_keys; DROP TABLE users; DROP TABLE user_tokens; PRAGMA user_version = 4;',
    );
    const store = open();
    expect(await store.listAgentKeys()).toEqual([]);
    await seed(store);
    expect(await store.listUserTokens('alice')).toEqual([sampleToken()]);
  });

  describe('when a stored record is damaged', () => {
    it.each([
      ['a key with a malformed hash', `UPDATE agent_keys SET secret_hash = 'nothex'`],
      ['a key with a negative revocation time', 'UPDATE agent_keys SET revoked_at = -5'],
      ['an account with an unknown role', `UPDATE users SET role = 'root'`],
      ['an account with a plain password', `UPDATE users SET password_hash = 'hunter2'`],
      ['a token with a malformed id', `UPDATE user_tokens SET id = 'tok_x'`],
    ])('reports STORE_CORRUPT for %s', async (_case, sql) => {
      await seed(open());
      await closeAll();
      tamper(sql);
      const store = open();
      const reads = [
        () => store.listAgentKeys(),
        () => store.listUsers(),
        () => store.listUserTokens(),
      ];
      let corrupted = 0;
      for (const read of reads) {
        try {
          await read();
        } catch {
          corrupted++;
          await expectStoreError(read, 'STORE_CORRUPT');
        }
      }
      expect(corrupted).toBe(1);
    });

    it('refuses to revoke a damaged key, and writes nothing', async () => {
      await seed(open());
      await closeAll();
      tamper(`UPDATE agent_keys SET name = 'has space'`);
      const store = open();
      const before = (await store.auditHead()).size;
      await expectStoreError(
        () => store.revokeAgentKey(keyId(1), SAMPLE_TIME + 1, accessEvent('key-revoke')),
        'STORE_CORRUPT',
      );
      expect((await store.auditHead()).size).toBe(before);
    });
  });
});
