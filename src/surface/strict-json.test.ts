import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SurfaceError } from '../shared/errors.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parseStrictJson } from './strict-json.js';
import type { JsonObject } from './types.js';

function thrown(fn: () => unknown): SurfaceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SurfaceError);
    return error as SurfaceError;
  }
  throw new Error('expected a SurfaceError');
}

describe('parseStrictJson on valid JSON', () => {
  it.each([
    ['null', null],
    ['true', true],
    [' \t\r\nfalse \n', false],
    ['0', 0],
    ['-0', -0],
    ['-12.5e+3', -12500],
    ['1E2', 100],
    ['1e-2', 0.01],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['"a\\"\\\\\\/\\b\\f\\n\\r\\tz"', 'a"\\/\b\f\n\r\tz'],
    ['"\\u00e9\\uD83D\\uDE02\\u0041"', 'é😂A'],
    ['"\\ud800"', '\ud800'],
    ['"héllo 😂"', 'héllo 😂'],
    ['[]', []],
    ['{}', {}],
    ['[1,[2,[3]],{"a":{"b":[]}}]', [1, [2, [3]], { a: { b: [] } }]],
    ['{ "a" : 1 , "b" : [ true , null ] }', { a: 1, b: [true, null] }],
  ])('parses %s', (text, expected) => {
    expect(parseStrictJson(text)).toEqual(expected);
    if (typeof expected === 'number') expect(Object.is(parseStrictJson(text), expected)).toBe(true);
  });

  it('agrees with JSON.parse on generated JSON text', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary' }), (text) => {
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with JSON.parse on pretty-printed JSON with escaped strings', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (value) => {
        const text = JSON.stringify(value, null, 2).replace(
          /[\u007f-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('makes a "__proto__" key an own property without touching the prototype', () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true},"a":1}') as JsonObject;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect((value as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(value).toEqual(JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
  });

  it('parses 100k nested arrays when the depth limit allows it, without recursion', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    let value = parseStrictJson(text, { maxDepth: 100_000 });
    let depth = 0;
    while (Array.isArray(value) && value.length > 0) {
      value = value[0] ?? null;
      depth++;
    }
    expect(depth).toBe(99_999);
  });
});

describe('parseStrictJson on duplicate keys', () => {
  it.each([
    ['{"a":1,"a":2}', '/a'],
    ['{"a":1,"b":2,"a":3}', '/a'],
    ['{"a":1,"\\u0061":2}', '/a'],
    ['{"\\u00e9":1,"é":2}', '/é'],
    ['{"x":[0,{"k":{"a/b~":1,"a/b~":2}}]}', '/x/1/k/a~1b~0'],
    ['[{},[{"__proto__":1,"__proto__":2}]]', '/1/0/__proto__'],
    ['{"":1,"":2}', '/'],
  ])('rejects %s with SURFACE_DUPLICATE_KEY at %s', (text, path) => {
    const error = thrown(() => parseStrictJson(text));
    expect(error.code).toBe('SURFACE_DUPLICATE_KEY');
    expect(error.details).toEqual({ path });
  });

  it('never puts the duplicated value in the error', () => {
    const error = thrown(() => parseStrictJson('{"token":"s3cret","token":"s3cret"}'));
    expect(`${error.message} ${String(error.details['path'])}`).not.toContain('s3cret');
  });

  it('cuts very long paths', () => {
    const key = 'k'.repeat(2000);
    const error = thrown(() => parseStrictJson(`{"${key}":{"${key}":1,"${key}":2}}`));
    expect(error.code).toBe('SURFACE_DUPLICATE_KEY');
    const path = String(error.details['path']);
    expect(path.length).toBe(513);
    expect(path.endsWith('…')).toBe(true);
  });

  it('rejects a duplicate in any generated object', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
        fc.nat(),
        (obj, pick) => {
          const keys = Object.keys(obj);
          const key = keys[pick % keys.length] ?? '';
          const text = `${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(key)}:null}`;
          expect(thrown(() => parseStrictJson(text)).code).toBe('SURFACE_DUPLICATE_KEY');
        },
      ),
    );
  });
});

