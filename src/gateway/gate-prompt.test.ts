import { describe, expect, it } from 'vitest';

import { createBaseline } from '../pinning/baseline.js';
import type { Observation, ServerRecord } from '../pinning/types.js';
import { computeSurfaceDigests, profileDigest } from '../surface/digest.js';
import type { JsonObject, Surface } from '../surface/types.js';
import { decidePromptGet } from './gate.js';

const PROFILE = profileDigest('2025-11-25', {});
const SUMMARIZE: JsonObject = {
  name: 'summarize',
  description: 'Summarize notes about a topic.',
  arguments: [
    { name: 'topic', required: true },
    { name: 'style', required: false },
  ],
};

function observe(prompts: JsonObject[]): Observation {
  const surface: Surface = {
    server: { serverInfo: { name: 'notes', version: '1' }, capabilities: { prompts: {} } },
    launch: {},
    tools: {},
    prompts: Object.fromEntries(prompts.map((p) => [p['name'] as string, p])),
    resources: {},
    resourceTemplates: {},
  };
  return { surface, digests: computeSurfaceDigests(surface), profile: PROFILE, observedAt: 0 };
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
    const verdict = decidePromptGet(RECORD, observation, params, false);
    expect(verdict).toMatchObject({ kind: 'deny', code });
  });

  it('lets undeclared arguments through when configured, but still requires the required ones', () => {
    expect(
      decidePromptGet(
        RECORD,
        APPROVED,
        { name: 'summarize', arguments: { topic: 'x', extra: 'y' } },
        true,
      ).kind,
    ).toBe('allow');
    expect(decidePromptGet(RECORD, APPROVED, { name: 'summarize' }, true)).toMatchObject({
      code: 'ARGUMENTS_INVALID',
    });
  });
});
