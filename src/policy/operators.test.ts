import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import { ConfigError } from '../shared/errors.js';
import type { JsonValue } from '../surface/types.js';
import { isJsonEqual } from './json-equal.js';
import type { Operator } from './operators.js';
import { createOperatorTest } from './operators.js';

const test = (op: Operator, value: JsonValue, node: JsonValue) =>
  createOperatorTest(op, value)(node);

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

describe('createOperatorTest', () => {
  describe('eq', () => {
    it('compares as JSON, ignoring member order', () => {
      expect(test('eq', { a: 1, b: [true, null] }, { b: [true, null], a: 1 })).toBe(true);
      expect(test('eq', { a: 1 }, { a: 1, b: 2 })).toBe(false);
      expect(test('eq', [1, 2], [2, 1])).toBe(false);
      expect(test('eq', '1', 1)).toBe(false);
      expect(test('eq', 0, -0)).toBe(true);
    });
  });

  describe('contains', () => {
    it('finds a substring in a string node, case-sensitively', () => {
      expect(test('contains', 'secret', 'my secret key')).toBe(true);
      expect(test('contains', 'secret', 'my SECRET key')).toBe(false);
      expect(test('contains', 3, 'a3')).toBe(false);
    });

    it('finds an equal element in an array node', () => {
      expect(test('contains', { a: 1 }, [0, { a: 1 }])).toBe(true);
      expect(test('contains', 'x', ['xy'])).toBe(false);
    });

    it('never matches other nodes', () => {
      expect(test('contains', 'a', { a: 'a' })).toBe(false);
      expect(test('contains', 1, 1)).toBe(false);
    });
  });

  describe('regex', () => {
    it('tests string nodes on the linear engine', () => {
      expect(test('regex', '^https?://', 'https://x')).toBe(true);
      expect(test('regex', 'evil', 'an evil host')).toBe(true);
      expect(test('regex', '^https?://', 'ftp://x')).toBe(false);
      expect(test('regex', '.', 5)).toBe(false);
    });

    it('stays linear on input that would make a backtracking engine explode', () => {
      const started = performance.now();
      expect(test('regex', '^(a+)+$', `${'a'.repeat(50_000)}!`)).toBe(false);
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it.each([
      ['^https?://(?!notes\\.example/)', 'lookahead'],
      ['(?<=x)y', 'lookbehind'],
      ['(a)\\1', 'backreference'],
      ['^[0-9a-f]{64}$', 'counted repetition'],
    ])('refuses %s (%s), naming the linear engine', (pattern) => {
      expect(() => createOperatorTest('regex', pattern)).toThrow(ConfigError);
      expect(() => createOperatorTest('regex', pattern)).toThrow('linear-time regexp engine');
    });

    it('refuses an invalid pattern and a non-string value', () => {
      expect(() => createOperatorTest('regex', '(')).toThrow(ConfigError);
      expect(() => createOperatorTest('regex', 1)).toThrow('regex needs a pattern string');
    });

    it('refuses Unicode property escapes, which would silently match their own text', () => {
      for (const pattern of ['\\p{L}', 'name: \\P{Lu}+', '[\\p{N}]']) {
        expect(() => createOperatorTest('regex', pattern)).toThrow(/Unicode property escapes/);
      }
      // An escaped backslash followed by p{ is plain text, and allowed.
      expect(test('regex', '\\\\p\\{L\\}', '\\p{L}')).toBe(true);
    });
  });

  describe('in', () => {
    it('holds when the node equals one of the values', () => {
      expect(test('in', ['a', 1, null, true, { k: [1] }], 'a')).toBe(true);
      expect(test('in', ['a', 1, null, true, { k: [1] }], null)).toBe(true);
      expect(test('in', ['a', 1, null, true, { k: [1] }], { k: [1] })).toBe(true);
      expect(test('in', ['a', 1, null, true, { k: [1] }], { k: [2] })).toBe(false);
      expect(test('in', ['a', 1], '1')).toBe(false);
      expect(test('in', [-0], 0)).toBe(true);
      expect(test('in', [0], -0)).toBe(true);
    });

    it('needs an array', () => {
      expect(() => createOperatorTest('in', 'a')).toThrow(
        'in needs an array of values, got a string',
      );
      expect(() => createOperatorTest('in', null)).toThrow('got null');
      expect(() => createOperatorTest('in', { a: 1 })).toThrow('got a object');
    });
  });

  describe('cidr_match', () => {
    it('matches IP strings in any accepted form', () => {
      const ranges = ['10.0.0.0/8', '169.254.0.0/16', 'fc00::/7'];
      expect(test('cidr_match', ranges, '10.1.2.3')).toBe(true);
      expect(test('cidr_match', ranges, '2852039166')).toBe(true);
      expect(test('cidr_match', ranges, '0xA9FEA9FE')).toBe(true);
      expect(test('cidr_match', ranges, '::ffff:169.254.169.254')).toBe(true);
      expect(test('cidr_match', ranges, '[fd00::1]')).toBe(true);
      expect(test('cidr_match', ranges, '11.0.0.1')).toBe(false);
      expect(test('cidr_match', ranges, 'evil.example')).toBe(false);
      expect(test('cidr_match', ranges, 167772161)).toBe(false);
    });

    it('accepts one range as a string, and bare addresses', () => {
      expect(test('cidr_match', '127.0.0.0/8', '127.0.0.1')).toBe(true);
      expect(test('cidr_match', '127.0.0.1', '127.0.0.1')).toBe(true);
      expect(test('cidr_match', '::1', '::1')).toBe(true);
    });

    it.each([
      [[], 'at least one range'],
      [3, 'needs CIDR strings, got a number'],
      [['10.0.0.0/8', true], 'needs CIDR strings, got a boolean'],
      ['10.0.0.0/33', 'not a valid CIDR range'],
      ['evil.example', 'not an IP address or CIDR range'],
    ])('refuses %j', (value, message) => {
      expect(() => createOperatorTest('cidr_match', value)).toThrow(message);
    });
  });

  describe('gt and lt', () => {
    it('compare number nodes only', () => {
      expect(test('gt', 10, 11)).toBe(true);
      expect(test('gt', 10, 10)).toBe(false);
      expect(test('lt', 10, 9.5)).toBe(true);
      expect(test('lt', 10, '9')).toBe(false);
      expect(test('gt', 10, [11])).toBe(false);
    });

    it('need a finite number', () => {
      expect(() => createOperatorTest('gt', '10')).toThrow('gt needs a finite number');
      expect(() => createOperatorTest('lt', Number.POSITIVE_INFINITY)).toThrow(ConfigError);
    });
  });

  describe('properties', () => {
    it(verifies('policy:operators', 'eq holds exactly when the canonical forms are equal'), () => {
      fc.assert(
        fc.property(jsonValue, jsonValue, (a, b) => {
          expect(test('eq', a, b)).toBe(isJsonEqual(a, b));
          expect(test('eq', a, a)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it(verifies('policy:operators', 'in holds exactly when some element is eq'), () => {
      const small = fc.oneof(
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom('a', 'b', null, true),
      );
      fc.assert(
        fc.property(
          fc.array(fc.oneof(small, fc.array(small, { maxLength: 2 })), { maxLength: 5 }),
          fc.oneof(small, fc.array(small, { maxLength: 2 })),
          (list, node) => {
            const expected = list.some((v) => createOperatorTest('eq', v)(node));
            expect(test('in', list, node)).toBe(expected);
          },
        ),
        { numRuns: 500 },
      );
    });

    it(
      verifies(
        'policy:operators',
        'gt and lt agree with numeric comparison and reject non-numbers',
      ),
      () => {
        fc.assert(
          fc.property(
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            jsonValue,
            (bound, node) => {
              const isNumber = typeof node === 'number';
              expect(test('gt', bound, node)).toBe(isNumber && node > bound);
              expect(test('lt', bound, node)).toBe(isNumber && node < bound);
            },
          ),
          { numRuns: 300 },
        );
      },
    );

    it(
      verifies('policy:operators', 'cidr_match agrees with a naive bit-mask check for IPv4'),
      () => {
        const toInt = (o: number[]) => o.reduce((acc, b) => acc * 256 + b, 0);
        fc.assert(
          fc.property(
            fc.ipV4(),
            fc.ipV4(),
            fc.integer({ min: 0, max: 32 }),
            (address, base, bits) => {
              const a = toInt(address.split('.').map(Number));
              const b = toInt(base.split('.').map(Number));
              const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
              const expected = (a & mask) >>> 0 === (b & mask) >>> 0;
              expect(test('cidr_match', `${base}/${bits}`, address)).toBe(expected);
            },
          ),
          { numRuns: 500 },
        );
      },
    );
  });
});