describe('parseStrictJson limits', () => {
  it('allows exactly maxDepth levels and rejects one more with SURFACE_TOO_DEEP', () => {
    const ok = `${'['.repeat(DEFAULT_MAX_DEPTH)}${']'.repeat(DEFAULT_MAX_DEPTH)}`;
    expect(() => parseStrictJson(ok)).not.toThrow();
    const error = thrown(() => parseStrictJson(`[${ok}]`));
    expect(error.code).toBe('SURFACE_TOO_DEEP');
    expect(error.details['maxDepth']).toBe(DEFAULT_MAX_DEPTH);
    expect(thrown(() => parseStrictJson('{"a":{"b":1}}', { maxDepth: 1 })).code).toBe(
      'SURFACE_TOO_DEEP',
    );
    expect(parseStrictJson('7', { maxDepth: 0 })).toBe(7);
  });

  it('rejects 100k unclosed brackets quickly with SURFACE_TOO_DEEP', () => {
    expect(thrown(() => parseStrictJson('['.repeat(100_000))).code).toBe('SURFACE_TOO_DEEP');
    expect(thrown(() => parseStrictJson('{"a":'.repeat(100_000))).code).toBe('SURFACE_TOO_DEEP');
  });

  it('rejects text over maxBytes (counted in UTF-8) with SURFACE_TOO_LARGE', () => {
    expect(parseStrictJson('"aaaa"', { maxBytes: 6 })).toBe('aaaa');
    expect(thrown(() => parseStrictJson('"aaaaa"', { maxBytes: 6 })).code).toBe(
      'SURFACE_TOO_LARGE',
    );
    // Four UTF-16 code units but eight UTF-8 bytes.
    expect(parseStrictJson('"éé"', { maxBytes: 6 })).toBe('éé');
    expect(thrown(() => parseStrictJson('"ééé"', { maxBytes: 6 })).code).toBe('SURFACE_TOO_LARGE');
    const big = `"${'a'.repeat(DEFAULT_MAX_BYTES)}"`;
    expect(thrown(() => parseStrictJson(big)).details).toEqual({ maxBytes: DEFAULT_MAX_BYTES });
  });
});

describe('parseStrictJson on malformed text', () => {
  it.each([
    ['', 0],
    ['   ', 3],
    ['\ufeff{}', 0],
    ['{', 1],
    ['[', 1],
    ['[1,]', 3],
    ['[1 2]', 3],
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ['{a:1}', 1],
    ['{"a":1 "b":2}', 7],
    ['{"a":1]', 6],
    ['[1}', 2],
    ['01', 1],
    ['-', 1],
    ['+1', 0],
    ['.5', 0],
    ['1.', 2],
    ['1.e3', 2],
    ['1e', 2],
    ['1e+', 3],
    ['1e400', 0],
    ['-1e400', 0],
    ['NaN', 0],
    ['tru', 0],
    ['nul', 0],
    ['falsy', 0],
    ['"abc', 0],
    ['"a\nb"', 2],
    ['"\\x"', 1],
    ['"\\', 1],
    ['"\\u12"', 1],
    ['"\\u12g4"', 1],
    ["'a'", 0],
    ['[] []', 3],
    ['{} x', 3],
    ['1 2', 2],
  ])('rejects %j with SURFACE_NOT_JSON at offset %i', (text, offset) => {
    const error = thrown(() => parseStrictJson(text));
    expect(error.code).toBe('SURFACE_NOT_JSON');
    expect(error.details).toEqual({ offset });
    // JSON.parse agrees that it is not JSON, except that it turns overflow into Infinity.
    if (!text.includes('e400')) expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('rejects truncations of valid JSON', () => {
    fc.assert(
      fc.property(
        fc.json().filter((t) => t.length > 1 && /^[[{"]/.test(t)),
        fc.nat(),
        (text, cut) => {
          const prefix = text.slice(0, 1 + (cut % (text.length - 1)));
          expect(thrown(() => parseStrictJson(prefix)).code).toBe('SURFACE_NOT_JSON');
        },
      ),
    );
  });
});
