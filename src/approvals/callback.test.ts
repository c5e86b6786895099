import { createHmac } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CallbackRequest, SignedCallback } from './callback.js';
import {
  CALLBACK_HEADERS,
  MAX_CALLBACK_BODY_BYTES,
  signCallback,
  toCallbackSignature,
  verifyCallback,
} from './callback.js';

const SECRET = 'k'.repeat(32);
/** 2026-01-01T00:00:00Z in seconds, and the same instant in milliseconds for `now`. */
const T = 1_767_225_600;
const NOW = T * 1000;
const WINDOW = 300;
const HOLD = 'hold_AAAAAAAAAAAAAAAA';
const NONCE = 'nonce_0123456789abcdef';

function signed(overrides: Partial<Parameters<typeof signCallback>[0]> = {}): SignedCallback {
  return signCallback({
    secret: SECRET,
    holdId: HOLD,
    decision: 'approve',
    by: 'alice',
    timestamp: T,
    nonce: NONCE,
    ...overrides,
  });
}

/** The request the server would see for `callback`, with fields replaced by `overrides`. */
function requestOf(
  callback: SignedCallback,
  overrides: Partial<CallbackRequest> = {},
): CallbackRequest {
  return {
    method: callback.method,
    path: callback.path,
    headers: callback.headers,
    body: Buffer.from(callback.body, 'utf8'),
    secret: SECRET,
    now: NOW,
    replayWindowS: WINDOW,
    ...overrides,
  };
}

/** Signs arbitrary parts with the real secret, as a sender that knows it would. */
function signedRaw(path: string, body: string, timestamp = String(T), nonce = NONCE) {
  return {
    method: 'POST',
    path,
    body: Buffer.from(body, 'utf8'),
    headers: {
      [CALLBACK_HEADERS.timestamp]: timestamp,
      [CALLBACK_HEADERS.nonce]: nonce,
      [CALLBACK_HEADERS.signature]: toCallbackSignature(SECRET, { timestamp, nonce, path, body }),
    },
    secret: SECRET,
    now: NOW,
    replayWindowS: WINDOW,
  } satisfies CallbackRequest;
}

/** `headers` without `name`. */
function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
}

function withHeader(callback: SignedCallback, name: string, value: string | undefined) {
  const headers =
    value === undefined ? without(callback.headers, name) : { ...callback.headers, [name]: value };
  return requestOf(callback, { headers });
}

