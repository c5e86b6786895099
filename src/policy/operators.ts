/**
 * `args_match` operators (DESIGN §6). Each is compiled once from its configured value into a test
 * of one selected node; a condition holds when any selected node passes (see evaluate.ts).
 *
 * - `eq`: the node equals the value as JSON (canonical-form equality, json-equal.ts).
 * - `contains`: a string node contains the string value (case-sensitive), or an array node has an
 *   element equal to the value.
 * - `regex`: a string node matches the pattern somewhere (`test`), on the linear-time engine.
 * - `in`: the node equals one of the values in the array.
 * - `cidr_match`: a string node is an IP address (any form a client accepts, ip.ts) inside one of
 *   the ranges (a CIDR string or an array of them).
 * - `gt` / `lt`: a number node is greater / less than the number. Other nodes never match.
 */
import { ConfigError } from '../shared/errors.js';
import { createLinearRegExp } from '../shared/linear-regexp.js';
import type { JsonValue } from '../surface/types.js';
import type { Cidr } from './ip.js';
import { isInCidr, parseCidr, parseIpAddress } from './ip.js';
import { isJsonEqual } from './json-equal.js';

/** Every operator, in documentation order. */
export const OPERATORS = ['eq', 'contains', 'regex', 'in', 'cidr_match', 'gt', 'lt'] as const;

/** An `args_match` operator. */
export type Operator = (typeof OPERATORS)[number];

/** Whether one selected node satisfies an operator. */
export type NodeTest = (node: JsonValue) => boolean;

const LINEAR_ENGINE_HINT =
  'the pattern cannot run on the linear-time regexp engine, which has no lookahead or lookbehind ' +
  '((?=…), (?!…), (?<=…), (?<!…)), no backreferences and no counted repetition above about 16 ' +
  '(write [0-9a-f]+ rather than [0-9a-f]{64})';

function invalid(message: string): ConfigError {
  return new ConfigError('CONFIG_INVALID', message);
}

function describeType(value: JsonValue): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Equality against an `in` list: scalars through a Set, objects and arrays one by one. */
function createInTest(values: readonly JsonValue[]): NodeTest {
  const scalars = new Set<string | number | boolean | null>();
  const composites: JsonValue[] = [];
  for (const v of values) {
    if (v !== null && typeof v === 'object') composites.push(v);
    else scalars.add(typeof v === 'number' && Object.is(v, -0) ? 0 : v);
  }
  return (node) => {
    if (node === null || typeof node !== 'object') {
      return scalars.has(typeof node === 'number' && Object.is(node, -0) ? 0 : node);
    }
    return composites.some((c) => isJsonEqual(c, node));
  };
}

function createCidrTest(value: JsonValue): NodeTest {
  const texts = Array.isArray(value) ? value : [value];
  if (texts.length === 0) throw invalid('cidr_match needs at least one range');
  const ranges: Cidr[] = texts.map((t) => {
    if (typeof t !== 'string') {
      throw invalid(`cidr_match needs CIDR strings, got ${describeType(t)}`);
    }
    return parseCidr(t);
  });
  return (node) => {
    if (typeof node !== 'string') return false;
    const address = parseIpAddress(node);
    return address !== undefined && ranges.some((range) => isInCidr(address, range));
  };
}

/** `\p{` or `\P{` not itself escaped (an even run of backslashes before it). */
const UNICODE_PROPERTY_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\[pP]\{/;

function createRegexTest(value: JsonValue): NodeTest {
  if (typeof value !== 'string') {
    throw invalid(`regex needs a pattern string, got ${describeType(value)}`);
  }
  // Without the `u` flag (which the linear engine cannot take) `\p{L}` silently means the text
  // "p{L}": refuse it rather than let a rule quietly never match.
  if (UNICODE_PROPERTY_ESCAPE.test(value)) {
    throw invalid(
      'Unicode property escapes (\\p{…}, \\P{…}) need the u flag, which the linear-time engine cannot use; write the character ranges out',
    );
  }
  let pattern: RegExp;
  try {
    pattern = createLinearRegExp(value);
  } catch (error) {
    throw invalid(`${LINEAR_ENGINE_HINT}: ${(error as Error).message}`);
  }
  return (node) => typeof node === 'string' && pattern.test(node);
}

/**
 * Compiles `op` with its configured `value` into a node test. Throws ConfigError `CONFIG_INVALID` when the
 * value has the wrong type for the operator, a CIDR is malformed or a regex cannot run linearly.
 */
export function createOperatorTest(op: Operator, value: JsonValue): NodeTest {
  switch (op) {
    case 'eq':
      return (node) => isJsonEqual(node, value);
    case 'contains':
      return (node) => {
        if (typeof node === 'string') return typeof value === 'string' && node.includes(value);
        return Array.isArray(node) && node.some((element) => isJsonEqual(element, value));
      };
    case 'regex':
      return createRegexTest(value);
    case 'in':
      if (!Array.isArray(value)) {
        throw invalid(`in needs an array of values, got ${describeType(value)}`);
      }
      return createInTest(value);
    case 'cidr_match':
      return createCidrTest(value);
    case 'gt':
    case 'lt': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw invalid(`${op} needs a finite number, got ${describeType(value)}`);
      }
      const bound = value;
      return op === 'gt'
        ? (node) => typeof node === 'number' && node > bound
        : (node) => typeof node === 'number' && node < bound;
    }
  }
}
