import { describe, expect, it } from 'vitest';

import { ConfigError } from '../shared/errors.js';
import { compilePolicy, POLICY_CONFIG_SHAPE, PolicyConfigSchema } from './parse-policy.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function compile(input: unknown) {
  return compilePolicy(PolicyConfigSchema.parse(input));
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    compile(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected compilePolicy to throw');
}

describe('PolicyConfigSchema', () => {
  it('fills in the defaults', () => {
    expect(PolicyConfigSchema.parse({})).toEqual({
      mode: 'enforce',
      default_verdict: 'allow',
      rules: [],
      egress: { deny: [], allow: [] },
    });
    expect(PolicyConfigSchema.parse({ rules: [{ id: 'r', verdict: 'deny' }] }).rules[0]).toEqual({
      id: 'r',
      priority: 0,
      match: {},
      args_match: [],
      verdict: 'deny',
    });
  });

  it('exposes the shape for the configuration schema to spread in', () => {
    expect(Object.keys(POLICY_CONFIG_SHAPE)).toEqual([
      'mode',
      'default_verdict',
      'rules',
      'egress',
    ]);
  });

  it.each([
    [{ rules: [{ id: 'bad id', verdict: 'deny' }] }, 'rules.0.id'],
    [{ rules: [{ id: 'r', verdict: 'block' }] }, 'rules.0.verdict'],
    [{ rules: [{ id: 'r', verdict: 'deny', match: { tools: 'x' } }] }, 'rules.0.match'],
    [{ rules: [{ id: 'r', verdict: 'deny', definition: 'sha256:xyz' }] }, 'rules.0.definition'],
    [{ rules: [{ id: 'r', verdict: 'deny', priority: 1.5 }] }, 'rules.0.priority'],
    [
      { rules: [{ id: 'r', verdict: 'deny', args_match: [{ path: '$', op: 'like', value: 1 }] }] },
      'rules.0.args_match.0.op',
    ],
    [{ egress: { deny: [], block: [] } }, 'egress'],
    [{ mode: 'audit' }, 'mode'],
    [{ extra: 1 }, ''],
  ])('refuses %j at %s', (input, path) => {
    const result = PolicyConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('compilePolicy', () => {
  it('sorts rules by priority, highest first, ties in file order', () => {
    const policy = compile({
      rules: [
        { id: 'low', priority: -1, verdict: 'allow' },
        { id: 'first', verdict: 'audit' },
        { id: 'high', priority: 10, verdict: 'deny' },
        { id: 'second', verdict: 'audit' },
      ],
    });
    expect(policy.rules.map((r) => r.id)).toEqual(['high', 'first', 'second', 'low']);
  });

  it('keeps mode, default verdict and a default reason', () => {
    const policy = compile({
      mode: 'shadow',
      default_verdict: 'deny',
      rules: [{ id: 'r', verdict: 'deny' }],
    });
    expect(policy.mode).toBe('shadow');
    expect(policy.defaultVerdict).toBe('deny');
    expect(policy.rules[0]?.reason).toBe('policy rule r');
  });

  it('accepts limit overrides', () => {
    const policy = compilePolicy(PolicyConfigSchema.parse({}), { limits: { maxArgumentNodes: 5 } });
    expect(policy.limits.maxArgumentNodes).toBe(5);
    expect(policy.limits.maxArgumentDepth).toBe(64);
  });

  it('reports every bad field at once, with paths', () => {
    const issues = issuesOf({
      default_verdict: 'sanitize',
      rules: [
        { id: 'a', verdict: 'deny', match: { server: 'x[', tool: 'a{b' } },
        {
          id: 'b',
          verdict: 'deny',
          definition: DIGEST,
          args_match: [
            { path: '$.callback_url', op: 'regex', value: '^https?://(?!notes\\.example/)' },
            { path: '$..url', op: 'cidr_match', value: ['10.0.0.0/8', 'nope'], not: true },
            { path: '$[?@.x]', op: 'in', value: 'x' },
            { path: '$.n', op: 'gt', value: '5' },
            { path: '$.n', op: 'lt', value: [1] },
            { path: '$.s', op: 'regex', value: 5 },
            { path: '$.c', op: 'cidr_match', value: 5 },
          ],
        },
        { id: 'a', verdict: 'sanitize' },
        {
          id: 'c',
          verdict: 'sanitize',
          args_match: [{ path: '$.x', op: 'eq', value: 1, not: true }],
        },
        { id: 'd', verdict: 'deny', match: { tool: 't', resource: 'r' } },
        { id: 'e', verdict: 'deny', match: { resource: 'file:///{a' } },
      ],
      egress: { deny: ['http://evil.example', '10.0.0.0/40'], allow: ['a:b'] },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'default_verdict',
      'rules.2.id',
      'rules.0.match.server',
      'rules.0.match.tool',
      'rules.1.args_match.0.value',
      'rules.1.args_match.1.value',
      'rules.1.args_match.2.path',
      'rules.1.args_match.2.value',
      'rules.1.args_match.3.value',
      'rules.1.args_match.4.value',
      'rules.1.args_match.5.value',
      'rules.1.args_match.6.value',
      'rules.2.verdict',
      'rules.3.verdict',
      'rules.4.match',
      'rules.5.match.resource',
      'egress.deny.0',
      'egress.deny.1',
      'egress.allow.0',
    ]);
    expect(issues[4]?.message).toContain('linear-time regexp engine');
    expect(issues[4]?.message).toContain('lookahead');
  });

  it('puts the issues in the error message too', () => {
    expect(() => compile({ default_verdict: 'sanitize' })).toThrow(
      /policy: 1 invalid field\(s\):\n {2}- default_verdict: sanitize cannot be the default/,
    );
  });

  it('lets unexpected faults through untouched', () => {
    const config = PolicyConfigSchema.parse({
      rules: [{ id: 'r', verdict: 'deny', args_match: [{ path: '$', op: 'eq', value: 1 }] }],
    });
    const rule = config.rules[0];
    const badPath = { ...config, rules: [{ ...rule, args_match: [{ path: 7, op: 'eq' }] }] };
    expect(() => compilePolicy(badPath as unknown as typeof config)).toThrow(TypeError);
    const badEgress = { ...config, egress: { deny: [7], allow: [] } };
    expect(() => compilePolicy(badEgress as unknown as typeof config)).toThrow(TypeError);
  });
});
