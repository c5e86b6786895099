import { describe, expect, it } from 'vitest';

import type { JsonValue } from '../surface/types.js';
import { evaluatePolicy } from './evaluate.js';
import type { CompilePolicyOptions } from './parse-policy.js';
import { compilePolicy, PolicyConfigSchema } from './parse-policy.js';
import type { PolicyRequest } from './rule.js';

const PINNED = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;

function policy(input: unknown, options?: CompilePolicyOptions) {
  return compilePolicy(PolicyConfigSchema.parse(input), options);
}

function call(
  name: string,
  args: JsonValue = {},
  extra: Partial<PolicyRequest> = {},
): PolicyRequest {
  return { server: 'notes', method: 'tools/call', name, args, definitionDigest: PINNED, ...extra };
}

const NOTES = policy({
  rules: [
    {
      id: 'notes-no-foreign-callback',
      match: { server: 'notes', tool: 'search*' },
      args_match: [
        { path: '$.callback_url', op: 'regex', value: '^https?://' },
        { path: '$.callback_url', op: 'regex', value: '^https?://notes\\.example/', not: true },
      ],
      verdict: 'deny',
      reason: 'exfiltration-shaped callback_url',
    },
    {
      id: 'audit-search',
      match: { tool: 'search*' },
      verdict: 'audit',
      reason: 'searches are audited',
    },
  ],
});

