import { describe, expect, it } from 'vitest';

import {
  BARE_PROFILE as BARE,
  defined,
  FULL_PROFILE as FULL,
  KEY_FIELD,
  observationOf as observe,
  surfaceOf,
  type SurfaceParts,
  T0,
} from '../../test/support/surfaces.js';
import type { Digest, JsonObject, Section, Surface } from '../surface/types.js';
import { createBaseline } from './baseline.js';
import { checkObservation, toProfileKeys } from './check.js';
import type { Baseline } from './types.js';

function item(section: Section, key: string, text = `About ${key}.`): JsonObject {
  return { [KEY_FIELD[section]]: key, description: text };
}

function surface(parts: Partial<Record<Section, JsonObject[]>> = {}, extra: SurfaceParts = {}) {
  return surfaceOf({
    server: { serverInfo: { name: 'everything', version: '1.0.0' }, capabilities: { tools: {} } },
    launch: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] },
    ...parts,
    ...extra,
  });
}

const APPROVED = surface({
  tools: [item('tools', 'echo'), item('tools', 'add'), item('tools', 'sampleLLM')],
  prompts: [item('prompts', 'simple_prompt')],
  resources: [item('resources', 'test://static/resource/1')],
  resourceTemplates: [item('resourceTemplates', 'test://static/resource/{id}')],
});

function baselineOf(s: Surface = APPROVED, profile: Digest = FULL): Baseline {
  return createBaseline(observe(s, profile), 'alice', T0);
}

describe('toProfileKeys', () => {
  it('lists the keys of every section, sorted', () => {
    expect(toProfileKeys(observe(APPROVED))).toEqual({
      tools: ['add', 'echo', 'sampleLLM'],
      prompts: ['simple_prompt'],
      resources: ['test://static/resource/1'],
      resourceTemplates: ['test://static/resource/{id}'],
    });
  });
});

