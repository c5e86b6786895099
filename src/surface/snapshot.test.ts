import { describe, expect, it } from 'vitest';

import { expectSurfaceError } from '../../test/support/surfaces.js';
import {
  advertisedSections,
  collectSection,
  createSurface,
  DEFAULT_SURFACE_LIMITS,
  hasSectionCapability,
  isJsonObject,
  SECTION_CAPABILITY,
  SECTION_METHOD,
  setOwn,
  toServerItem,
} from './snapshot.js';
import type { JsonObject, JsonValue } from './types.js';
import { SECTIONS } from './types.js';

const SERVER_INFO: JsonObject = { name: 'demo', version: '1.0.0' };

describe('isJsonObject', () => {
  it('accepts plain objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject('x')).toBe(false);
    expect(isJsonObject(undefined)).toBe(false);
  });
});

describe('toServerItem', () => {
  it('keeps serverInfo, capabilities and instructions and drops protocolVersion', () => {
    const item = toServerItem({
      protocolVersion: '2025-06-18',
      serverInfo: SERVER_INFO,
      capabilities: { tools: {} },
      instructions: 'Use the tools.',
    });
    expect(item).toEqual({
      serverInfo: SERVER_INFO,
      capabilities: { tools: {} },
      instructions: 'Use the tools.',
    });
  });

  it('omits instructions entirely when the server sends none', () => {
    const item = toServerItem({ serverInfo: SERVER_INFO, capabilities: {} });
    expect(item).toEqual({ serverInfo: SERVER_INFO, capabilities: {} });
    expect(Object.hasOwn(item, 'instructions')).toBe(false);
  });

  it('keeps empty-string instructions', () => {
    expect(
      toServerItem({ serverInfo: SERVER_INFO, capabilities: {}, instructions: '' }),
    ).toHaveProperty('instructions', '');
  });

  it.each<[string, JsonObject]>([
    ['serverInfo is missing', { capabilities: {} }],
    ['capabilities is missing', { serverInfo: SERVER_INFO }],
    ['serverInfo is an array', { serverInfo: [], capabilities: {} }],
    ['capabilities is null', { serverInfo: SERVER_INFO, capabilities: null }],
  ])('rejects the result as malformed when %s', (_label, result) => {
    expectSurfaceError(() => toServerItem(result), 'SURFACE_MALFORMED');
  });

  it.each<[string, JsonValue]>([
    ['a number', 1],
    ['null', null],
    ['an object', { text: 'hi' }],
  ])('rejects instructions that are %s', (_label, instructions) => {
    expectSurfaceError(
      () => toServerItem({ serverInfo: SERVER_INFO, capabilities: {}, instructions }),
      'SURFACE_MALFORMED',
    );
  });
});

