/**
 * The behaviour every {@link HoldStore} backend must show (memory, SQLite, PostgreSQL): holds are
 * stored as given and listed oldest first, only a pending hold changes and only once
 * (compare-and-set), expiry wins over a late decision, nonces are spent once, and each creation and
 * change is in the audit log with it, in the same transaction.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { AuditEntry } from '../../src/audit/entry.js';
import { parseEntry } from '../../src/audit/entry.js';
import { AuditError } from '../../src/shared/errors.js';
import type { Hold, Store } from '../../src/store/index.js';
import { sha256Digest } from '../../src/surface/digest.js';
import { holdId, SAMPLE_TTL_MS, sampleHold } from '../support/holds.js';
import { SAMPLE_TIME } from '../support/records.js';
import { rejectionOf } from '../support/thrown.js';
import type { MakeStore } from './fresh-store.js';
import { useFreshStore } from './fresh-store.js';

const EXPIRY = SAMPLE_TIME + SAMPLE_TTL_MS;
const APPROVE = { state: 'approved', by: 'cli:alice', at: SAMPLE_TIME + 1000 } as const;
const DENY = { state: 'denied', by: 'callback:bob', at: SAMPLE_TIME + 2000 } as const;

export function describeHoldStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} hold store (contract)`, () => {
    let store: Store;
    useFreshStore(makeStore, (fresh) => (store = fresh));

    /** Every audit entry, decoded. */
    async function entries(): Promise<AuditEntry[]> {
      return (await store.readEntries(0, 1000)).map((row) => parseEntry(row.entry));
    }

    describe('when a hold is unknown', () => {
      it('reads, resolves and expires nothing', async () => {
        expect(await store.getHold(holdId(1))).toBeUndefined();
        expect(await store.resolveHold(holdId(1), APPROVE)).toBeUndefined();
        expect(await store.expireHold(holdId(1), EXPIRY)).toBeUndefined();
        expect(await store.listHolds()).toEqual([]);
        expect(await entries()).toEqual([]);
      });
    });

    describe('when a hold is created', () => {
      it('stores it as given and hands out copies', async () => {
        const hold = sampleHold();
        await store.createHold(hold);
        hold.reason = 'changed by the caller afterwards';
        const read = await store.getHold(sampleHold().id);
        expect(read).toEqual(sampleHold());
        if (read !== undefined) read.state = 'approved';
        expect(await store.getHold(sampleHold().id)).toEqual(sampleHold());
      });

      it('keeps a null name and a null definition digest', async () => {
        const hold = sampleHold({ name: null, definitionDigest: null, method: 'resources/read' });
        await store.createHold(hold);
        expect(await store.getHold(hold.id)).toEqual(hold);
      });

      it('records a hold entry with digests and labels, never arguments', async () => {
        await store.createHold(sampleHold());
        expect(await entries()).toEqual([
          {
            index: 0,
            at: SAMPLE_TIME,
            server: 'notes',
            kind: 'hold',
            data: {
              id: sampleHold().id,
              method: 'tools/call',
              name: 'send_note',
              principal: 'stdio:ses_sample',
              definition: sampleHold().definitionDigest,
              args: sampleHold().argsDigest,
              rule: 'notes-review-sends',
              expires_at: EXPIRY,
            },
          },
        ]);
      });

      it('records a name longer than 128 characters as its digest', async () => {
        const long = `file:///${'a'.repeat(200)}`;
        await store.createHold(sampleHold({ name: long }));
        expect((await entries())[0]?.data['name']).toBe(sha256Digest(long));
        expect((await store.getHold(sampleHold().id))?.name).toBe(long);
      });

      it.each<[string, Partial<Hold>]>([
        ['not pending', { state: 'approved', resolvedBy: 'cli:alice', resolvedAt: SAMPLE_TIME }],
        ['pending with a resolution', { resolvedBy: 'cli:alice' }],
        ['a malformed id', { id: 'hold-1' }],
        ['a malformed argument digest', { argsDigest: 'sha256:abc' }],
        ['an expiry before its creation', { expiresAt: SAMPLE_TIME }],
        ['a fractional time', { createdAt: SAMPLE_TIME + 0.5 }],
      ])('refuses a hold that is %s, and records nothing', async (_case, overrides) => {
        const error = await rejectionOf(() => store.createHold(sampleHold(overrides)));
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.listHolds()).toEqual([]);
        expect(await entries()).toEqual([]);
      });

      it('refuses a second hold with the same id', async () => {
        await store.createHold(sampleHold());
        const error = await rejectionOf(() => store.createHold(sampleHold({ server: 'other' })));
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.listHolds()).toEqual([sampleHold()]);
        expect(await entries()).toHaveLength(1);
      });

      it('stores nothing when its audit entry cannot be written', async () => {
        const huge = sampleHold({ server: 'x'.repeat(70_000) }); // entry over 64 KiB
        const error = await rejectionOf(() => store.createHold(huge));
        expect(error).toBeInstanceOf(AuditError);
        expect(error).toMatchObject({ code: 'AUDIT_MALFORMED' });
        expect(await store.getHold(huge.id)).toBeUndefined();
        expect(await entries()).toEqual([]);
      });
    });

    describe('when several holds are listed', () => {
      beforeEach(async () => {
        // Created out of time order; two share a time.
        await store.createHold(sampleHold({ id: holdId(1), createdAt: SAMPLE_TIME + 20 }));
        await store.createHold(sampleHold({ id: holdId(2), createdAt: SAMPLE_TIME }));
        await store.createHold(
          sampleHold({ id: holdId(3), createdAt: SAMPLE_TIME + 20, server: 'mail' }),
        );
        await store.createHold(
          sampleHold({ id: holdId(4), createdAt: SAMPLE_TIME + 10, server: 'mail' }),
        );
        await store.resolveHold(holdId(4), APPROVE);
      });

      const ids = (holds: Hold[]): string[] => holds.map((h) => h.id);

      it('orders them oldest first, ties in creation order', async () => {
        expect(ids(await store.listHolds())).toEqual([holdId(2), holdId(4), holdId(1), holdId(3)]);
      });

      it('filters by state, by server, and by both', async () => {
        expect(ids(await store.listHolds({ state: 'pending' }))).toEqual([
          holdId(2),
          holdId(1),
          holdId(3),
        ]);
        expect(ids(await store.listHolds({ state: 'approved' }))).toEqual([holdId(4)]);
        expect(ids(await store.listHolds({ state: 'denied' }))).toEqual([]);
        expect(ids(await store.listHolds({ server: 'mail' }))).toEqual([holdId(4), holdId(3)]);
        expect(ids(await store.listHolds({ state: 'pending', server: 'mail' }))).toEqual([
          holdId(3),
        ]);
        expect(await store.listHolds({ server: 'nobody' })).toEqual([]);
      });
    });

    describe('when a pending hold is resolved', () => {
      beforeEach(async () => {
        await store.createHold(sampleHold());
      });

      it('stores the decision, who made it and when', async () => {
        const expected: Hold = {
          ...sampleHold(),
          state: 'approved',
          resolvedBy: 'cli:alice',
          resolvedAt: APPROVE.at,
        };
        expect(await store.resolveHold(sampleHold().id, APPROVE)).toEqual(expected);
        expect(await store.getHold(sampleHold().id)).toEqual(expected);
      });

      it('records a hold-resolved entry', async () => {
        await store.resolveHold(sampleHold().id, DENY);
        expect((await entries()).at(-1)).toEqual({
          index: 1,
          at: DENY.at,
          server: 'notes',
          kind: 'hold-resolved',
          data: { id: sampleHold().id, state: 'denied', by: 'callback:bob' },
        });
      });

      it('refuses a second resolution and returns the first unchanged (compare-and-set)', async () => {
        const first = await store.resolveHold(sampleHold().id, APPROVE);
        expect(await store.resolveHold(sampleHold().id, DENY)).toEqual(first);
        expect(await store.resolveHold(sampleHold().id, APPROVE)).toEqual(first);
        expect(await store.expireHold(sampleHold().id, EXPIRY + 1)).toEqual(first);
        expect(await store.getHold(sampleHold().id)).toEqual(first);
        expect(await entries()).toHaveLength(2);
      });

      it('lets exactly one of many concurrent resolutions win', async () => {
        const attempts = Array.from({ length: 10 }, (_, i) =>
          store.resolveHold(sampleHold().id, {
            state: i % 2 === 0 ? 'approved' : 'denied',
            by: `cli:user${i}`,
            at: SAMPLE_TIME + i,
          }),
        );
        const results = await Promise.all(attempts);
        const stored = await store.getHold(sampleHold().id);
        for (const result of results) expect(result).toEqual(stored);
        expect((await entries()).filter((e) => e.kind === 'hold-resolved')).toHaveLength(1);
      });

      it('makes it expired instead when the decision comes at or after its expiry', async () => {
        const expected: Hold = {
          ...sampleHold(),
          state: 'expired',
          resolvedBy: null,
          resolvedAt: EXPIRY,
        };
        expect(await store.resolveHold(sampleHold().id, { ...APPROVE, at: EXPIRY })).toEqual(
          expected,
        );
        expect(await store.resolveHold(sampleHold().id, APPROVE)).toEqual(expected);
        expect((await entries()).at(-1)).toMatchObject({
          kind: 'hold-resolved',
          data: { id: sampleHold().id, state: 'expired', by: null },
        });
      });

      it('rejects a malformed resolution and changes nothing', async () => {
        for (const bad of [
          { ...APPROVE, by: '' },
          { ...APPROVE, at: 1.5 },
          { ...APPROVE, state: 'expired' as 'approved' },
        ]) {
          expect(await rejectionOf(() => store.resolveHold(sampleHold().id, bad))).toBeInstanceOf(
            RangeError,
          );
        }
        expect(await store.getHold(sampleHold().id)).toEqual(sampleHold());
        expect(await entries()).toHaveLength(1);
      });
    });

    describe('when expiry is checked', () => {
      beforeEach(async () => {
        await store.createHold(sampleHold());
      });

      it('leaves a hold pending before its expiry, and records nothing', async () => {
        expect(await store.expireHold(sampleHold().id, EXPIRY - 1)).toEqual(sampleHold());
        expect(await entries()).toHaveLength(1);
      });

      it('marks it expired from its expiry on, once', async () => {
        const expired: Hold = {
          ...sampleHold(),
          state: 'expired',
          resolvedBy: null,
          resolvedAt: EXPIRY,
        };
        expect(await store.expireHold(sampleHold().id, EXPIRY)).toEqual(expired);
        expect(await store.expireHold(sampleHold().id, EXPIRY + 5)).toEqual(expired);
        expect(await store.listHolds({ state: 'expired' })).toEqual([expired]);
        expect((await entries()).map((e) => e.kind)).toEqual(['hold', 'hold-resolved']);
      });
    });

    describe('when callback nonces are used', () => {
      it('accepts a nonce once and refuses its replay', async () => {
        expect(await store.useNonce('nonce-aaaaaaaaaaaa', SAMPLE_TIME, 0)).toBe(true);
        expect(await store.useNonce('nonce-aaaaaaaaaaaa', SAMPLE_TIME + 1, 0)).toBe(false);
        expect(await store.useNonce('nonce-bbbbbbbbbbbb', SAMPLE_TIME + 1, 0)).toBe(true);
      });

      it('still refuses a replay after pruning older nonces', async () => {
        await store.useNonce('nonce-old-aaaaaaaa', SAMPLE_TIME, 0);
        await store.useNonce('nonce-new-aaaaaaaa', SAMPLE_TIME + 10_000, 0);
        expect(
          await store.useNonce('nonce-other-aaaaaa', SAMPLE_TIME + 20_000, SAMPLE_TIME + 1),
        ).toBe(true);
        expect(
          await store.useNonce('nonce-new-aaaaaaaa', SAMPLE_TIME + 20_000, SAMPLE_TIME + 1),
        ).toBe(false);
      });

      it('records nothing in the audit log', async () => {
        await store.useNonce('nonce-aaaaaaaaaaaa', SAMPLE_TIME, 0);
        expect(await entries()).toEqual([]);
      });

      it('rejects an empty nonce or a fractional time', async () => {
        expect(await rejectionOf(() => store.useNonce('', SAMPLE_TIME, 0))).toBeInstanceOf(
          RangeError,
        );
        expect(await rejectionOf(() => store.useNonce('n', 0.5, 0))).toBeInstanceOf(RangeError);
      });
    });
  });
}
