import { describe, expect, it } from 'vitest';

import {
  BARE_PROFILE as BARE,
  defined,
  FULL_PROFILE as FULL,
  observationOf as observe,
  surfaceOf,
  T0,
} from '../../test/support/surfaces.js';
import { computeSurfaceDigests } from '../surface/digest.js';
import type { JsonObject, Surface } from '../surface/types.js';
import { createBaseline, mergeBaseline } from './baseline.js';
import { checkObservation } from './check.js';

function tool(name: string, description = `The ${name} tool.`): JsonObject {
  return { name, description, inputSchema: { type: 'object' } };
}

function surface(tools: JsonObject[], version = '1.0.0', prompts: JsonObject[] = []): Surface {
  return surfaceOf({
    server: { serverInfo: { name: 'everything', version }, capabilities: { tools: {} } },
    launch: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] },
    tools,
    prompts,
  });
}

describe('createBaseline', () => {
  it('pins the observed surface and digests, the profile it was seen by, and who approved', () => {
    const observation = observe(surface([tool('zeta'), tool('alpha')]));
    expect(createBaseline(observation, 'tofu', T0 + 1)).toEqual({
      surface: observation.surface,
      digests: observation.digests,
      profiles: {
        [FULL]: { tools: ['alpha', 'zeta'], prompts: [], resources: [], resourceTemplates: [] },
      },
      approvedAt: T0 + 1,
      approvedBy: 'tofu',
    });
  });
});

describe('mergeBaseline', () => {
  describe('when there is no previous baseline', () => {
    it('creates one from the observation', () => {
      const observation = observe(surface([tool('echo')]));
      expect(mergeBaseline(null, observation, 'alice', T0)).toEqual(
        createBaseline(observation, 'alice', T0),
      );
    });
  });

  describe('when another profile saw tools this profile does not list', () => {
    const previous = createBaseline(
      observe(surface([tool('echo'), tool('sampleLLM')]), FULL),
      'tofu',
      T0,
    );
    const bare = observe(surface([tool('echo', 'Echo, v2.'), tool('add')], '1.1.0'), BARE);
    const merged = mergeBaseline(previous, bare, 'alice', T0 + 5);

    it('keeps the tools only the other profile lists', () => {
      expect(Object.keys(merged.surface.tools).sort()).toEqual(['add', 'echo', 'sampleLLM']);
      expect(merged.surface.tools['sampleLLM']).toEqual(tool('sampleLLM'));
    });

    it('takes the observed version of a tool both profiles list', () => {
      expect(merged.surface.tools['echo']).toEqual(tool('echo', 'Echo, v2.'));
    });

    it('takes the observed server and launch items', () => {
      expect(merged.surface.server).toEqual(bare.surface.server);
      expect(merged.surface.launch).toEqual(bare.surface.launch);
    });

    it('recomputes digests from the merged surface and records both profiles', () => {
      expect(merged.digests).toEqual(computeSurfaceDigests(merged.surface));
      expect(merged.profiles[FULL]?.tools).toEqual(['echo', 'sampleLLM']);
      expect(merged.profiles[BARE]?.tools).toEqual(['add', 'echo']);
      expect(merged).toMatchObject({ approvedAt: T0 + 5, approvedBy: 'alice' });
    });

    it('matches the approved observation and the other profile sees no drift', () => {
      expect(checkObservation(merged, bare)).toEqual({ kind: 'match' });
      const full = observe(surface([tool('echo', 'Echo, v2.'), tool('sampleLLM')], '1.1.0'), FULL);
      expect(checkObservation(merged, full)).toEqual({ kind: 'match' });
    });
  });

  describe('when the approving profile no longer lists a tool no other profile lists', () => {
    it('drops that tool from the baseline', () => {
      const previous = createBaseline(observe(surface([tool('echo'), tool('old')])), 'tofu', T0);
      const merged = mergeBaseline(previous, observe(surface([tool('echo')])), 'alice', T0);
      expect(Object.keys(merged.surface.tools)).toEqual(['echo']);
      expect(merged.digests.tools).not.toHaveProperty('old');
    });
  });

  describe('when a profile lists a key that neither surface holds (an inconsistent store)', () => {
    it('leaves it out instead of inventing an item', () => {
      const previous = createBaseline(observe(surface([tool('echo')])), 'tofu', T0);
      previous.profiles[FULL] = { ...defined(previous.profiles[FULL]), prompts: ['ghost'] };
      const merged = mergeBaseline(previous, observe(surface([tool('echo')]), BARE), 'alice', T0);
      expect(merged.surface.prompts).toEqual({});
    });
  });

  describe('when an item is keyed "__proto__"', () => {
    it('keeps it as an own item', () => {
      const previous = createBaseline(observe(surface([tool('__proto__')])), 'tofu', T0);
      const merged = mergeBaseline(previous, observe(surface([tool('echo')]), BARE), 'alice', T0);
      expect(Object.hasOwn(merged.surface.tools, '__proto__')).toBe(true);
      expect(Object.keys(merged.digests.tools).sort()).toEqual(['__proto__', 'echo']);
    });
  });

  describe('when prompts differ across profiles', () => {
    it('applies the same union to every section', () => {
      const previous = createBaseline(
        observe(surface([], '1.0.0', [tool('p1')]), FULL),
        'tofu',
        T0,
      );
      const merged = mergeBaseline(
        previous,
        observe(surface([], '1.0.0', [tool('p2')]), BARE),
        'alice',
        T0,
      );
      expect(Object.keys(merged.surface.prompts).sort()).toEqual(['p1', 'p2']);
    });
  });
});
