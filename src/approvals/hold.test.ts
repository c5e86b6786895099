import { describe, expect, it } from 'vitest';

import { holdId, SAMPLE_HOLD_INPUT, SAMPLE_TTL_MS, sampleHold } from '../../test/support/holds.js';
import { SAMPLE_TIME } from '../../test/support/records.js';
import type { Hold } from '../store/index.js';
import { sha256Digest } from '../surface/digest.js';
import {
  createHold,
  expire,
  HOLD_ID_PATTERN,
  isExpired,
  isHold,
  MAX_HOLD_TTL_MS,
  resolve,
} from './hold.js';
import { toHoldEvent, toHoldResolvedEvent } from './hold-events.js';

const CLOCK = { now: () => SAMPLE_TIME };
const EXPIRY = SAMPLE_TIME + SAMPLE_TTL_MS;
const INPUT = { ...SAMPLE_HOLD_INPUT };

describe('holds', () => {
  describe('when a call is held', () => {
    it('is pending from now until now + ttl, with a fresh hold id', () => {
      const hold = createHold(INPUT, CLOCK, SAMPLE_TTL_MS);
      expect(hold).toEqual({
        ...INPUT,
        id: expect.stringMatching(HOLD_ID_PATTERN) as string,
        createdAt: SAMPLE_TIME,
        expiresAt: EXPIRY,
        state: 'pending',
        resolvedBy: null,
        resolvedAt: null,
      });
      expect(hold.id).toMatch(/^hold_[A-Za-z0-9_-]{16}$/);
      expect(createHold(INPUT, CLOCK, SAMPLE_TTL_MS).id).not.toBe(hold.id);
    });

    it.each([0, -1, 1.5, MAX_HOLD_TTL_MS + 1, Number.NaN])('refuses a ttl of %s ms', (ttl) => {
      expect(() => createHold(INPUT, CLOCK, ttl)).toThrow(RangeError);
    });

    it('refuses malformed input', () => {
      expect(() => createHold({ ...INPUT, argsDigest: 'abc' }, CLOCK, 1000)).toThrow(RangeError);
      expect(() => createHold({ ...INPUT, server: '' }, CLOCK, 1000)).toThrow(RangeError);
    });
  });

  describe('when a pending hold is resolved', () => {
    it('takes the decision before its expiry', () => {
      const at = EXPIRY - 1;
      expect(resolve(sampleHold(), { state: 'denied', by: 'cli:alice', at })).toEqual({
        ...sampleHold(),
        state: 'denied',
        resolvedBy: 'cli:alice',
        resolvedAt: at,
      });
    });

    it('expires instead at or after its expiry: expiry denies', () => {
      for (const at of [EXPIRY, EXPIRY + 1]) {
        expect(resolve(sampleHold(), { state: 'approved', by: 'cli:alice', at })).toEqual({
          ...sampleHold(),
          state: 'expired',
          resolvedBy: null,
          resolvedAt: at,
        });
      }
    });

    it('returns a resolved hold as the very same object', () => {
      const approved = sampleHold({ state: 'approved', resolvedBy: 'x', resolvedAt: 1 });
      const at = SAMPLE_TIME;
      expect(resolve(approved, { state: 'denied', by: 'y', at })).toBe(approved);
      expect(expire(approved, EXPIRY)).toBe(approved);
    });

    it('throws for a malformed resolution', () => {
      const bad = { state: 'expired', by: 'x', at: 1 } as unknown as Parameters<typeof resolve>[1];
      expect(() => resolve(sampleHold(), bad)).toThrow(RangeError);
    });
  });

  describe('when expiry is checked', () => {
    it('expires a pending hold from its expiry on, and not before', () => {
      const hold = sampleHold();
      expect(isExpired(hold, EXPIRY - 1)).toBe(false);
      expect(isExpired(hold, EXPIRY)).toBe(true);
      expect(expire(hold, EXPIRY - 1)).toBe(hold);
      expect(expire(hold, EXPIRY)).toMatchObject({ state: 'expired', resolvedAt: EXPIRY });
      expect(() => expire(hold, 0.5)).toThrow(RangeError);
    });

    it('treats a time that is not a number as expired (fails closed)', () => {
      expect(isExpired(sampleHold(), Number.NaN)).toBe(true);
    });
  });

  describe('when a value is checked as a hold', () => {
    it.each<[string, Partial<Hold> | Record<string, unknown>]>([
      ['expired with a resolver', { state: 'expired', resolvedBy: 'x', resolvedAt: 1 }],
      ['approved without a time', { state: 'approved', resolvedBy: 'x' }],
      ['an unknown state', { state: 'held' }],
      ['a malformed definition digest', { definitionDigest: 'sha256:' }],
      ['an id of another kind', { id: holdId(1).replace('hold_', 'ses_') }],
      ['a non-string name', { name: 7 }],
      ['an empty rule id', { ruleId: '' }],
    ])('rejects %s', (_case, overrides) => {
      expect(isHold({ ...sampleHold(), ...overrides })).toBe(false);
    });

    it('rejects non-objects', () => {
      expect(isHold(null)).toBe(false);
      expect(isHold('hold')).toBe(false);
    });
  });

  describe('audit events', () => {
    it('records a resolution with who decided, or null for an expiry', () => {
      const hold = sampleHold();
      const expired = expire(hold, EXPIRY);
      expect(toHoldResolvedEvent(expired)).toEqual({
        at: EXPIRY,
        server: 'notes',
        kind: 'hold-resolved',
        data: { id: hold.id, state: 'expired', by: null },
      });
      expect(() => toHoldResolvedEvent(hold)).toThrow(RangeError);
    });

    it('records long client-chosen strings as digests', () => {
      const long = 'p'.repeat(129);
      const data = toHoldEvent(sampleHold({ principal: long, ruleId: long, name: null })).data;
      expect(data['principal']).toBe(sha256Digest(long));
      expect(data['rule']).toBe(sha256Digest(long));
      expect(data['name']).toBeNull();
      expect(toHoldEvent(sampleHold({ name: 'n'.repeat(128) })).data['name']).toBe('n'.repeat(128));
    });
  });
});
