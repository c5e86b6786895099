import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { canonicalize } from '../surface/jcs.js';
import type { JsonValue } from '../surface/types.js';
import { isJsonEqual } from './json-equal.js';

describe('isJsonEqual', () => {
  it('agrees with comparing RFC 8785 canonical forms', () => {
    const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(isJsonEqual(a, b)).toBe(canonicalize(a) === canonicalize(b));
        expect(isJsonEqual(a, JSON.parse(JSON.stringify(a)) as JsonValue)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('tells arrays from objects and compares own members only', () => {
    expect(isJsonEqual([], {})).toBe(false);
    expect(isJsonEqual({}, [])).toBe(false);
    expect(isJsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(isJsonEqual({ a: null }, { a: undefined } as unknown as JsonValue)).toBe(false);
    const proto = JSON.parse('{"__proto__": 1}') as JsonValue;
    expect(isJsonEqual(proto, JSON.parse('{"__proto__": 1}') as JsonValue)).toBe(true);
    expect(isJsonEqual(proto, {})).toBe(false);
  });

  it('treats values nested beyond its depth bound as unequal instead of throwing', () => {
    let a: JsonValue = 1;
    let b: JsonValue = 1;
    for (let i = 0; i < 300; i++) {
      a = [a];
      b = [b];
    }
    expect(isJsonEqual(a, b)).toBe(false);
    expect(isJsonEqual(a, a)).toBe(true);
  });
});
