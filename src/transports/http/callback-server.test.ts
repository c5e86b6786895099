import { request as httpRequest } from 'node:http';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { sampleHold } from '../../../test/support/holds.js';
import { SAMPLE_TIME } from '../../../test/support/records.js';
import type { SignCallbackInput, SignedCallback } from '../../approvals/index.js';
import { CALLBACK_HEADERS, signCallback } from '../../approvals/index.js';
import { parseEntry } from '../../audit/entry.js';
import { ConfigError, StoreError } from '../../shared/errors.js';
import type { MemoryStore } from '../../store/index.js';
import { createMemoryStore } from '../../store/index.js';
import type { CallbackServer } from './callback-server.js';
import { startCallbackServer } from './callback-server.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
/** The server's clock: ten seconds after the sample hold was created. */
const NOW = SAMPLE_TIME + 10_000;
const HOLD = sampleHold();

let store: MemoryStore;
let server: CallbackServer;
let logged: string[];
let nonces = 0;

function callback(overrides: Partial<SignCallbackInput> = {}): SignedCallback {
  nonces += 1;
  return signCallback({
    secret: SECRET,
    holdId: HOLD.id,
    decision: 'approve',
    by: 'alice',
    timestamp: Math.floor(NOW / 1000),
    nonce: `test-nonce-${String(nonces).padStart(8, '0')}`,
    ...overrides,
  });
}

async function send(
  request: Pick<SignedCallback, 'path' | 'headers'> & { method?: string; body?: string },
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method ?? 'POST',
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown, headers: response.headers };
}

async function kinds(): Promise<string[]> {
  return (await store.readEntries(0, 100)).map((row) => parseEntry(row.entry).kind);
}

beforeEach(async () => {
  store = createMemoryStore();
  await store.createHold(HOLD);
  logged = [];
  server = await startCallbackServer({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    store,
    clock: { now: () => NOW },
    replayWindowS: 300,
    log: (line) => logged.push(line),
  });
});

afterEach(async () => {
  await server.close();
});

