import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import type { JsonObject, JsonValue } from '../surface/types.js';
import { evaluatePolicy } from './evaluate.js';
import { explainPolicy } from './explain.js';
import { compilePolicy, PolicyConfigSchema } from './parse-policy.js';
import type { PolicyRequest } from './rule.js';

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;
const unicodeJson = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<JsonValue>;

const CONDITIONS = [
  { path: '$.a', op: 'eq', value: 1 },
  { path: '$..a', op: 'in', value: [1, 'x', null] },
  { path: '$.*', op: 'contains', value: 'x' },
  { path: '$..*', op: 'regex', value: '^[a-c]' },
  { path: '$[0]', op: 'gt', value: 0 },
  { path: '$..b', op: 'lt', value: 0 },
  { path: '$..*', op: 'cidr_match', value: ['10.0.0.0/8'] },
] as const;

function request(args: JsonValue): PolicyRequest {
  return { server: 's', method: 'tools/call', name: 't', args, definitionDigest: null };
}

describe('evaluatePolicy properties', () => {
  it(verifies('policy:operators', 'not: true negates a condition exactly'), () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONDITIONS), json, (condition, args) => {
        const rule = (not: boolean) =>
          compilePolicy(
            PolicyConfigSchema.parse({
              rules: [{ id: 'r', args_match: [{ ...condition, not }], verdict: 'deny' }],
            }),
          );
        const plain = evaluatePolicy(rule(false), request(args)).ruleId === 'r';
        const negated = evaluatePolicy(rule(true), request(args)).ruleId === 'r';
        expect(negated).toBe(!plain);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any arguments, and policy test explains the same decision', () => {
    const policy = compilePolicy(
      PolicyConfigSchema.parse({
        rules: CONDITIONS.map((condition, i) => ({
          id: `r${i}`,
          args_match: [condition],
          verdict: i % 2 === 0 ? 'sanitize' : 'audit',
        })),
        egress: { deny: ['*.exfil.example', '169.254.0.0/16'] },
        default_verdict: 'deny',
      }),
    );
    fc.assert(
      fc.property(fc.oneof(json, unicodeJson), (args) => {
        const decision = evaluatePolicy(policy, request(args));
        expect(explainPolicy(policy, request(args)).decision).toEqual(decision);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a denied host wherever it is nested in the arguments', () => {
    const policy = compilePolicy(
      PolicyConfigSchema.parse({ egress: { deny: ['*.exfil.example', '169.254.0.0/16'] } }),
    );
    const disguises = fc.constantFrom(
      'http://a.exfil.example/x',
      'see x.exfil.example/path',
      'http://notes.example@b.exfil.example/',
      'http%3A%2F%2Fc.exfil.example',
      'http://2852039166/',
      'http://[::ffff:169.254.169.254]/',
      '169.254.1.1:80',
    );
    fc.assert(
      fc.property(json, disguises, fc.array(fc.nat(), { maxLength: 5 }), (args, host, path) => {
        // Walk down `path` (choices modulo the number of children) and put the host there.
        const plant = (value: JsonValue, depth: number): JsonValue => {
          const choice = path[depth];
          if (choice === undefined || value === null || typeof value !== 'object') {
            return [value, host];
          }
          if (Array.isArray(value)) {
            if (value.length === 0) return [host];
            const i = choice % value.length;
            return value.map((v, k) => (k === i ? plant(v, depth + 1) : v));
          }
          const keys = Object.keys(value);
          const key = keys[choice % Math.max(keys.length, 1)];
          if (key === undefined) return { planted: host };
          const copy: JsonObject = {};
          for (const k of keys) {
            Object.defineProperty(copy, k, {
              value: k === key ? plant(value[k] as JsonValue, depth + 1) : value[k],
              enumerable: true,
            });
          }
          return copy;
        };
        expect(evaluatePolicy(policy, request(plant(args, 0))).ruleId).toBe('egress');
      }),
      { numRuns: 400 },
    );
  });
});
