import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';

import type { Store } from '../../src/store/index.js';
import { sampleHold } from '../support/holds.js';
import { SAMPLE_TIME } from '../support/records.js';
import { expectStoreError, useSqliteFile } from '../support/sqlite-file.js';

describe('SQLite hold store', () => {
  const db = useSqliteFile('holdfast-holds-', 'home');
  const { open, closeAll, tamper } = db;
  /** The store that created the sample hold before the test. */
  let first: Store;

  function expectCorrupt(op: () => Promise<unknown>): Promise<void> {
    return expectStoreError(op, 'STORE_CORRUPT');
  }

  beforeEach(async () => {
    first = open();
    await first.createHold(sampleHold());
  });

  it('keeps holds and spent nonces when closed and reopened', async () => {
    await first.useNonce('nonce-aaaaaaaaaaaa', SAMPLE_TIME, 0);
    await closeAll();
    const store = open();
    expect(await store.getHold(sampleHold().id)).toEqual(sampleHold());
    expect(await store.useNonce('nonce-aaaaaaaaaaaa', SAMPLE_TIME + 1, 0)).toBe(false);
  });

  it('resolves a hold once across two connections to one file', async () => {
    const [gateway, cli] = [open(), open()];
    const approved = await cli.resolveHold(sampleHold().id, {
      state: 'approved',
      by: 'cli:alice',
      at: SAMPLE_TIME + 1,
    });
    expect(
      await gateway.resolveHold(sampleHold().id, {
        state: 'denied',
        by: 'callback:bob',
        at: SAMPLE_TIME + 2,
      }),
    ).toEqual(approved);
    expect(await gateway.getHold(sampleHold().id)).toMatchObject({ state: 'approved' });
  });

  it('adds the approval tables to a database of the previous schema (migration 3)', async () => {
    await closeAll();
    tamper(
      'DROP TABLE holds; DROP TABLE callback_nonces; DROP TABLE behavior_profiles; DROP TABLE anomalies; PRAGMA user_version = 2;',
    );
    const store = open();
    expect(await store.listHolds()).toEqual([]);
    await store.createHold(sampleHold());
    expect(await store.getHold(sampleHold().id)).toEqual(sampleHold());
  });

  describe('when a stored hold is damaged', () => {
    it.each([
      ['an unknown state', `state = 'maybe'`],
      ['a malformed argument digest', `args_digest = 'sha256:nope'`],
      ['a pending hold with a resolver', `resolved_by = 'cli:mallory'`],
      ['an approved hold without a resolver', `state = 'approved'`],
      ['a malformed id', `id = 'not-a-hold'`],
    ])('reports STORE_CORRUPT for %s, and writes nothing', async (_case, set) => {
      tamper(`UPDATE holds SET ${set}`);
      const store = open();
      const raw = new Database(db.path, { readonly: true });
      const id = String(raw.prepare('SELECT id FROM holds').pluck().get());
      raw.close();
      await expectCorrupt(() => store.getHold(id));
      await expectCorrupt(() => store.listHolds());
      await expectCorrupt(() =>
        store.resolveHold(id, { state: 'approved', by: 'cli:alice', at: SAMPLE_TIME }),
      );
      await expectCorrupt(() => store.expireHold(id, SAMPLE_TIME + 10 ** 9));
      expect((await store.auditHead()).size).toBe(1);
    });
  });
});