describe('the approval callback server', () => {
  describe('when a correctly signed approval arrives', () => {
    it('approves the hold as callback:<by> and answers 200 {id, state}', async () => {
      expect(await send(callback())).toMatchObject({
        status: 200,
        body: { id: HOLD.id, state: 'approved' },
      });
      expect(await store.getHold(HOLD.id)).toEqual({
        ...HOLD,
        state: 'approved',
        resolvedBy: 'callback:alice',
        resolvedAt: NOW,
      });
      expect(await kinds()).toEqual(['hold', 'hold-resolved']);
    });

    it('denies the hold when told to', async () => {
      expect((await send(callback({ decision: 'deny' }))).body).toEqual({
        id: HOLD.id,
        state: 'denied',
      });
    });
  });

  describe('when the exact same request is replayed', () => {
    it('answers 401 and leaves the hold as the first request left it', async () => {
      const request = callback({ decision: 'deny' });
      expect((await send(request)).status).toBe(200);
      const after = await store.getHold(HOLD.id);

      const replay = await send(request);
      expect(replay).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      expect(await store.getHold(HOLD.id)).toEqual(after);
      expect(await kinds()).toEqual(['hold', 'hold-resolved']);
    });

    it('answers 401 even when the first attempt found no such hold', async () => {
      const request = callback({ holdId: 'hold_ZZZZZZZZZZZZZZZZ' });
      expect((await send(request)).status).toBe(404);
      expect((await send(request)).status).toBe(401);
    });
  });

  describe('when the hold is no longer pending', () => {
    it('answers 409 with the state to a second resolution', async () => {
      await send(callback());
      expect(await send(callback({ decision: 'deny', by: 'bob' }))).toMatchObject({
        status: 409,
        body: { id: HOLD.id, state: 'approved' },
      });
      expect(await store.getHold(HOLD.id)).toMatchObject({ resolvedBy: 'callback:alice' });
    });

    it('answers 409 expired to an approval after the expiry, and records the expiry', async () => {
      await store.createHold({ ...HOLD, id: 'hold_EXPIREDEXPIRED00', expiresAt: NOW });
      expect(await send(callback({ holdId: 'hold_EXPIREDEXPIRED00' }))).toMatchObject({
        status: 409,
        body: { id: 'hold_EXPIREDEXPIRED00', state: 'expired' },
      });
      expect((await kinds()).at(-1)).toBe('hold-resolved');
    });
  });

  it('answers 404 to a signed request for an unknown hold', async () => {
    expect(await send(callback({ holdId: 'hold_UNKNOWNUNKNOWN0' }))).toMatchObject({
      status: 404,
      body: { error: 'not found' },
    });
  });

  describe('when a request is not authentic', () => {
    it('answers the same 401 to a bad signature, a stale timestamp and a missing nonce', async () => {
      const good = callback();
      const forged = callback({ secret: 'another-secret-of-at-least-32-bytes' });
      const stale = callback({ timestamp: Math.floor(NOW / 1000) - 301 });
      const headers = Object.fromEntries(
        Object.entries(good.headers).filter(([name]) => name !== CALLBACK_HEADERS.nonce),
      );
      const answers = [await send(forged), await send(stale), await send({ ...good, headers })];
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      }
      expect(await store.getHold(HOLD.id)).toEqual(HOLD);
      expect(await kinds()).toEqual(['hold']);
    });

    it('never logs the secret, the signature or the body', async () => {
      const forged = callback({ secret: 'another-secret-of-at-least-32-bytes' });
      await send(forged);
      const accepted = callback();
      await send(accepted);
      const text = logged.join('\n');
      expect(logged.length).toBeGreaterThanOrEqual(2);
      for (const secretish of [
        SECRET,
        forged.headers[CALLBACK_HEADERS.signature] ?? '',
        accepted.headers[CALLBACK_HEADERS.signature] ?? '',
        accepted.body,
      ]) {
        expect(text).not.toContain(secretish);
        expect(text).not.toContain(secretish.slice('sha256='.length, 30));
      }
    });
  });

  describe('when a request is malformed', () => {
    it('answers 405 with Allow: POST to another method', async () => {
      const { path, headers } = callback();
      const answer = await send({ path, headers, method: 'GET' });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
    });

    it('answers 413 to a body over 4 KiB', async () => {
      const request = callback();
      expect(await send({ ...request, body: ' '.repeat(5000) })).toMatchObject({
        status: 413,
      });
      expect(await store.getHold(HOLD.id)).toEqual(HOLD);
    });

    it('answers 413 to a chunked body that grows over 4 KiB, without reading the rest', async () => {
      const { path, headers } = callback();
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = httpRequest(`${server.url}${path}`, { method: 'POST', headers }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.write('{"decision":"approve",');
        req.write(' '.repeat(5000));
        // Never ended: the server must answer without waiting for the end of the body.
      });
      expect(status).toBe(413);
      expect(await store.getHold(HOLD.id)).toEqual(HOLD);
    });

    it('answers 404 to another path', async () => {
      expect((await send({ ...callback(), path: '/healthz' })).status).toBe(404);
    });
  });

  it('answers 503 and changes nothing when the store fails', async () => {
    store.setFault(new StoreError('STORE_UNAVAILABLE', 'injected'));
    expect(await send(callback())).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    store.setFault(undefined);
    expect(await store.getHold(HOLD.id)).toEqual(HOLD);
    expect(logged.at(-1)).toContain('STORE_UNAVAILABLE');
  });
});

describe('binding the approval callback server', () => {
  const options = {
    port: 0,
    secret: SECRET,
    store: createMemoryStore(),
    clock: { now: () => NOW },
    log: () => undefined,
  };

  it.each(['0.0.0.0', '::', '192.0.2.1', 'example.com'])(
    'refuses the non-loopback host %s unless allowRemote is set',
    async (host) => {
      const error: unknown = await startCallbackServer({ ...options, host }).catch(
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    },
  );

  it('listens on localhost', async () => {
    const local = await startCallbackServer({ ...options, host: 'localhost' });
    try {
      expect(local.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
    } finally {
      await local.close();
    }
  });

  it('refuses a short secret before listening', async () => {
    await expect(
      startCallbackServer({ ...options, host: '127.0.0.1', secret: 'short' }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
