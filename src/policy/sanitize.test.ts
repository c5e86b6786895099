import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { JsonValue } from '../surface/types.js';
import type { JsonLocation } from './jsonpath.js';
import { parseJsonPath, selectNodes } from './jsonpath.js';
import { applyRedactions, REDACTED } from './sanitize.js';

describe('applyRedactions', () => {
  it('replaces each located value and keeps the rest', () => {
    const args: JsonValue = { a: { token: 'sk-1', keep: 1 }, b: [{ token: 'x' }, 'y'], c: null };
    expect(
      applyRedactions(args, [
        ['a', 'token'],
        ['b', 0],
      ]),
    ).toEqual({ a: { token: REDACTED, keep: 1 }, b: [REDACTED, 'y'], c: null });
  });

  it('ignores locations that do not exist and nested ones under a redacted value', () => {
    const args: JsonValue = { a: [1, 2], s: 'x' };
    expect(applyRedactions(args, [['a', 5], ['zz'], ['s', 'x'], ['a'], ['a', 0]])).toEqual({
      a: REDACTED,
      s: 'x',
    });
  });

  it('redacts the whole value for the empty location', () => {
    expect(applyRedactions({ a: 1 }, [[]])).toBe(REDACTED);
  });

  it('keeps a member named __proto__ a member', () => {
    const args = JSON.parse('{"__proto__": {"secret": "s"}, "b": 1}') as JsonValue;
    const out = applyRedactions(args, [['__proto__', 'secret']]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out['__proto__']).toEqual({ secret: REDACTED });
  });

  describe('properties', () => {
    const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;

    /** Every location in `value` with the value there. */
    function allNodes(value: JsonValue): { location: JsonLocation; value: JsonValue }[] {
      const found = selectNodes(parseJsonPath('$..*'), value);
      if (found.kind !== 'nodes') throw new Error('too large');
      return [{ location: [], value }, ...found.nodes];
    }

    function valueAt(value: JsonValue, location: JsonLocation): JsonValue | undefined {
      let current: JsonValue | undefined = value;
      for (const key of location) {
        if (current === null || typeof current !== 'object') return undefined;
        current = Array.isArray(current) ? current[key as number] : current[key as string];
      }
      return current;
    }

    it('never mutates the input and leaves every location outside the redacted ones identical', () => {
      fc.assert(
        fc.property(json, fc.array(fc.nat(), { maxLength: 4 }), (args, picks) => {
          const nodes = allNodes(args);
          const chosen = picks.map(
            (p) => (nodes[p % nodes.length] as { location: JsonLocation }).location,
          );
          const before = JSON.stringify(args);
          const out = applyRedactions(args, chosen);
          expect(JSON.stringify(args)).toBe(before);
          const isUnder = (loc: JsonLocation, prefix: JsonLocation) =>
            prefix.length <= loc.length && prefix.every((k, i) => loc[i] === k);
          for (const node of nodes) {
            const covering = chosen.filter((c) => isUnder(node.location, c));
            if (covering.length > 0) {
              const isInsideRedacted = covering.some((c) => c.length < node.location.length);
              if (!isInsideRedacted) expect(valueAt(out, node.location)).toBe(REDACTED);
              continue;
            }
            if (!chosen.some((c) => isUnder(c, node.location))) {
              expect(valueAt(out, node.location)).toEqual(node.value);
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it('returns a copy that shares no objects with the input', () => {
      fc.assert(
        fc.property(json, (args) => {
          const out = applyRedactions(args, []);
          expect(out).toEqual(args);
          if (args !== null && typeof args === 'object') expect(out).not.toBe(args);
        }),
        { numRuns: 100 },
      );
    });
  });
});