describe('collectSection', () => {
  it('keys items by name over all pages', () => {
    const a = { name: 'a', description: 'A' };
    const b = { name: 'b' };
    expect(collectSection('tools', [{ tools: [a] }, { tools: [b] }])).toEqual({ a, b });
  });

  it('uses the list field and key of each section', () => {
    expect(collectSection('prompts', [{ prompts: [{ name: 'p' }] }])).toEqual({
      p: { name: 'p' },
    });
    expect(collectSection('resources', [{ resources: [{ uri: 'file:///x' }] }])).toEqual({
      'file:///x': { uri: 'file:///x' },
    });
    expect(
      collectSection('resourceTemplates', [
        { resourceTemplates: [{ uriTemplate: 'file:///{p}' }] },
      ]),
    ).toEqual({ 'file:///{p}': { uriTemplate: 'file:///{p}' } });
  });

  it('returns an empty record for no pages or empty lists', () => {
    expect(collectSection('tools', [])).toEqual({});
    expect(collectSection('tools', [{ tools: [] }])).toEqual({});
  });

  it('returns a plain object with the ordinary prototype', () => {
    const items = collectSection('tools', [{ tools: [{ name: 'a' }] }]);
    expect(Object.getPrototypeOf(items)).toBe(Object.prototype);
  });

  it.each<[string, JsonValue]>([
    ['null', null],
    ['an array', [{ name: 'a' }]],
    ['a string', 'tools'],
  ])('rejects a page that is %s', (_label, page) => {
    expectSurfaceError(() => collectSection('tools', [page]), 'SURFACE_MALFORMED');
  });

  it.each<[string, JsonObject]>([
    ['lacks the list field', { items: [] }],
    ['has the list field as an object', { tools: { a: { name: 'a' } } }],
    ["uses another section's field", { prompts: [] }],
  ])('rejects a page that %s', (_label, page) => {
    expectSurfaceError(() => collectSection('tools', [page]), 'SURFACE_MALFORMED');
  });

  it.each<[string, JsonValue]>([
    ['null', null],
    ['an array', ['a']],
    ['a string', 'a'],
  ])('rejects an item that is %s', (_label, item) => {
    expectSurfaceError(() => collectSection('tools', [{ tools: [item] }]), 'SURFACE_MALFORMED');
  });

  it.each<[string, JsonObject]>([
    ['has no key', { description: 'x' }],
    ['has a numeric key', { name: 1 }],
    ['has a null key', { name: null }],
  ])('rejects an item that %s', (_label, item) => {
    expectSurfaceError(() => collectSection('tools', [{ tools: [item] }]), 'SURFACE_MALFORMED');
  });

  it('rejects a resource keyed by name instead of uri', () => {
    expectSurfaceError(
      () => collectSection('resources', [{ resources: [{ name: 'x' }] }]),
      'SURFACE_MALFORMED',
    );
  });

  it('rejects the same key twice on one page instead of keeping the last', () => {
    const error = expectSurfaceError(
      () =>
        collectSection('tools', [
          {
            tools: [
              { name: 'a', description: 'first' },
              { name: 'a', description: 'second' },
            ],
          },
        ]),
      'SURFACE_MALFORMED',
    );
    expect(error.details).toEqual({ section: 'tools' });
  });

  it('rejects the same key on two pages', () => {
    expectSurfaceError(
      () => collectSection('prompts', [{ prompts: [{ name: 'p' }] }, { prompts: [{ name: 'p' }] }]),
      'SURFACE_MALFORMED',
    );
  });

  it('rejects a repeated __proto__ key', () => {
    expectSurfaceError(
      () =>
        collectSection('tools', [
          { tools: [{ name: '__proto__' }] },
          { tools: [{ name: '__proto__' }] },
        ]),
      'SURFACE_MALFORMED',
    );
  });

  it('accepts exactly maxItems items over all pages', () => {
    const limits = { ...DEFAULT_SURFACE_LIMITS, maxItems: 2 };
    const items = collectSection(
      'tools',
      [{ tools: [{ name: 'a' }] }, { tools: [{ name: 'b' }] }],
      limits,
    );
    expect(Object.keys(items)).toEqual(['a', 'b']);
  });

  it('refuses more than maxItems items over all pages rather than truncating', () => {
    const limits = { ...DEFAULT_SURFACE_LIMITS, maxItems: 2 };
    const error = expectSurfaceError(
      () =>
        collectSection(
          'tools',
          [{ tools: [{ name: 'a' }, { name: 'b' }] }, { tools: [{ name: 'c' }] }],
          limits,
        ),
      'SURFACE_TOO_LARGE',
    );
    expect(error.details).toEqual({ section: 'tools', maxItems: 2 });
  });

  describe('when an item is named __proto__', () => {
    const evil = { name: '__proto__', description: 'polluter', polluted: true };
    const items = collectSection('tools', [{ tools: [{ name: 'safe' }, evil] }]);

    it('stores it as an own, enumerable item', () => {
      expect(Object.hasOwn(items, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(items, '__proto__')?.value).toBe(evil);
      expect(Object.keys(items)).toEqual(['safe', '__proto__']);
    });

    it('leaves the prototype of the record unchanged', () => {
      expect(Object.getPrototypeOf(items)).toBe(Object.prototype);
      expect((items as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('does not pollute Object.prototype', () => {
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });

  it('keeps other prototype-like names such as constructor as own items', () => {
    const items = collectSection('tools', [
      { tools: [{ name: 'constructor' }, { name: 'hasOwnProperty' }, { name: 'toString' }] },
    ]);
    expect(Object.keys(items)).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    expect(Object.getOwnPropertyDescriptor(items, 'constructor')?.value).toEqual({
      name: 'constructor',
    });
  });
});

describe('setOwn', () => {
  it('adds __proto__ as an own enumerable, writable, configurable property', () => {
    const record: Record<string, number> = {};
    setOwn(record, '__proto__', 1);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')).toEqual({
      value: 1,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });

  it('overwrites an existing key', () => {
    const record: Record<string, number> = { a: 1 };
    setOwn(record, 'a', 2);
    expect(record).toEqual({ a: 2 });
  });
});

describe('createSurface', () => {
  it('builds a surface with every section empty', () => {
    const server = { serverInfo: SERVER_INFO, capabilities: {} };
    const launch = { command: 'npx' };
    const surface = createSurface(server, launch);
    expect(surface).toEqual({
      server,
      launch,
      tools: {},
      prompts: {},
      resources: {},
      resourceTemplates: {},
    });
    expect(surface.server).toBe(server);
    expect(surface.launch).toBe(launch);
  });

  it('gives each surface its own section records', () => {
    const first = createSurface({}, {});
    const second = createSurface({}, {});
    expect(first.tools).not.toBe(second.tools);
  });
});

describe('section capabilities', () => {
  it('maps every section to a list method and field', () => {
    for (const section of SECTIONS) {
      expect(SECTION_METHOD[section].method).toMatch(/\/list$/);
      expect(typeof SECTION_CAPABILITY[section]).toBe('string');
    }
  });

  it('lists only sections whose capability is an object', () => {
    expect(
      advertisedSections({ capabilities: { tools: {}, prompts: { listChanged: true } } }),
    ).toEqual(['tools', 'prompts']);
  });

  it('lists resources and resource templates together under the resources capability', () => {
    expect(advertisedSections({ capabilities: { resources: {} } })).toEqual([
      'resources',
      'resourceTemplates',
    ]);
  });

  it('lists every section in spec order', () => {
    expect(advertisedSections({ capabilities: { resources: {}, prompts: {}, tools: {} } })).toEqual(
      [...SECTIONS],
    );
  });

  it('lists nothing when capabilities are absent or not an object', () => {
    expect(advertisedSections({})).toEqual([]);
    expect(advertisedSections({ capabilities: null })).toEqual([]);
    expect(advertisedSections({ capabilities: [] })).toEqual([]);
  });

  it.each<[string, JsonValue]>([
    ['true', true],
    ['null', null],
    ['an array', []],
  ])('does not count a capability that is %s', (_label, value) => {
    expect(hasSectionCapability({ capabilities: { tools: value } }, 'tools')).toBe(false);
  });

  it('counts an empty capability object', () => {
    expect(hasSectionCapability({ capabilities: { tools: {} } }, 'tools')).toBe(true);
    expect(hasSectionCapability({ capabilities: { tools: {} } }, 'prompts')).toBe(false);
  });
});
