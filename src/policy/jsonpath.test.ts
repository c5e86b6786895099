import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../shared/errors.js';
import type { JsonValue } from '../surface/types.js';
import { parseJsonPath, selectNodes } from './jsonpath.js';
import { isAnySelected } from './jsonpath-select.js';

const DOC: JsonValue = {
  store: {
    book: [
      { title: 'A', url: 'http://a.example', tags: ['x'] },
      { title: 'B', url: 'http://b.example' },
    ],
    url: 'http://store.example',
  },
  'odd key': 1,
  "it's": 2,
};

function select(path: string, value: JsonValue = DOC) {
  const result = selectNodes(parseJsonPath(path), value);
  if (result.kind !== 'nodes') throw new Error('unexpected too-large');
  return result.nodes;
}

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    ['$.a', [{ isDescendant: false, selector: { kind: 'name', name: 'a' } }]],
    ["$['a b']", [{ isDescendant: false, selector: { kind: 'name', name: 'a b' } }]],
    ['$["a"]', [{ isDescendant: false, selector: { kind: 'name', name: 'a' } }]],
    ['$[0]', [{ isDescendant: false, selector: { kind: 'index', index: 0 } }]],
    ['$[-1]', [{ isDescendant: false, selector: { kind: 'index', index: -1 } }]],
    ['$[ 12 ]', [{ isDescendant: false, selector: { kind: 'index', index: 12 } }]],
    ['$.*', [{ isDescendant: false, selector: { kind: 'wildcard' } }]],
    ['$[*]', [{ isDescendant: false, selector: { kind: 'wildcard' } }]],
    ['$..a', [{ isDescendant: true, selector: { kind: 'name', name: 'a' } }]],
    ['$..*', [{ isDescendant: true, selector: { kind: 'wildcard' } }]],
    ['$..[0]', [{ isDescendant: true, selector: { kind: 'index', index: 0 } }]],
    ["$..['a']", [{ isDescendant: true, selector: { kind: 'name', name: 'a' } }]],
    ['$ .a', [{ isDescendant: false, selector: { kind: 'name', name: 'a' } }]],
    ['$.é_1', [{ isDescendant: false, selector: { kind: 'name', name: 'é_1' } }]],
    ['$.😀', [{ isDescendant: false, selector: { kind: 'name', name: '😀' } }]],
  ])('parses %s', (text, segments) => {
    expect(parseJsonPath(text)).toMatchObject({ text, segments });
  });

  it('tells singular queries (§2.3.5.1) from the rest', () => {
    expect(parseJsonPath("$.a[0]['b'][-1]").isSingular).toBe(true);
    expect(parseJsonPath('$').isSingular).toBe(true);
    expect(parseJsonPath('$.a[*]').isSingular).toBe(false);
    expect(parseJsonPath('$..a').isSingular).toBe(false);
  });

  it.each([
    ["$['it\\'s']", "it's"],
    ['$["say \\"hi\\""]', 'say "hi"'],
    ['$["a\'b"]', "a'b"],
    ["$['a\"b']", 'a"b'],
    ["$['\\b\\f\\n\\r\\t\\/\\\\']", '\b\f\n\r\t/\\'],
    ["$['\\u0041\\u00e9']", 'Aé'],
    ["$['\\uD83D\\uDE00']", '😀'],
  ])('decodes the escapes in %s', (text, name) => {
    expect(parseJsonPath(text).segments[0]?.selector).toEqual({ kind: 'name', name });
  });

  it.each([
    ['', 0, "starts with '$'"],
    ['a', 0, "starts with '$'"],
    ['$a', 1, "expected '.'"],
    ['$.', 2, 'expected a member name'],
    ['$.1a', 2, 'expected a member name'],
    ['$.callback-url', 10, "expected '.'"],
    ['$.a ', 3, 'trailing blank space'],
    ['$.[0]', 2, 'expected a member name'],
    ['$[', 2, 'expected a quoted name'],
    ['$[0', 3, "expected ']'"],
    ['$[0,1]', 3, 'unions are not supported'],
    ['$[0:2]', 3, 'slices are not supported'],
    ['$[:2]', 2, 'slices are not supported'],
    ['$[?@.a]', 2, 'filter selectors are not supported'],
    ['$[-]', 3, 'expected a digit'],
    ['$[01]', 2, 'leading zeros'],
    ['$[-0]', 2, '-0 is not an index'],
    ['$[9007199254740992]', 2, 'index out of range'],
    ["$['a]", 2, 'unterminated string'],
    ["$['a\nb']", 4, 'control character'],
    ["$['\\x']", 3, 'invalid escape'],
    ["$['\\", 3, 'invalid escape'],
    ['$["\\\'"]', 3, 'invalid escape'],
    ["$['\\u12']", 3, 'four hex digits'],
    ["$['\\uDE00']", 3, 'lone low surrogate'],
    ["$['\\uD83Dx']", 3, 'high surrogate without a low one'],
    ["$['\\uD83D\\u0041']", 3, 'high surrogate without a low one'],
    ['$..', 3, 'expected a member name'],
    ['@.a', 0, "starts with '$'"],
    ['$.a()', 3, "expected '.'"],
  ])('refuses %j at position %i (%s)', (text, position, message) => {
    const attempt = () => parseJsonPath(text);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(`at position ${position}`);
  });
});

