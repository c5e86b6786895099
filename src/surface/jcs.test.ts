import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import { expectSurfaceError } from '../../test/support/surfaces.js';
import { canonicalBytes, canonicalize } from './jcs.js';
import type { JsonObject, JsonValue } from './types.js';

const VECTORS = fileURLToPath(new URL('../../test/vectors/jcs/', import.meta.url));
const KNOWN_TOP_LEVEL = [
  'LICENSE.upstream',
  'README.md',
  'input',
  'manifest.json',
  'outhex',
  'output',
];

const inputNames = readdirSync(`${VECTORS}input`).sort();
const cases = inputNames.map((file) => file.replace(/\.json$/, ''));

/** Rebuilds every object with its keys inserted in reverse order. */
function reverseKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, {
      value: reverseKeys(value[key] as JsonValue),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

const json = fc.jsonValue({ stringUnit: 'binary' }) as fc.Arbitrary<JsonValue>;

describe('canonicalize against the published RFC 8785 vectors (cyberphone testdata)', () => {
  it('has exactly the expected files, each input with an output and an outhex', () => {
    expect(readdirSync(VECTORS).sort()).toEqual(KNOWN_TOP_LEVEL);
    expect(cases.length).toBeGreaterThan(0);
    expect(inputNames.every((file) => file.endsWith('.json'))).toBe(true);
    expect(readdirSync(`${VECTORS}output`).sort()).toEqual(cases.map((c) => `${c}.json`));
    expect(readdirSync(`${VECTORS}outhex`).sort()).toEqual(cases.map((c) => `${c}.txt`));
  });

  it.each(cases)(
    verifies('surface:jcs', 'canonicalizes %s.json to the exact expected bytes'),
    (name) => {
      const input = JSON.parse(readFileSync(`${VECTORS}input/${name}.json`, 'utf8')) as JsonValue;
      const expected = readFileSync(`${VECTORS}output/${name}.json`);
      const hex = readFileSync(`${VECTORS}outhex/${name}.txt`, 'utf8').replace(/\s+/g, '');
      expect(hex).toBe(expected.toString('hex'));
      expect(canonicalBytes(input).equals(expected)).toBe(true);
      expect(canonicalize(input)).toBe(expected.toString('utf8'));
    },
  );
});

describe('number serialization (RFC 8785 §3.2.2.3)', () => {
  /**
   * Regenerates the first lines of the upstream ES6 number test file (algorithm in the vectors'
   * README.md, constants read from it) and checks the checksum published there.
   */
  it('matches the published checksum of the first 10000 lines of es6testfile100m', () => {
    const readme = readFileSync(`${VECTORS}README.md`, 'utf8');
    const block = /staticU64s = new BigUint64Array\(\[([^\]]*)\]\)/.exec(readme)?.[1] ?? '';
    const statics = [...block.matchAll(/0x([0-9a-f]+)n/g)].map((m) => BigInt(`0x${m[1] ?? ''}`));
    const checksum = /\|\s*([0-9a-f]{64})\s*\|\s*10000\s*\|/.exec(readme)?.[1];
    expect(statics.length).toBeGreaterThan(100);
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);

    const bits = new BigUint64Array(1);
    const float = new Float64Array(bits.buffer);
    let block32 = Buffer.alloc(32);
    let pool: number[] = [];
    const next = (index: number): number => {
      if (index < statics.length) {
        bits[0] = statics[index] ?? 0n;
        return float[0] ?? 0;
      }
      if (index < statics.length + 2000) {
        bits[0] = 0x0010000000000000n + BigInt(index - statics.length);
        return float[0] ?? 0;
      }
      for (;;) {
        if (pool.length === 0) {
          block32 = createHash('sha256').update(block32).digest();
          pool = [0, 8, 16, 24].map((offset) => block32.readDoubleLE(offset));
        }
        const f = pool.shift() ?? 0;
        if (f !== 0 && Number.isFinite(f)) return f;
      }
    };
    const hash = createHash('sha256');
    for (let index = 0; index < 10000; index++) {
      const f = next(index);
      float[0] = f;
      hash.update(`${(bits[0] ?? 0n).toString(16)},${canonicalize(f)}\n`);
    }
    expect(hash.digest('hex')).toBe(checksum);
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [0.1, '0.1'],
    [-1.5, '-1.5'],
    [2 ** 53 + 1, '9007199254740992'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
  ])('serializes %s as %s', (n, expected) => {
    expect(canonicalize(n)).toBe(expected);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s with SURFACE_MALFORMED', (n) => {
    expectSurfaceError(() => canonicalize(n), 'SURFACE_MALFORMED');
    expectSurfaceError(() => canonicalize({ a: [n] }), 'SURFACE_MALFORMED');
  });

  it('agrees with ECMAScript JSON serialization for every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(canonicalize(n)).toBe(JSON.stringify(n));
      }),
    );
  });
});