describe('checkObservation', () => {
  describe('when a known profile sees exactly the approved surface', () => {
    it('matches', () => {
      expect(checkObservation(baselineOf(), observe(APPROVED))).toEqual({ kind: 'match' });
    });

    it('matches when the server lists items in another order', () => {
      const reordered = surface({
        tools: [item('tools', 'sampleLLM'), item('tools', 'echo'), item('tools', 'add')],
        prompts: [item('prompts', 'simple_prompt')],
        resources: [item('resources', 'test://static/resource/1')],
        resourceTemplates: [item('resourceTemplates', 'test://static/resource/{id}')],
      });
      expect(checkObservation(baselineOf(), observe(reordered))).toEqual({ kind: 'match' });
    });
  });

  describe('when a new client profile lists only approved items (server-everything)', () => {
    it('reports a new profile with the keys it lists', () => {
      const bare = surface({ tools: [item('tools', 'echo'), item('tools', 'add')] });
      expect(checkObservation(baselineOf(), observe(bare, BARE))).toEqual({
        kind: 'new-profile',
        keys: { tools: ['add', 'echo'], prompts: [], resources: [], resourceTemplates: [] },
      });
    });
  });

  describe('when a new client profile lists approved items plus items nobody approved', () => {
    it('reports the unreviewed items without learning the profile', () => {
      const bare = surface({ tools: [item('tools', 'echo'), item('tools', 'send_mail')] });
      expect(checkObservation(baselineOf(), observe(bare, BARE))).toEqual({
        kind: 'new-profile-unreviewed',
        unreviewed: [{ place: 'tools', key: 'send_mail', change: 'added' }],
      });
    });
  });

  describe('when a new client profile also sees a modified approved item', () => {
    it('reports drift', () => {
      const bare = surface({ tools: [item('tools', 'echo', 'Hostile.'), item('tools', 'new')] });
      expect(checkObservation(baselineOf(), observe(bare, BARE))).toEqual({
        kind: 'drift',
        changes: [
          { place: 'tools', key: 'echo', change: 'modified' },
          { place: 'tools', key: 'new', change: 'added' },
        ],
      });
    });
  });

  describe('when a new client profile sees added items and a changed server item', () => {
    it('reports drift', () => {
      const bare = surface(
        { tools: [item('tools', 'new')] },
        { launch: { command: 'npx', args: ['-y', 'evil-everything'] } },
      );
      expect(checkObservation(baselineOf(), observe(bare, BARE))).toEqual({
        kind: 'drift',
        changes: [
          { place: 'launch', key: 'launch', change: 'modified' },
          { place: 'tools', key: 'new', change: 'added' },
        ],
      });
    });
  });

  describe('when a new client profile sees only a changed server item', () => {
    it('reports drift', () => {
      const next = surface({}, { launch: { command: 'npx', args: ['-y', 'evil'] } });
      expect(checkObservation(baselineOf(surface()), observe(next, BARE))).toEqual({
        kind: 'drift',
        changes: [{ place: 'launch', key: 'launch', change: 'modified' }],
      });
    });
  });

  describe.each<Section>(['tools', 'prompts', 'resources', 'resourceTemplates'])(
    'when an item of %s changes',
    (section) => {
      const approvedKey = defined(Object.keys(APPROVED[section])[0]);
      const others = (s: Section) => Object.values(APPROVED[s]);

      function withSection(items: JsonObject[]): Surface {
        const parts: Partial<Record<Section, JsonObject[]>> = {
          tools: others('tools'),
          prompts: others('prompts'),
          resources: others('resources'),
          resourceTemplates: others('resourceTemplates'),
        };
        parts[section] = items;
        return surface(parts);
      }

      it('reports an added item', () => {
        const next = withSection([...others(section), item(section, 'zz-new')]);
        expect(checkObservation(baselineOf(), observe(next))).toEqual({
          kind: 'drift',
          changes: [{ place: section, key: 'zz-new', change: 'added' }],
        });
      });

      it('reports a modified item', () => {
        const next = withSection(
          others(section).map((x) =>
            x[KEY_FIELD[section]] === approvedKey ? item(section, approvedKey, 'Now hostile.') : x,
          ),
        );
        expect(checkObservation(baselineOf(), observe(next))).toEqual({
          kind: 'drift',
          changes: [{ place: section, key: approvedKey, change: 'modified' }],
        });
      });

      it('reports an item the same profile no longer lists as removed', () => {
        const next = withSection(
          others(section).filter((x) => x[KEY_FIELD[section]] !== approvedKey),
        );
        expect(checkObservation(baselineOf(), observe(next))).toEqual({
          kind: 'drift',
          changes: [{ place: section, key: approvedKey, change: 'removed' }],
        });
      });
    },
  );

  describe('when a tool is renamed (send_email to send_mail)', () => {
    it('reports the new name as added and the old one as removed', () => {
      const before = surface({ tools: [item('tools', 'send_email')] });
      const after = surface({ tools: [item('tools', 'send_mail')] });
      expect(checkObservation(baselineOf(before), observe(after))).toEqual({
        kind: 'drift',
        changes: [
          { place: 'tools', key: 'send_mail', change: 'added' },
          { place: 'tools', key: 'send_email', change: 'removed' },
        ],
      });
    });
  });

  describe('when the server item changes (instructions added)', () => {
    it('reports the server as modified', () => {
      const next = surface(
        {},
        {
          server: {
            serverInfo: { name: 'everything', version: '1.0.0' },
            capabilities: { tools: {} },
            instructions: 'Always call sampleLLM first.',
          },
        },
      );
      expect(checkObservation(baselineOf(surface()), observe(next))).toEqual({
        kind: 'drift',
        changes: [{ place: 'server', key: 'server', change: 'modified' }],
      });
    });
  });

  describe('when the launch provenance changes', () => {
    it('reports the launch as modified', () => {
      const next = surface({}, { launch: { command: 'npx', args: ['-y', 'evil-everything'] } });
      expect(checkObservation(baselineOf(surface()), observe(next))).toEqual({
        kind: 'drift',
        changes: [{ place: 'launch', key: 'launch', change: 'modified' }],
      });
    });
  });

  describe('when a tool is named after an Object.prototype member', () => {
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
      'reports "%s" as added rather than confusing it with an inherited property',
      (name) => {
        const next = surface({ tools: [item('tools', name)] });
        expect(checkObservation(baselineOf(surface()), observe(next))).toEqual({
          kind: 'drift',
          changes: [{ place: 'tools', key: name, change: 'added' }],
        });
      },
    );

    it('matches a pinned "__proto__" tool with the same digest', () => {
      const pinned = surface({ tools: [item('tools', '__proto__')] });
      expect(checkObservation(baselineOf(pinned), observe(pinned))).toEqual({ kind: 'match' });
    });
  });

  describe('when an observation lacks the digest of an item it lists (malformed)', () => {
    it('reports the item as modified rather than matching it', () => {
      const observation = observe(APPROVED);
      observation.digests.tools = { ...observation.digests.tools };
      delete observation.digests.tools['echo'];
      Object.defineProperty(observation.digests.tools, 'echo', {
        value: undefined,
        enumerable: true,
      });
      const result = checkObservation(baselineOf(), observation);
      expect(result.kind).toBe('drift');
      expect(result.kind === 'drift' ? result.changes : []).toContainEqual({
        place: 'tools',
        key: 'echo',
        change: 'modified',
      });
    });
  });
});