describe('selectNodes', () => {
  it('selects the root', () => {
    expect(select('$')).toEqual([{ value: DOC, location: [] }]);
  });

  it('selects a child by name and by bracket', () => {
    expect(select('$.store.url')).toEqual([
      { value: 'http://store.example', location: ['store', 'url'] },
    ]);
    expect(select("$['odd key']")).toEqual([{ value: 1, location: ['odd key'] }]);
  });

  it('selects array elements by index, negative from the end', () => {
    expect(select('$.store.book[1].title')).toEqual([
      { value: 'B', location: ['store', 'book', 1, 'title'] },
    ]);
    expect(select('$.store.book[-1].title')[0]?.value).toBe('B');
    expect(select('$.store.book[-3]')).toEqual([]);
    expect(select('$.store.book[2]')).toEqual([]);
  });

  it('applies index selectors only to arrays and names only to objects', () => {
    expect(select('$[0]', { '0': 'x' })).toEqual([]);
    expect(select("$['0']", ['x'])).toEqual([]);
    expect(select('$.a', 'scalar')).toEqual([]);
    expect(select('$.*', 3)).toEqual([]);
  });

  it('selects every child with a wildcard', () => {
    expect(select('$.store.book[*].title').map((n) => n.value)).toEqual(['A', 'B']);
    expect(select('$.*').map((n) => n.location)).toEqual([['store'], ['odd key'], ["it's"]]);
  });

  it('selects descendants in document order, parents before children', () => {
    expect(select('$..url').map((n) => n.value)).toEqual([
      'http://store.example',
      'http://a.example',
      'http://b.example',
    ]);
    expect(select('$..[0]').map((n) => n.location)).toEqual([
      ['store', 'book', 0],
      ['store', 'book', 0, 'tags', 0],
    ]);
    expect(select('$..*')).toHaveLength(13);
  });

  it('never reads inherited properties', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}') as JsonValue;
    expect(select('$.constructor', value)).toEqual([]);
    expect(select('$.toString', {})).toEqual([]);
    expect(select('$.__proto__.x', value)).toEqual([{ value: 1, location: ['__proto__', 'x'] }]);
  });

  describe('when selection would exceed its visit budget', () => {
    it('reports too-large instead of a partial list', () => {
      const wide: JsonValue = Array.from({ length: 50 }, () => ({ a: [1, 2, 3] }));
      expect(selectNodes(parseJsonPath('$..*..*'), wide, 1_000)).toEqual({ kind: 'too-large' });
      expect(selectNodes(parseJsonPath('$[*]'), wide, 20)).toEqual({ kind: 'too-large' });
      expect(selectNodes(parseJsonPath('$[*]'), wide, 100).kind).toBe('nodes');
    });
  });

  describe('property: $..name', () => {
    it('finds exactly the values a naive recursive walk finds', () => {
      const key = fc.constantFrom('a', 'b', 'url');
      const json = fc.letrec<{ value: JsonValue }>((tie) => ({
        value: fc.oneof(
          { depthSize: 'small' },
          fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
          fc.array(tie('value'), { maxLength: 4 }),
          fc.dictionary(key, tie('value'), { maxKeys: 3 }),
        ),
      })).value;
      const naive = (value: JsonValue, name: string, out: JsonValue[]): JsonValue[] => {
        if (Array.isArray(value)) for (const v of value) naive(v, name, out);
        else if (value !== null && typeof value === 'object') {
          if (Object.hasOwn(value, name)) out.push(value[name] as JsonValue);
          for (const v of Object.values(value)) naive(v, name, out);
        }
        return out;
      };
      fc.assert(
        fc.property(json, key, (doc, name) => {
          const found = select(`$..${name}`, doc).map((n) => JSON.stringify(n.value));
          const expected = naive(doc, name, []).map((v) => JSON.stringify(v));
          expect(found.sort()).toEqual(expected.sort());
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('isAnySelected', () => {
  const paths = [
    '$',
    '$.a',
    '$[0]',
    '$[-1].b',
    '$.*',
    '$..a',
    '$..*',
    '$.a[*].b',
    '$..[0]',
    '$..*..b',
  ];
  const json = fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom('a', 'b', null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  it('agrees with selectNodes, including on the visit budget', () => {
    fc.assert(
      fc.property(
        json,
        fc.constantFrom(...paths),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 60 }),
        (doc, text, wanted, budget) => {
          const path = parseJsonPath(text);
          const test = (v: JsonValue) => v === wanted || v === 'a';
          const nodes = selectNodes(path, doc, budget);
          const expected =
            nodes.kind === 'too-large' ? undefined : nodes.nodes.some((n) => test(n.value));
          const actual = isAnySelected(path, doc, test, budget);
          if (path.isSingular) {
            expect(actual).toBe(select(text, doc).some((n) => test(n.value)));
          } else {
            expect(actual).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
