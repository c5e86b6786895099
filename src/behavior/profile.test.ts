import { describe, expect, it } from 'vitest';

import type { JsonObject } from '../surface/types.js';
import { checkResult } from './check.js';
import { BehaviorError } from './errors.js';
import { parseProfile } from './parse-profile.js';
import type { ToolProfile } from './profile.js';
import { createProfile, toProfileJson } from './profile.js';
import { DEFAULT_BEHAVIOR_SETTINGS } from './settings.js';

/** A profile past learning, with every field populated. */
function busyProfile(): ToolProfile {
  let profile = createProfile();
  for (let i = 0; i < 30; i++) {
    const result: JsonObject | undefined =
      i % 5 === 0
        ? undefined
        : {
            content: [{ type: 'text', text: `https://h${i % 3}.example/` }],
            structuredContent: { n: i, tags: ['a'] },
          };
    profile = checkResult(
      profile,
      { result, durationMs: 3 + i, bytes: 100 * i, outputSchema: undefined },
      DEFAULT_BEHAVIOR_SETTINGS,
      () => [],
    ).profile;
  }
  return profile;
}

function expectCorrupt(value: unknown, field: string): void {
  let caught: unknown;
  try {
    parseProfile(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(BehaviorError);
  expect(caught).toMatchObject({ code: 'BEHAVIOR_PROFILE_CORRUPT', details: { field } });
}

/** The stored JSON of a busy profile with `change` applied to a copy. */
function stored(change: (json: Record<string, unknown>) => void): unknown {
  const json = structuredClone(toProfileJson(busyProfile())) as Record<string, unknown>;
  change(json);
  return json;
}

describe('profile storage', () => {
  it('round-trips through JSON text, toProfileJson and parseProfile', () => {
    const profile = busyProfile();
    const text = JSON.stringify(toProfileJson(profile));
    const back = parseProfile(JSON.parse(text));
    expect(back).toEqual(profile);
    expect(toProfileJson(back)).toEqual(toProfileJson(profile));
    expect(profile.hosts.entries).toEqual(['h1.example', 'h2.example', 'h0.example']);
  });

  it('round-trips a fresh profile', () => {
    expect(parseProfile(toProfileJson(createProfile()))).toEqual(createProfile());
  });

  it('gives the next check the same answer from a stored profile as from the live one', () => {
    const live = busyProfile();
    const back = parseProfile(JSON.parse(JSON.stringify(toProfileJson(live))));
    const observation = {
      result: { content: [{ type: 'text', text: 'https://new.example/' }] },
      durationMs: 5,
      bytes: 5,
      outputSchema: undefined,
    };
    const scan = () => [];
    expect(checkResult(back, observation, DEFAULT_BEHAVIOR_SETTINGS, scan)).toEqual(
      checkResult(live, observation, DEFAULT_BEHAVIOR_SETTINGS, scan),
    );
  });

  it('returns JSON that is not shared with the profile', () => {
    const profile = busyProfile();
    const json = toProfileJson(profile);
    (json['paths'] as { entries: string[] }).entries.push('string $/x');
    expect(profile.paths.entries).not.toContain('string $/x');
  });
});

describe('parseProfile on corrupt data', () => {
  it.each([
    ['not an object', null, 'profile'],
    ['an array', [], 'profile'],
    ['an unknown field', stored((j) => (j['extra'] = 1)), 'profile'],
    ['a missing field', stored((j) => delete j['hosts']), 'profile'],
    ['another version', stored((j) => (j['v'] = 2)), 'v'],
    ['a negative count', stored((j) => (j['calls'] = -1)), 'calls'],
    ['a fractional count', stored((j) => (j['calls'] = 1.5)), 'calls'],
    ['a string count', stored((j) => (j['calls'] = '30')), 'calls'],
    ['more learned calls than calls', stored((j) => (j['learnedCalls'] = 31)), 'learnedCalls'],
    ['more learned errors than calls', stored((j) => (j['learnedErrors'] = 21)), 'learnedErrors'],
    ['a window wider than 30', stored((j) => (j['recentCount'] = 31)), 'recentCount'],
    ['window bits past the window', stored((j) => (j['recentErrors'] = 2 ** 20)), 'recentErrors'],
    [
      'an infinite mean',
      stored((j) => ((j['size'] as JsonObject)['mean'] = Infinity)),
      'size.mean',
    ],
    ['a negative m2', stored((j) => ((j['latency'] as JsonObject)['m2'] = -1)), 'latency.m2'],
    [
      'moments without samples',
      { ...toProfileJson(createProfile()), size: { n: 0, mean: 1, m2: 0 } },
      'size',
    ],
    [
      'a non-array fingerprint',
      stored((j) => ((j['paths'] as JsonObject)['entries'] = 'x')),
      'paths.entries',
    ],
    [
      'a duplicate entry',
      stored((j) => ((j['hosts'] as JsonObject)['entries'] = ['a', 'a'])),
      'hosts.entries',
    ],
    [
      'an empty entry',
      stored((j) => ((j['hosts'] as JsonObject)['entries'] = [''])),
      'hosts.entries',
    ],
    [
      'a huge entry',
      stored((j) => ((j['hosts'] as JsonObject)['entries'] = ['a'.repeat(2000)])),
      'hosts.entries',
    ],
    [
      'too many entries',
      stored(
        (j) =>
          ((j['paths'] as JsonObject)['entries'] = Array.from({ length: 5000 }, (_, i) => `e${i}`)),
      ),
      'paths.entries',
    ],
    [
      'a non-boolean flag',
      stored((j) => ((j['contentTypes'] as JsonObject)['overflowed'] = 0)),
      'contentTypes.overflowed',
    ],
    [
      'novelty beyond learning',
      stored((j) => ((j['paths'] as JsonObject)['noveltyCalls'] = 21)),
      'paths.noveltyCalls',
    ],
    [
      'an alert in the future',
      stored((j) => ((j['lastAlert'] as JsonObject)['size'] = 31)),
      'lastAlert.size',
    ],
  ])('rejects %s', (_name, value, field) => {
    expectCorrupt(value, field);
  });
});
