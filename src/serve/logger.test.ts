import { describe, expect, it } from 'vitest';

import { createJsonLogger, REDACTED, toLineLogger } from './logger.js';

const AT = Date.UTC(2026, 0, 1, 12, 30, 0, 250);

/** A stream that keeps what it is given; pino writes one line per call. */
function collector() {
  const writes: string[] = [];
  return {
    stream: { write: (text: string) => writes.push(text) },
    writes,
    /** Every write parsed, after checking it is exactly one JSON line. */
    records: (): Record<string, unknown>[] =>
      writes.map((text) => {
        expect(text.endsWith('\n')).toBe(true);
        expect(text.slice(0, -1)).not.toContain('\n');
        return JSON.parse(text) as Record<string, unknown>;
      }),
  };
}

function setup(level?: 'info' | 'warn') {
  const out = collector();
  const logger = createJsonLogger({
    stream: out.stream,
    clock: { now: () => AT },
    ...(level === undefined ? {} : { level }),
  });
  return { out, logger };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with an ISO time, the level label and msg', () => {
    const { out, logger } = setup();
    logger.info({ route: 'mcp' }, 'first');
    logger.warn('second\n{"level":"fatal","msg":"forged"}');
    expect(out.records()).toEqual([
      { level: 'info', time: '2026-01-01T12:30:00.250Z', route: 'mcp', msg: 'first' },
      {
        level: 'warn',
        time: '2026-01-01T12:30:00.250Z',
        msg: 'second\n{"level":"fatal","msg":"forged"}',
      },
    ]);
  });

  it('drops lines below the configured level', () => {
    const { out, logger } = setup('warn');
    logger.info('quiet');
    logger.error('loud');
    expect(out.records().map((r) => r['msg'])).toEqual(['loud']);
  });

  it('redacts credential fields at the top and nested up to three levels', () => {
    const { out, logger } = setup();
    logger.info(
      {
        password: 'hunter2',
        token: 'hfu_abc_secret',
        req: {
          headers: { authorization: 'Bearer hfk_x_y', cookie: 'hf_session=s', 'set-cookie': 'a' },
        },
        deep: { a: { b: { client_secret: 'cs' } } },
        user: 'alice',
      },
      'login',
    );
    const [record] = out.records();
    expect(record).toMatchObject({
      password: REDACTED,
      token: REDACTED,
      req: { headers: { authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED } },
      deep: { a: { b: { client_secret: REDACTED } } },
      user: 'alice',
    });
    const text = out.writes.join('');
    for (const secret of ['hunter2', 'hfu_abc_secret', 'hfk_x_y', 'hf_session=s', '"cs"']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('toLineLogger', () => {
  it('logs each line at info with the bindings as fields', () => {
    const { out, logger } = setup();
    const log = toLineLogger(logger, { server: 'notes', principal: 'key:ci' });
    log('policy evaluation failed (fail closed)');
    expect(out.records()).toEqual([
      {
        level: 'info',
        time: '2026-01-01T12:30:00.250Z',
        server: 'notes',
        principal: 'key:ci',
        msg: 'policy evaluation failed (fail closed)',
      },
    ]);
  });

  it('logs fields flat beside the bindings, redacted too', () => {
    const { out, logger } = setup();
    const log = toLineLogger(logger, { component: 'http' });
    log.fields({ status: 200, authorization: 'Bearer t' }, 'http request');
    expect(out.records()).toEqual([
      {
        level: 'info',
        time: '2026-01-01T12:30:00.250Z',
        component: 'http',
        status: 200,
        authorization: REDACTED,
        msg: 'http request',
      },
    ]);
  });

  it('redacts a credential passed as a binding', () => {
    const { out, logger } = setup();
    toLineLogger(logger, { token: 'hfk_a_b' })('hello');
    expect(out.records()[0]?.['token']).toBe(REDACTED);
  });
});