describe('string serialization (RFC 8785 §3.2.2.2)', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['"\\/', '"\\"\\\\/"'],
    ['\b\t\n\f\r', '"\\b\\t\\n\\f\\r"'],
    ['\u0000\u0001\u001f\u007f', '"\\u0000\\u0001\\u001f\u007f"'],
    ['€😂\u2028', '"€😂\u2028"'],
    ['a\u000bb', '"a\\u000bb"'],
  ])('serializes %j as %s', (s, expected) => {
    expect(canonicalize(s)).toBe(expected);
  });

  it.each(['\ud800', '\udc00', 'a\ud83d', '\ude02x', '\ud83d\ud83d', '\ud800\ue000'])(
    'rejects the lone surrogate in %j with SURFACE_MALFORMED',
    (s) => {
      expectSurfaceError(() => canonicalize(s), 'SURFACE_MALFORMED');
      expectSurfaceError(() => canonicalize({ [s]: 1 }), 'SURFACE_MALFORMED');
    },
  );

  it('agrees with ECMAScript JSON string escaping for well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(canonicalize(s)).toBe(JSON.stringify(s));
      }),
    );
  });
});

describe('structure (RFC 8785 §3.2.1, §3.2.3)', () => {
  it('sorts keys by UTF-16 code units, not code points or locale', () => {
    // U+1F602 is the surrogate pair D83D DE02, which sorts before U+E000 in UTF-16.
    expect(canonicalize({ '\ue000': 1, '😂': 2, b: 3, a: 4, B: 5, '10': 6, '2': 7 })).toBe(
      '{"10":6,"2":7,"B":5,"a":4,"b":3,"😂":2,"\ue000":1}',
    );
  });

  it('sorts large objects too', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}`);
    const obj: JsonObject = Object.fromEntries(keys.map((k) => [k, 0]));
    const sorted = [...keys].sort();
    expect(canonicalize(obj)).toBe(`{${sorted.map((k) => `"${k}":0`).join(',')}}`);
  });

  it('serializes literals, empty containers and nesting without whitespace', () => {
    expect(canonicalize([null, true, false, [], {}, [[1, 2], { a: [] }]])).toBe(
      '[null,true,false,[],{},[[1,2],{"a":[]}]]',
    );
  });

  it('accepts null-prototype objects and keeps a __proto__ key as data', () => {
    const obj = Object.create(null) as JsonObject;
    obj['__proto__'] = 1;
    obj['a'] = 2;
    expect(canonicalize(obj)).toBe('{"__proto__":1,"a":2}');
    expect(canonicalize(JSON.parse('{"__proto__":{"x":1}}') as JsonValue)).toBe(
      '{"__proto__":{"x":1}}',
    );
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a bigint', 1n],
    ['a symbol', Symbol('s')],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['an undefined member', { a: undefined }],
    ['an array hole', [1, , 2]], // eslint-disable-line no-sparse-arrays
  ])('rejects %s with SURFACE_MALFORMED', (_, value) => {
    expectSurfaceError(() => canonicalize(value as JsonValue), 'SURFACE_MALFORMED');
  });

  it('rejects cycles and absurd nesting with SURFACE_TOO_DEEP instead of overflowing the stack', () => {
    const cyclic: JsonObject = {};
    cyclic['self'] = cyclic;
    expectSurfaceError(() => canonicalize(cyclic), 'SURFACE_TOO_DEEP');
    let deep: JsonValue = [];
    for (let i = 0; i < 5000; i++) deep = [deep];
    expectSurfaceError(() => canonicalize(deep), 'SURFACE_TOO_DEEP');
  });

  it('encodes canonical bytes as UTF-8', () => {
    expect(canonicalBytes({ é: '😂' }).toString('hex')).toBe('7b22c3a9223a22f09f9882227d');
  });
});

describe('canonicalization properties', () => {
  it('is idempotent: canonicalize(parse(canonicalize(x))) === canonicalize(x)', () => {
    fc.assert(
      fc.property(json, (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once) as JsonValue)).toBe(once);
      }),
    );
  });

  it('ignores key order', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalize(reverseKeys(value))).toBe(canonicalize(value));
      }),
    );
  });

  it('is valid JSON that parses back to an equal value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalize(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
