import { describe, expect, it } from 'vitest';

import type { JsonObject } from '../../surface/types.js';
import { DEFAULT_RISK_SETTINGS, scanDefinition } from '../index.js';

const NO_CTX = { server: 's', otherTools: new Map<string, string[]>() };
const ids = (inputSchema: JsonObject) =>
  scanDefinition(
    'tool',
    't',
    { name: 't', inputSchema },
    NO_CTX,
    DEFAULT_RISK_SETTINGS,
  ).findings.map((f) => [f.ruleId, f.weight]);

describe('broad-schema rules', () => {
  it('notes an object schema without properties', () => {
    expect(ids({ type: 'object' })).toEqual([['open-schema', 2]]);
  });

  it('notes extra arguments together with a free-form command', () => {
    expect(
      ids({
        type: 'object',
        properties: { command: { type: 'string' } },
        additionalProperties: true,
      }),
    ).toEqual([['free-form-command', 4]]);
  });

  it.each([
    ['a closed schema without properties', { type: 'object', additionalProperties: false }],
    [
      'a constrained command',
      {
        type: 'object',
        properties: { command: { type: 'string', enum: ['a'] } },
        additionalProperties: true,
      },
    ],
    [
      'a free-form command without extra arguments',
      { type: 'object', properties: { command: { type: 'string' } } },
    ],
  ])('says nothing about %s', (_label, schema) => {
    expect(ids(schema as JsonObject)).toEqual([]);
  });
});
