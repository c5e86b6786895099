import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { JsonObject, JsonValue } from '../surface/types.js';
import { checkResult } from './check.js';
import { parseProfile } from './parse-profile.js';
import type { ToolProfile } from './profile.js';
import { createProfile, toProfileJson } from './profile.js';
import { DEFAULT_BEHAVIOR_SETTINGS } from './settings.js';
import { ANOMALY_KINDS } from './types.js';

const SETTINGS = { ...DEFAULT_BEHAVIOR_SETTINGS, learnCalls: 3 };
const json = fc.jsonValue({ maxDepth: 5 }) as fc.Arbitrary<JsonValue>;
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('https://a.example/x', 'http:\\\\[::1]', 'HTTPS://B.EXAMPLE.:1/', 'ws://'),
);
const contentItem = fc.oneof(
  json,
  fc.record({ type: fc.constantFrom('text', 'image', 'resource', 'resource_link', ''), text }),
  fc.record({ type: fc.constant('resource'), resource: fc.record({ uri: text, text }) }),
  fc.record({ type: fc.constant('resource_link'), uri: text, name: text, description: json }),
) as fc.Arbitrary<JsonValue>;
const result = fc.oneof(
  fc.dictionary(fc.string(), json),
  fc.record(
    { content: fc.oneof(fc.array(contentItem), json), structuredContent: json, isError: json },
    { requiredKeys: [] },
  ),
) as fc.Arbitrary<JsonObject>;
const schema = fc.constantFrom<JsonObject | undefined>(
  undefined,
  { type: 'object' },
  { type: 'object', properties: { a: { type: 'string', pattern: '^a+$' } }, required: ['a'] },
  { type: 'array', items: { $ref: '#' } },
);
const observation = fc.record({
  result: fc.option(result, { nil: undefined }),
  durationMs: fc.double({ min: 0, max: 1e7, noNaN: true }),
  bytes: fc.nat(),
  outputSchema: schema,
});

describe('checkResult on arbitrary results', () => {
  it('never throws, reports only known kinds and keeps a storable profile', () => {
    fc.assert(
      fc.property(fc.array(observation, { minLength: 1, maxLength: 8 }), (observations) => {
        let profile: ToolProfile = createProfile();
        for (const next of observations) {
          const outcome = checkResult(profile, next, SETTINGS, () => []);
          for (const detection of outcome.detections) {
            expect(ANOMALY_KINDS).toContain(detection.kind);
          }
          profile = outcome.profile;
        }
        expect(parseProfile(JSON.parse(JSON.stringify(toProfileJson(profile))))).toEqual(profile);
        expect(profile.calls).toBe(observations.length);
      }),
      { numRuns: 300 },
    );
  });
});
