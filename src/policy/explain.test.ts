import { describe, expect, it } from 'vitest';

import { evaluatePolicy } from './evaluate.js';
import { explainPolicy } from './explain.js';
import { compilePolicy, PolicyConfigSchema } from './parse-policy.js';
import type { PolicyRequest } from './rule.js';

const PINNED = `sha256:${'ab'.repeat(32)}`;

const POLICY = compilePolicy(
  PolicyConfigSchema.parse({
    rules: [
      { id: 'other-server', priority: 9, match: { server: 'mail' }, verdict: 'deny' },
      { id: 'sampling', priority: 8, match: { method: 'sampling/*' }, verdict: 'deny' },
      { id: 'prompt', priority: 7, match: { prompt: 'p' }, verdict: 'deny' },
      { id: 'resource', priority: 7, match: { resource: 'file:///*' }, verdict: 'deny' },
      { id: 'other-tool', priority: 6, match: { tool: 'send' }, verdict: 'deny' },
      { id: 'pinned', priority: 5, definition: `sha256:${'cd'.repeat(32)}`, verdict: 'deny' },
      {
        id: 'callback',
        priority: 4,
        args_match: [
          { path: '$.q', op: 'contains', value: 'x' },
          { path: '$.url', op: 'regex', value: '^https://notes\\.example/', not: true },
        ],
        verdict: 'deny',
      },
      {
        id: 'big',
        priority: 3,
        args_match: [{ path: '$..*..*', op: 'eq', value: 0 }],
        verdict: 'deny',
      },
      { id: 'audit', priority: 1, verdict: 'audit' },
      { id: 'never-reached', verdict: 'deny' },
    ],
    egress: { deny: ['*.exfil.example'] },
  }),
  { limits: { maxSelectVisits: 30 } },
);

function request(args: PolicyRequest['args']): PolicyRequest {
  return { server: 'notes', method: 'tools/call', name: 'search', args, definitionDigest: PINNED };
}

describe('explainPolicy', () => {
  it('says why each rule before the deciding one did not match, and stops there', () => {
    const args = { q: 'x', url: 'https://notes.example/ok', list: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
    const explanation = explainPolicy(POLICY, request(args));
    expect(explanation).toEqual({
      decision: evaluatePolicy(POLICY, request(args)),
      egress: { kind: 'ok' },
      rules: [
        { ruleId: 'other-server', isMatch: false, missed: 'server' },
        { ruleId: 'sampling', isMatch: false, missed: 'method' },
        { ruleId: 'prompt', isMatch: false, missed: 'prompt' },
        { ruleId: 'resource', isMatch: false, missed: 'resource' },
        { ruleId: 'other-tool', isMatch: false, missed: 'tool' },
        { ruleId: 'pinned', isMatch: false, missed: 'definition' },
        {
          ruleId: 'callback',
          isMatch: false,
          missed: 'args_match',
          condition: 1,
          detail: '$.url not regex',
        },
        { ruleId: 'big', isMatch: false, missed: 'limits' },
      ],
    });
    expect(explanation.decision).toMatchObject({ verdict: 'deny', ruleId: 'limits' });
  });

  it('reports the matching rule last', () => {
    const explanation = explainPolicy(POLICY, request({ q: 'y' }));
    expect(explanation.rules.at(-3)).toEqual({
      ruleId: 'callback',
      isMatch: false,
      missed: 'args_match',
      condition: 0,
      detail: '$.q contains',
    });
    expect(explanation.rules.at(-2)).toEqual({
      ruleId: 'big',
      isMatch: false,
      missed: 'args_match',
      condition: 0,
      detail: '$..*..* eq',
    });
    expect(explanation.rules.at(-1)).toEqual({ ruleId: 'audit', isMatch: true });
    expect(explanation.decision.ruleId).toBe('audit');
  });

  it('reports an egress denial without trying rules', () => {
    const explanation = explainPolicy(POLICY, request({ url: 'https://a.exfil.example' }));
    expect(explanation.egress).toEqual({
      kind: 'denied',
      host: 'a.exfil.example',
      rule: '*.exfil.example',
      list: 'deny',
    });
    expect(explanation.rules).toEqual([]);
    expect(explanation.decision.ruleId).toBe('egress');
  });

  it('falls back to the default when nothing matches', () => {
    const empty = compilePolicy(
      PolicyConfigSchema.parse({ rules: [{ id: 'r', match: { tool: 'z' }, verdict: 'deny' }] }),
    );
    expect(explainPolicy(empty, request({}))).toEqual({
      decision: evaluatePolicy(empty, request({})),
      egress: { kind: 'ok' },
      rules: [{ ruleId: 'r', isMatch: false, missed: 'tool' }],
    });
  });
});
