import { describe, expect, it } from 'vitest';

import type { Finding } from '../risk/types.js';
import type { JsonObject } from '../surface/types.js';
import { checkResult } from './check.js';
import { BehaviorError } from './errors.js';
import { createProfile, toProfileJson } from './profile.js';
import { DEFAULT_BEHAVIOR_SETTINGS } from './settings.js';
import type { OutputScanner, ResultObservation } from './types.js';

const SETTINGS = DEFAULT_BEHAVIOR_SETTINGS;
const QUIET: OutputScanner = () => [];
const SCHEMA: JsonObject = {
  type: 'object',
  properties: { count: { type: 'integer' }, name: { type: 'string' } },
  required: ['count'],
};

function observe(result: JsonObject | undefined, extra: Partial<ResultObservation> = {}) {
  return { result, durationMs: 5, bytes: 200, outputSchema: undefined, ...extra };
}

function kinds(result: JsonObject | undefined, extra: Partial<ResultObservation> = {}) {
  return checkResult(createProfile(), observe(result, extra), SETTINGS, QUIET).detections;
}

function finding(ruleId: string, evidence: string): Finding {
  return {
    ruleId,
    weight: 10,
    message: `${ruleId} found`,
    pointer: '',
    span: { start: 0, end: 1 },
    evidence,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('checkResult against the pinned outputSchema', () => {
  const withSchema = { outputSchema: SCHEMA };

  it('is silent when structuredContent is valid, whatever its values', () => {
    expect(kinds({ content: [], structuredContent: { count: 3, name: 'a' } }, withSchema)).toEqual(
      [],
    );
    expect(kinds({ content: [], structuredContent: { count: 99 } }, withSchema)).toEqual([]);
  });

  it('reports a result without structuredContent, even while learning', () => {
    const [detection] = kinds({ content: [{ type: 'text', text: 'hi' }] }, withSchema);
    expect(detection).toMatchObject({
      kind: 'output-schema',
      evidence: 'structuredContent: missing',
    });
  });

  it('reports invalid structuredContent with the path and keyword, never the value', () => {
    const result = { content: [], structuredContent: { count: 'SECRET-VALUE-123' } };
    const detections = kinds(result, withSchema);
    expect(detections).toEqual([
      {
        kind: 'output-schema',
        message: 'structuredContent does not match the pinned outputSchema',
        evidence: '/count type',
        ruleId: null,
      },
    ]);
    expect(JSON.stringify(detections)).not.toContain('SECRET');
  });

  it('names the root for a missing required property', () => {
    const [detection] = kinds({ content: [], structuredContent: { name: 'x' } }, withSchema);
    expect(detection?.evidence).toBe('/ required');
  });

  it('exempts isError results', () => {
    expect(kinds({ content: [{ type: 'text', text: 'boom' }], isError: true }, withSchema)).toEqual(
      [],
    );
  });

  it('does not check results of tools without an outputSchema', () => {
    expect(kinds({ content: [], structuredContent: { anything: [1] } })).toEqual([]);
  });

  it('validates draft-07 schemas as draft-07', () => {
    const schema: JsonObject = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
    };
    const ok = { content: [], structuredContent: { pair: ['a', 1] } };
    const bad = { content: [], structuredContent: { pair: [1, 'a'] } };
    expect(kinds(ok, { outputSchema: schema })).toEqual([]);
    expect(kinds(bad, { outputSchema: schema })[0]?.evidence).toBe('/pair/0 type');
  });

  it('reports a pinned schema whose pattern needs backtracking instead of passing', () => {
    const schema: JsonObject = {
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a)\\1$' } },
    };
    const [detection] = kinds(
      { content: [], structuredContent: { s: 'aa' } },
      { outputSchema: schema },
    );
    expect(detection).toMatchObject({
      kind: 'output-schema',
      evidence: 'outputSchema: a pattern cannot be matched in linear time',
    });
  });

  it('matches patterns in linear time', () => {
    const schema: JsonObject = {
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a+)+$' } },
    };
    const result = { content: [], structuredContent: { s: `${'a'.repeat(5_000)}!` } };
    expect(kinds(result, { outputSchema: schema })[0]?.evidence).toBe('/s pattern');
  });
});