describe('signed approval callbacks', () => {
  describe('when the request is signed with the secret', () => {
    it('accepts it and returns the hold, decision, sender and nonce', () => {
      expect(verifyCallback(requestOf(signed()))).toEqual({
        ok: true,
        holdId: HOLD,
        decision: 'approve',
        by: 'alice',
        nonce: NONCE,
      });
      expect(verifyCallback(requestOf(signed({ decision: 'deny', by: 'On-call Bob' })))).toEqual(
        expect.objectContaining({ ok: true, decision: 'deny', by: 'On-call Bob' }),
      );
    });

    it('signs exactly timestamp, nonce, method, path and body, as documented', () => {
      const callback = signed();
      const message = `${T}\n${NONCE}\nPOST\n/holds/${HOLD}\n${callback.body}`;
      const hex = createHmac('sha256', SECRET).update(message).digest('hex');
      expect(callback.headers[CALLBACK_HEADERS.signature]).toBe(`sha256=${hex}`);
      expect(callback.body).toBe('{"decision":"approve","by":"alice"}');
      expect(callback.path).toBe(`/holds/${HOLD}`);
    });

    it('accepts a secret given as bytes', () => {
      const secret = Buffer.alloc(32, 7);
      const callback = signed({ secret });
      expect(verifyCallback(requestOf(callback, { secret })).ok).toBe(true);
    });

    it('accepts the keys in either order', () => {
      const path = `/holds/${HOLD}`;
      expect(verifyCallback(signedRaw(path, '{"by":"alice","decision":"deny"}'))).toMatchObject({
        ok: true,
        decision: 'deny',
      });
    });
  });

  describe('when anything signed was changed', () => {
    const callback = signed();
    const other = 'hold_BBBBBBBBBBBBBBBB';

    it.each<[string, CallbackRequest]>([
      [
        'the body',
        requestOf(callback, { body: Buffer.from(callback.body.replace('approve', 'deny')) }),
      ],
      ['the path (another hold)', requestOf(callback, { path: `/holds/${other}` })],
      ['the timestamp', withHeader(callback, CALLBACK_HEADERS.timestamp, String(T + 1))],
      ['the nonce', withHeader(callback, CALLBACK_HEADERS.nonce, `${NONCE}x`)],
      ['the secret', requestOf(callback, { secret: 'K'.repeat(32) })],
    ])('refuses it with 401 (%s)', (_case, request) => {
      expect(verifyCallback(request)).toEqual({
        ok: false,
        status: 401,
        reason: 'signature mismatch',
      });
    });

    it('refuses the same signature moved to another hold, with a body naming it', () => {
      const moved = signed({ holdId: other });
      const request = requestOf(moved, {
        headers: {
          ...moved.headers,
          [CALLBACK_HEADERS.signature]: callback.headers[CALLBACK_HEADERS.signature] ?? '',
        },
      });
      expect(verifyCallback(request)).toMatchObject({ ok: false, status: 401 });
    });

    it('refuses any single-byte change to the body or the path', () => {
      const body = Buffer.from(callback.body, 'utf8');
      const path = Buffer.from(callback.path, 'utf8');
      fc.assert(
        fc.property(
          fc.boolean(),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (isBody, position, delta) => {
            const target = Buffer.from(isBody ? body : path);
            const index = position % target.length;
            target[index] = ((target[index] ?? 0) + delta) % 256;
            const request = isBody
              ? requestOf(callback, { body: target })
              : requestOf(callback, { path: target.toString('latin1') });
            const verdict = verifyCallback(request);
            // A changed body fails the signature; a changed path fails the route or the signature.
            expect(verdict.ok).toBe(false);
            if (!verdict.ok && isBody) expect(verdict.status).toBe(401);
            if (!verdict.ok && !isBody) expect([401, 404]).toContain(verdict.status);
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('when the signature header is malformed', () => {
    const callback = signed();
    const good = callback.headers[CALLBACK_HEADERS.signature] ?? '';
    const hex = good.slice('sha256='.length);

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['without the sha256= prefix', hex],
      ['with another algorithm name', `sha512=${hex}`],
      ['in upper-case hex', `sha256=${hex.toUpperCase()}`],
      ['truncated', good.slice(0, -2)],
      ['with a byte appended', `${good}00`],
      ['base64', `sha256=${Buffer.from(hex, 'hex').toString('base64')}`],
      ['with a trailing space', `${good} `],
    ])('refuses it with 401 (%s)', (_case, value) => {
      expect(verifyCallback(withHeader(callback, CALLBACK_HEADERS.signature, value))).toEqual({
        ok: false,
        status: 401,
        reason: 'missing or malformed signature',
      });
    });

    it('refuses a repeated signature header', () => {
      const request = requestOf(callback, {
        headers: { ...callback.headers, [CALLBACK_HEADERS.signature]: [good, good] },
      });
      expect(verifyCallback(request)).toMatchObject({ ok: false, status: 401 });
    });
  });

  describe('when the timestamp is outside the replay window', () => {
    it.each([
      ['stale', T - WINDOW - 1],
      ['in the future', T + WINDOW + 1],
      ['zero', 0],
    ])('refuses a %s one with 401, even correctly signed', (_case, timestamp) => {
      expect(verifyCallback(requestOf(signed({ timestamp })))).toEqual({
        ok: false,
        status: 401,
        reason: 'timestamp outside the replay window',
      });
    });

    it('accepts one exactly at either edge of the window', () => {
      expect(verifyCallback(requestOf(signed({ timestamp: T - WINDOW }))).ok).toBe(true);
      expect(verifyCallback(requestOf(signed({ timestamp: T + WINDOW }))).ok).toBe(true);
    });

    it.each([
      ['missing', undefined],
      ['negative', '-5'],
      ['fractional', `${T}.5`],
      ['in milliseconds with a sign', `+${T}`],
      ['not a number', 'yesterday'],
      ['absurdly long', '9'.repeat(20)],
    ])('refuses a %s timestamp with 401', (_case, value) => {
      const request = withHeader(signed(), CALLBACK_HEADERS.timestamp, value);
      expect(verifyCallback(request)).toMatchObject({ ok: false, status: 401 });
    });
  });

  describe('when the nonce is malformed', () => {
    it.each([
      ['missing', undefined],
      ['15 characters', 'a'.repeat(15)],
      ['129 characters', 'a'.repeat(129)],
      ['with a dot', 'nonce.0123456789abcdef'],
      ['with a newline', 'nonce\n0123456789abcdef'],
    ])('refuses it with 401 (%s), before checking the signature', (_case, nonce) => {
      // Signed over the bad nonce, so only the format check can refuse it.
      const request = signedRaw(`/holds/${HOLD}`, signed().body, String(T), nonce ?? '');
      const headers =
        nonce === undefined ? without(request.headers, CALLBACK_HEADERS.nonce) : request.headers;
      expect(verifyCallback({ ...request, headers })).toEqual({
        ok: false,
        status: 401,
        reason: 'missing or malformed nonce',
      });
    });

    it('accepts 16 and 128 characters', () => {
      for (const nonce of ['a'.repeat(16), 'Z-_9'.repeat(32)]) {
        expect(verifyCallback(requestOf(signed({ nonce }))).ok).toBe(true);
      }
    });
  });

  describe('when the request is not a callback', () => {
    it('answers 405 to another method', () => {
      expect(verifyCallback(requestOf(signed(), { method: 'GET' }))).toMatchObject({
        ok: false,
        status: 405,
      });
    });

    it.each([
      ['/'],
      ['/holds/'],
      [`/holds/${HOLD}/approve`],
      [`/holds/${HOLD}?decision=approve`],
      ['/holds/hold_a%2Fb'],
      ['/holds/../holds/hold_AAAA'],
      [`/HOLDS/${HOLD}`],
    ])('answers 404 to the path %s', (path) => {
      expect(verifyCallback(signedRaw(path, signed().body))).toMatchObject({
        ok: false,
        status: 404,
      });
    });

    it('answers 413 to a body over 4 KiB, before checking anything else', () => {
      const body = ' '.repeat(MAX_CALLBACK_BODY_BYTES + 1);
      expect(verifyCallback(requestOf(signed(), { body: Buffer.from(body) }))).toMatchObject({
        ok: false,
        status: 413,
      });
    });
  });

  describe('when a correctly signed body is not exactly {decision, by}', () => {
    it.each([
      ['not JSON', 'approve'],
      ['an array', '["approve","alice"]'],
      ['a missing by', '{"decision":"approve"}'],
      ['an extra key', '{"decision":"approve","by":"alice","ttl":1}'],
      ['a duplicate key', '{"decision":"deny","by":"alice","decision":"approve"}'],
      ['an unknown decision', '{"decision":"allow","by":"alice"}'],
      ['a decision in another case', '{"decision":"Approve","by":"alice"}'],
      ['an empty by', '{"decision":"approve","by":""}'],
      ['a by of 65 characters', `{"decision":"approve","by":"${'a'.repeat(65)}"}`],
      ['a by with a control character', '{"decision":"approve","by":"al\\u001bice"}'],
      ['a by with non-ASCII text', '{"decision":"approve","by":"al\u200bice"}'],
      ['a by with a leading space', '{"decision":"approve","by":" alice"}'],
      ['a by that is a number', '{"decision":"approve","by":7}'],
    ])('answers 400 (%s)', (_case, body) => {
      expect(verifyCallback(signedRaw(`/holds/${HOLD}`, body))).toMatchObject({
        ok: false,
        status: 400,
      });
    });

    it('answers 400 to invalid UTF-8', () => {
      const path = `/holds/${HOLD}`;
      const request = signedRaw(path, '');
      const body = Buffer.from([0x7b, 0xff, 0x7d]);
      const signature = createHmac('sha256', SECRET)
        .update(`${T}\n${NONCE}\nPOST\n${path}\n`)
        .update(body)
        .digest('hex');
      const headers = { ...request.headers, [CALLBACK_HEADERS.signature]: `sha256=${signature}` };
      expect(verifyCallback({ ...request, body, headers })).toMatchObject({
        ok: false,
        status: 400,
      });
    });

    it('accepts a by of 64 printable characters with inner spaces', () => {
      const by = `a ${'b'.repeat(61)}c`;
      const body = JSON.stringify({ decision: 'approve', by });
      expect(verifyCallback(signedRaw(`/holds/${HOLD}`, body))).toMatchObject({ ok: true, by });
    });
  });

  describe('when the settings are unsafe', () => {
    it('throws for a secret shorter than 32 bytes', () => {
      expect(() => verifyCallback(requestOf(signed(), { secret: 'short' }))).toThrow(RangeError);
      expect(() => signed({ secret: 'x'.repeat(31) })).toThrow(RangeError);
    });

    it('throws for a replay window that is not a positive integer', () => {
      for (const replayWindowS of [0, -1, 1.5, 86_401]) {
        expect(() => verifyCallback(requestOf(signed(), { replayWindowS }))).toThrow(RangeError);
      }
    });

    it('refuses to sign a malformed hold id, nonce, sender or timestamp', () => {
      expect(() => signed({ holdId: 'hold/1' })).toThrow(RangeError);
      expect(() => signed({ nonce: 'short' })).toThrow(RangeError);
      expect(() => signed({ by: '' })).toThrow(RangeError);
      expect(() => signed({ timestamp: -1 })).toThrow(RangeError);
    });
  });
});