describe('evaluatePolicy', () => {
  describe('when a rule matches', () => {
    it('returns its verdict, id and reason', () => {
      const decision = evaluatePolicy(
        NOTES,
        call('search_notes', { q: 'x', callback_url: 'https://attacker.example/c' }),
      );
      expect(decision).toEqual({
        verdict: 'deny',
        ruleId: 'notes-no-foreign-callback',
        reason: 'exfiltration-shaped callback_url',
        redactions: [],
        enforced: true,
      });
    });

    it('moves on when an args_match condition fails', () => {
      const decision = evaluatePolicy(
        NOTES,
        call('search_notes', { callback_url: 'https://notes.example/ok' }),
      );
      expect(decision.ruleId).toBe('audit-search');
      expect(evaluatePolicy(NOTES, call('search_notes', {})).verdict).toBe('audit');
    });

    it('does not apply a tool rule to another server or tool', () => {
      const args = { callback_url: 'https://attacker.example/c' };
      expect(evaluatePolicy(NOTES, call('search', args, { server: 'mail' })).ruleId).toBe(
        'audit-search',
      );
      expect(evaluatePolicy(NOTES, call('read', args)).ruleId).toBe('default');
    });
  });

  describe('when no rule matches', () => {
    it('returns the default verdict', () => {
      expect(evaluatePolicy(NOTES, call('read'))).toEqual({
        verdict: 'allow',
        ruleId: 'default',
        reason: 'no policy rule matched',
        redactions: [],
        enforced: true,
      });
      const strict = policy({ default_verdict: 'pending_approval' });
      expect(evaluatePolicy(strict, call('read')).verdict).toBe('pending_approval');
    });
  });

  describe('priority', () => {
    it('lets the highest priority win, and file order break ties', () => {
      const p = policy({
        rules: [
          { id: 'first', verdict: 'audit' },
          { id: 'second', verdict: 'deny' },
          { id: 'urgent', priority: 5, match: { tool: 'x' }, verdict: 'pending_approval' },
        ],
      });
      expect(evaluatePolicy(p, call('x')).ruleId).toBe('urgent');
      expect(evaluatePolicy(p, call('y')).ruleId).toBe('first');
    });
  });

  describe('request kinds', () => {
    const p = policy({
      rules: [
        { id: 'tool', match: { tool: 'get' }, verdict: 'deny' },
        { id: 'prompt', match: { prompt: 'get' }, verdict: 'audit' },
        { id: 'etc', match: { resource: 'file:///etc/**' }, verdict: 'deny' },
        { id: 'public', match: { resource: 'file:///public/*' }, verdict: 'allow' },
        { id: 'sampling', match: { method: 'sampling/*' }, verdict: 'pending_approval' },
        { id: 'rest', match: { server: 'other' }, verdict: 'audit' },
      ],
      default_verdict: 'deny',
    });
    const request = (method: string, name: string | undefined): PolicyRequest => ({
      server: 'notes',
      method,
      name,
      args: name === undefined ? {} : { uri: name },
      definitionDigest: null,
    });

    it('applies tool, prompt and resource globs only to their method', () => {
      expect(evaluatePolicy(p, request('tools/call', 'get')).ruleId).toBe('tool');
      expect(evaluatePolicy(p, request('prompts/get', 'get')).ruleId).toBe('prompt');
      expect(evaluatePolicy(p, request('resources/read', 'get')).ruleId).toBe('default');
      expect(evaluatePolicy(p, request('tools/call', undefined)).ruleId).toBe('default');
      expect(evaluatePolicy(p, request('prompts/get', undefined)).ruleId).toBe('default');
      expect(evaluatePolicy(p, request('resources/read', undefined)).ruleId).toBe('default');
    });

    it('matches resources on the normalised URI', () => {
      expect(evaluatePolicy(p, request('resources/read', 'file:///public/a.txt')).ruleId).toBe(
        'public',
      );
      for (const uri of [
        'file:///public/../etc/passwd',
        'file:///public/%2e%2e/etc/passwd',
        'file:///public/..%2fetc/passwd',
        'file:///public/%252e%252e/etc/passwd',
      ]) {
        expect(evaluatePolicy(p, request('resources/read', uri)).ruleId).toBe('etc');
      }
      expect(evaluatePolicy(p, request('resources/read', 'file:///public/a/b')).ruleId).toBe(
        'default',
      );
    });

    it('matches methods and servers, and rules without targets apply to every method', () => {
      expect(evaluatePolicy(p, request('sampling/createMessage', undefined)).ruleId).toBe(
        'sampling',
      );
      expect(
        evaluatePolicy(p, { ...request('roots/list', undefined), server: 'other' }).ruleId,
      ).toBe('rest');
    });
  });

  describe('definition pin', () => {
    const p = policy({
      rules: [{ id: 'pinned', match: { tool: 'x' }, definition: PINNED, verdict: 'allow' }],
      default_verdict: 'deny',
    });

    it('applies the rule only while the definition digest is the pinned one', () => {
      expect(evaluatePolicy(p, call('x')).ruleId).toBe('pinned');
      expect(evaluatePolicy(p, call('x', {}, { definitionDigest: OTHER })).ruleId).toBe('default');
      expect(evaluatePolicy(p, call('x', {}, { definitionDigest: null })).ruleId).toBe('default');
      expect(evaluatePolicy(p, call('x', {}, { definitionDigest: 'sha256:ab' })).ruleId).toBe(
        'default',
      );
    });
  });

  describe('egress', () => {
    const p = policy({
      rules: [{ id: 'allow-all', verdict: 'allow' }],
      egress: { deny: ['169.254.0.0/16', '*.exfil.example'] },
    });

    it('denies before any rule, whatever the rules say', () => {
      expect(evaluatePolicy(p, call('fetch', { url: 'http://2852039166/latest' }))).toEqual({
        verdict: 'deny',
        ruleId: 'egress',
        reason: 'egress to 169.254.169.254 matches egress deny entry 169.254.0.0/16',
        redactions: [],
        enforced: true,
      });
      expect(evaluatePolicy(p, call('fetch', { url: 'https://ok.example' })).ruleId).toBe(
        'allow-all',
      );
    });

    it('names the allow list when a host is missing from it', () => {
      const allow = policy({ egress: { allow: ['*.notes.example'] } });
      expect(evaluatePolicy(allow, call('fetch', { url: 'https://evil.example' })).reason).toBe(
        'egress to evil.example is not in egress.allow',
      );
    });
  });

  describe('sanitize', () => {
    const p = policy({
      rules: [
        {
          id: 'strip-tokens',
          match: { tool: 'send' },
          args_match: [
            { path: '$..token', op: 'regex', value: '^sk-' },
            { path: '$.to', op: 'eq', value: 'internal', not: true },
          ],
          verdict: 'sanitize',
          reason: 'tokens are redacted',
        },
      ],
    });

    it('returns the locations of the values that satisfied the conditions', () => {
      const args = { to: 'x', a: { token: 'sk-1' }, b: [{ token: 'pk-2' }, { token: 'sk-3' }] };
      expect(evaluatePolicy(p, call('send', args))).toEqual({
        verdict: 'sanitize',
        ruleId: 'strip-tokens',
        reason: 'tokens are redacted',
        redactions: [
          ['a', 'token'],
          ['b', 1, 'token'],
        ],
        enforced: true,
      });
    });
  });

  describe('shadow mode', () => {
    it('makes the same decision, marked not enforced', () => {
      const shadow = policy({ mode: 'shadow', rules: [{ id: 'no', verdict: 'deny' }] });
      expect(evaluatePolicy(shadow, call('x'))).toMatchObject({
        verdict: 'deny',
        ruleId: 'no',
        enforced: false,
      });
      const shadowEgress = policy({ mode: 'shadow', egress: { deny: ['*.exfil.example'] } });
      expect(evaluatePolicy(shadowEgress, call('x', ['a.exfil.example']))).toMatchObject({
        ruleId: 'egress',
        enforced: false,
      });
    });
  });

  describe('when the arguments exceed the limits (fail closed)', () => {
    const limits = { maxArgumentNodes: 20, maxArgumentDepth: 4, maxSelectVisits: 50 };
    const p = policy(
      {
        rules: [
          {
            id: 'inspect',
            match: { tool: 'inspect' },
            args_match: [{ path: '$..x', op: 'eq', value: 1 }],
            verdict: 'allow',
          },
          {
            id: 'wild',
            match: { tool: 'wild' },
            args_match: [{ path: '$..*..*..*', op: 'eq', value: 1 }],
            verdict: 'allow',
          },
          { id: 'plain', match: { tool: 'plain' }, verdict: 'allow' },
          {
            id: 'scrub',
            match: { tool: 'scrub' },
            args_match: [{ path: '$..*..*..*', op: 'eq', value: 1 }],
            verdict: 'sanitize',
          },
        ],
      },
      { limits },
    );
    const tooLarge = {
      verdict: 'deny',
      ruleId: 'limits',
      reason: 'arguments too large to evaluate',
      redactions: [],
      enforced: true,
    };
    const wide = Array.from({ length: 30 }, (_, i) => i);
    const deep = { a: { b: { c: { d: { x: 1 } } } } };

    it('denies when a rule must look inside them', () => {
      expect(evaluatePolicy(p, call('inspect', wide))).toEqual(tooLarge);
      expect(evaluatePolicy(p, call('inspect', deep))).toEqual(tooLarge);
      expect(evaluatePolicy(p, call('wild', [[[1, 2], [3]], [[4]], [[5, 6, 7]]]))).toEqual(
        tooLarge,
      );
      expect(evaluatePolicy(p, call('scrub', [[[1, 2], [3]], [[4]], [[5, 6, 7]]]))).toEqual(
        tooLarge,
      );
    });

    it('does not look at them when no rule needs to', () => {
      expect(evaluatePolicy(p, call('plain', wide)).ruleId).toBe('plain');
      expect(evaluatePolicy(p, call('other', deep)).ruleId).toBe('default');
    });

    it('denies when egress must scan them', () => {
      const withEgress = policy({ egress: { deny: ['*.exfil.example'] } }, { limits });
      expect(evaluatePolicy(withEgress, call('plain', wide))).toEqual(tooLarge);
      const tinyScan = policy(
        { egress: { deny: ['*.exfil.example'] } },
        { limits: { maxScanChars: 10 } },
      );
      expect(evaluatePolicy(tinyScan, call('plain', { s: 'x'.repeat(11) }))).toEqual(tooLarge);
    });
  });
});
