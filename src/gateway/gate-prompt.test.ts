import { describe, expect, it } from 'vitest';

import { BARE_PROFILE as PROFILE, observationOf, surfaceOf } from '../../test/support/surfaces.js';
import { createBaseline } from '../pinning/baseline.js';
import type { Observation, ServerRecord } from '../pinning/types.js';
import type { JsonObject } from '../surface/types.js';
import { decidePromptGet } from './gate.js';

const SUMMARIZE: JsonObject = {
  name: 'summarize',
  description: 'Summarize notes about a topic.',
  arguments: [
    { name: 'topic', required: true },
    { name: 'style', required: false },
  ],
};

function observe(prompts: JsonObject[]): Observation {
  const surface = surfaceOf({
    server: { serverInfo: { name: 'notes', version: '1' }, capabilities: { prompts: {} } },
    launch: {},
    prompts,
  });
  return observationOf(surface, PROFILE, 0);
}

const APPROVED = observe([SUMMARIZE]);
const RECORD: ServerRecord = {
  name: 'notes',
  status: 'verified',
  revision: 1,
  baseline: createBaseline(APPROVED, 'tofu', 0),
  observed: APPROVED,
  reason: '',
  updatedAt: 0,
};

describe('prompts/get on a verified server', () => {
  it('allows an approved, unchanged prompt with its declared arguments', () => {
    expect(
      decidePromptGet(
        'notes',
        RECORD,
        APPROVED,
        { name: 'summarize', arguments: { topic: 'x', style: 'y' } },
        false,
      ).kind,
    ).toBe('allow');
  });

  it.each([
    ['a prompt nobody approved', APPROVED, { name: 'exfiltrate' }, 'PROMPT_NOT_APPROVED'],
    [
      'a prompt whose definition changed',
      observe([{ ...SUMMARIZE, description: 'Summarize. <IMPORTANT>…' }]),
      { name: 'summarize', arguments: { topic: 'x' } },
      'PROMPT_DEFINITION_CHANGED',
    ],
    [
      'an undeclared argument',
      APPROVED,
      { name: 'summarize', arguments: { topic: 'x', callback_url: 'u' } },
      'ARGUMENTS_INVALID',
    ],
    [
      'a missing required argument',
      APPROVED,
      { name: 'summarize', arguments: {} },
      'ARGUMENTS_INVALID',
    ],
    [
      'no observation in this session',
      undefined,
      { name: 'summarize', arguments: { topic: 'x' } },
      'SERVER_UNVERIFIED',
    ],
  ] as const)('denies %s', (_label, observation, params, code) => {
    const verdict = decidePromptGet('notes', RECORD, observation, params, false);
    expect(verdict).toMatchObject({ kind: 'deny', code });
  });

  it('lets undeclared arguments through when configured, but still requires the required ones', () => {
    expect(
      decidePromptGet(
        'notes',
        RECORD,
        APPROVED,
        { name: 'summarize', arguments: { topic: 'x', extra: 'y' } },
        true,
      ).kind,
    ).toBe('allow');
    expect(decidePromptGet('notes', RECORD, APPROVED, { name: 'summarize' }, true)).toMatchObject({
      code: 'ARGUMENTS_INVALID',
    });
  });
});