describe('checkResult scanning what the model reads', () => {
  it('hands the scanner content text, embedded resource text, links and structured strings', () => {
    const seen: string[] = [];
    const scanner: OutputScanner = (text) => {
      seen.push(text);
      return [];
    };
    const result: JsonObject = {
      content: [
        { type: 'text', text: 'first' },
        { type: 'image', data: 'QUJD', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///r', text: 'embedded' } },
        { type: 'resource_link', uri: 'file:///l', name: 'link-name', description: 'link-desc' },
      ],
      structuredContent: { note: 'structured', nested: [{ deep: 'leaf' }], n: 1, 'key-text': 2 },
    };
    checkResult(createProfile(), observe(result), SETTINGS, scanner);
    expect(seen).toHaveLength(1);
    for (const part of [
      'first',
      'embedded',
      'link-name',
      'link-desc',
      'structured',
      'leaf',
      'key-text',
    ]) {
      expect(seen[0]).toContain(part);
    }
    expect(seen[0]).not.toContain('QUJD');
  });

  it('turns findings into output-injection and output-secret detections, one per rule', () => {
    const scanner: OutputScanner = () => [
      finding('hidden-instruction', 'ignore previous…'),
      finding('hidden-instruction', 'second one'),
      finding('output-secret', 'AKIA************'),
    ];
    const result = { content: [{ type: 'text', text: 'x' }] };
    const { detections } = checkResult(createProfile(), observe(result), SETTINGS, scanner);
    expect(detections).toEqual([
      {
        kind: 'output-injection',
        message: 'hidden-instruction found',
        evidence: 'ignore previous…',
        ruleId: 'hidden-instruction',
      },
      {
        kind: 'output-secret',
        message: 'output-secret found',
        evidence: 'AKIA************',
        ruleId: 'output-secret',
      },
    ]);
  });

  it('lets a scanner fault propagate so the gateway fails closed', () => {
    const scanner: OutputScanner = () => {
      throw new Error('scanner broke');
    };
    const result = { content: [{ type: 'text', text: 'x' }] };
    expect(() => checkResult(createProfile(), observe(result), SETTINGS, scanner)).toThrow(
      'scanner broke',
    );
  });
});

describe('checkResult on results too large to check', () => {
  const small = { ...SETTINGS, maxTextChars: 100, maxNodes: 50, maxDepth: 5 };

  it('reports text past the budget and scans only the first part', () => {
    let scanned = '';
    const scanner: OutputScanner = (text) => {
      scanned = text;
      return [];
    };
    const result = { content: [{ type: 'text', text: 'a'.repeat(500) }] };
    const { detections } = checkResult(createProfile(), observe(result), small, scanner);
    expect(scanned).toHaveLength(100);
    expect(detections).toEqual([
      expect.objectContaining({
        kind: 'shape',
        message: 'The result is too large to check completely',
      }),
    ]);
  });

  it('reports structuredContent nested past the depth limit and does not validate it', () => {
    let deep: JsonObject = { leaf: 1 };
    for (let i = 0; i < 10; i++) deep = { d: deep };
    const result = { content: [], structuredContent: deep };
    const detections = checkResult(
      createProfile(),
      observe(result, { outputSchema: { type: 'object' } }),
      small,
      QUIET,
    ).detections;
    expect(detections.map((d) => [d.kind, d.evidence])).toEqual([
      ['output-schema', 'structuredContent: not validated (limits)'],
      ['shape', 'structuredContent nested deeper than 5'],
    ]);
  });

  it('reports too many nodes', () => {
    const result = {
      content: [],
      structuredContent: { list: Array.from({ length: 100 }, () => 1) },
    };
    const [detection] = checkResult(createProfile(), observe(result), small, QUIET).detections;
    expect(detection).toMatchObject({ kind: 'shape', evidence: 'over 50 JSON nodes' });
  });

  it('reports too many distinct URL hosts', () => {
    const text = Array.from({ length: 20 }, (_, i) => `https://h${i}.example/`).join(' ');
    const settings = { ...SETTINGS, maxHostsPerResult: 10 };
    const result = { content: [{ type: 'text', text }] };
    const [detection] = checkResult(createProfile(), observe(result), settings, QUIET).detections;
    expect(detection).toMatchObject({ kind: 'shape', evidence: 'over 10 distinct URL hosts' });
  });
});

describe('checkResult as a pure function', () => {
  it('never changes the profile or the observation it is given', () => {
    const profile = createProfile();
    const before = toProfileJson(profile);
    const result: JsonObject = deepFreeze({
      content: [{ type: 'text', text: 'see https://a.example/' }],
      structuredContent: { count: 1 },
    });
    const observation = deepFreeze(observe(result, { outputSchema: deepFreeze({ ...SCHEMA }) }));
    const snapshot = JSON.stringify(observation);
    const outcome = checkResult(profile, observation, SETTINGS, QUIET);
    expect(toProfileJson(profile)).toEqual(before);
    expect(JSON.stringify(observation)).toBe(snapshot);
    expect(outcome.profile).not.toBe(profile);
    expect(outcome.profile.calls).toBe(1);
    expect(outcome.profile.hosts.entries).toEqual(['a.example']);
  });

  it('gives the same answer for the same inputs', () => {
    const observation = observe({ content: [{ type: 'text', text: 'x' }] });
    const a = checkResult(createProfile(), observation, SETTINGS, QUIET);
    const b = checkResult(createProfile(), observation, SETTINGS, QUIET);
    expect(toProfileJson(a.profile)).toEqual(toProfileJson(b.profile));
  });

  it.each([
    ['a negative duration', { durationMs: -1 }],
    ['a non-finite size', { bytes: Number.POSITIVE_INFINITY }],
  ])('refuses %s with BEHAVIOR_CHECK_FAILED', (_name, extra) => {
    const check = () => checkResult(createProfile(), observe(undefined, extra), SETTINGS, QUIET);
    expect(check).toThrow(BehaviorError);
    expect(check).toThrow(expect.objectContaining({ code: 'BEHAVIOR_CHECK_FAILED' }));
  });

  it('refuses settings out of range', () => {
    const settings = { ...SETTINGS, errorWindow: 31 };
    expect(() => checkResult(createProfile(), observe(undefined), settings, QUIET)).toThrow(
      expect.objectContaining({ code: 'BEHAVIOR_CHECK_FAILED', details: { field: 'errorWindow' } }),
    );
  });
});
