import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { verifies } from '../../test/requirements.js';
import { SurfaceError } from '../shared/errors.js';
import {
  computeSurfaceDigests,
  digestEquals,
  isDigest,
  profileDigest,
  sha256Digest,
} from './digest.js';
import { parseStrictJson } from './strict-json.js';
import type { JsonObject, JsonValue, Section, Surface } from './types.js';
import { SECTION_KEY, SECTIONS } from './types.js';

const VECTORS = fileURLToPath(new URL('../../test/vectors/surface/', import.meta.url));
const NON_VECTOR_FILES = ['generate.py', 'manifest.json', 'profiles.json'];
const files = readdirSync(VECTORS).sort();
const vectorNames = files.filter((f) => !NON_VECTOR_FILES.includes(f));

function readJson(file: string): JsonObject {
  return parseStrictJson(readFileSync(`${VECTORS}${file}`, 'utf8')) as JsonObject;
}

function emptySurface(): Surface {
  return {
    server: { serverInfo: { name: 's', version: '1' }, capabilities: {} },
    launch: { transport: 'stdio', command: 'node' },
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
}

function expectSurfaceError(fn: () => unknown, code: SurfaceError['code']): void {
  expect(fn).toThrow(SurfaceError);
  try {
    fn();
  } catch (error) {
    expect((error as SurfaceError).code).toBe(code);
  }
}

describe('computeSurfaceDigests against the golden vectors (test/vectors/surface)', () => {
  it('knows every file in the folder', () => {
    expect(files).toEqual(expect.arrayContaining(NON_VECTOR_FILES));
    expect(vectorNames.length).toBeGreaterThanOrEqual(5);
    expect(vectorNames.every((f) => f.endsWith('.json'))).toBe(true);
  });

  it.each(vectorNames)(
    verifies('surface:digest-vectors', 'reproduces the digests of %s'),
    (file) => {
      const vector = readJson(file);
      expect(typeof vector['description']).toBe('string');
      expect(Object.keys(vector).sort()).toEqual(['description', 'expected', 'surface']);
      const surface = vector['surface'] as unknown as Surface;
      expect(computeSurfaceDigests(surface)).toEqual(vector['expected']);
    },
  );

  it('gives the same digests to the same tools in a different order', () => {
    const a = readJson('many-tools-order-a.json')['expected'];
    const b = readJson('many-tools-order-b.json')['expected'];
    expect(a).toEqual(b);
  });

  it('reproduces the client profile digests', () => {
    const profiles = readJson('profiles.json')['profiles'] as JsonObject[];
    expect(profiles.length).toBeGreaterThan(0);
    for (const profile of profiles) {
      const { protocolVersion, clientCapabilities, expected } = profile;
      expect(profileDigest(protocolVersion as string, clientCapabilities as JsonObject)).toBe(
        expected,
      );
    }
  });
});

describe('sha256Digest', () => {
  it('hashes the RFC 8785 canonical bytes', () => {
    // sha256('{"a":1,"b":2}')
    expect(sha256Digest({ b: 2, a: 1 })).toBe(
      'sha256:43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777',
    );
    expect(sha256Digest({ b: 2, a: 1 })).toBe(sha256Digest({ a: 1, b: 2 }));
  });

  it('rejects values JCS cannot canonicalize', () => {
    expectSurfaceError(() => sha256Digest({ a: NaN }), 'SURFACE_MALFORMED');
    expectSurfaceError(() => sha256Digest('\ud800'), 'SURFACE_MALFORMED');
  });
});

describe('digestEquals', () => {
  const d = sha256Digest('x');

  it('is true for equal digests', () => {
    expect(digestEquals(d, d.slice(0))).toBe(true);
    expect(digestEquals('', '')).toBe(true);
  });

  it.each([
    ['a different digest', sha256Digest('y')],
    ['one flipped hex digit', `${d.slice(0, -1)}${d.endsWith('0') ? '1' : '0'}`],
    ['upper-case hex', d.toUpperCase()],
    ['a prefix', d.slice(0, -1)],
    ['a longer string', `${d}0`],
    ['the empty string', ''],
    ['another algorithm prefix', d.replace('sha256:', 'sha512:')],
  ])('is false against %s', (_, other) => {
    expect(digestEquals(d, other)).toBe(false);
    expect(digestEquals(other, d)).toBe(false);
  });

  it('compares by UTF-8 bytes, so equal-length strings with different bytes differ', () => {
    expect(digestEquals('é', 'ab')).toBe(false);
  });
});

describe('isDigest', () => {
  it('accepts sha256: and 64 lower-case hex digits', () => {
    expect(isDigest(sha256Digest(null))).toBe(true);
  });

  it.each([
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'0'.repeat(63)}`,
    `sha256:${'0'.repeat(65)}`,
    `sha512:${'0'.repeat(64)}`,
    '0'.repeat(64),
    `sha256:${'0'.repeat(64)}\n`,
    '',
    42,
    null,
  ])('rejects %j', (s) => {
    expect(isDigest(s)).toBe(false);
  });
});

describe('computeSurfaceDigests', () => {
  it('rejects an item filed under a key other than its own name/uri/uriTemplate', () => {
    for (const section of SECTIONS) {
      const surface = emptySurface();
      surface[section]['a'] = { [SECTION_KEY[section]]: 'b' };
      expectSurfaceError(() => computeSurfaceDigests(surface), 'SURFACE_MALFORMED');
      surface[section] = { a: {} };
      expectSurfaceError(() => computeSurfaceDigests(surface), 'SURFACE_MALFORMED');
    }
  });

  it('keeps a tool named __proto__ as an own key of the tool digests', () => {
    const surface = emptySurface();
    Object.defineProperty(surface.tools, '__proto__', {
      value: { name: '__proto__' },
      enumerable: true,
    });
    const digests = computeSurfaceDigests(surface);
    expect(Object.keys(digests.tools)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(digests.tools)).toBe(Object.prototype);
  });
});

// --- properties -------------------------------------------------------------------------------

const toolArb = fc.record(
  {
    name: fc.string({ minLength: 1 }),
    title: fc.string(),
    description: fc.string({ unit: 'binary' }),
    inputSchema: fc.dictionary(
      fc.string(),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
    ),
    annotations: fc.record({ readOnlyHint: fc.boolean(), priority: fc.integer() }),
  },
  { requiredKeys: ['name', 'inputSchema'] },
);
const toolsArb = fc.uniqueArray(toolArb, { selector: (t) => t.name, maxLength: 8 });

function withTools(tools: readonly JsonObject[]): Surface {
  const surface = emptySurface();
  for (const tool of tools) {
    Object.defineProperty(surface.tools, tool['name'] as string, {
      value: tool,
      enumerable: true,
      writable: true,
    });
  }
  return surface;
}

/** Paths to every value in the surface except item key fields (changing those re-keys the item). */
function valuePaths(value: JsonValue, path: (string | number)[], out: (string | number)[][]): void {
  out.push(path);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      valuePaths(v, [...path, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const isItemKey =
        path.length === 2 &&
        SECTIONS.includes(path[0] as Section) &&
        key === SECTION_KEY[path[0] as Section];
      if (!isItemKey) valuePaths(value[key] as JsonValue, [...path, key], out);
    }
  }
}

function mutate(value: JsonValue): JsonValue {
  if (value === null) return 0;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1 === value ? value / 2 : value + 1;
  if (typeof value === 'string') return `${value}x`;
  if (Array.isArray(value)) return [...value, null];
  return { ...value, ' added': null };
}

describe('surface digest properties', () => {
  it('does not depend on the order of tools', () => {
    fc.assert(
      fc.property(
        toolsArb.chain((tools) =>
          fc.tuple(
            fc.constant(tools),
            fc.shuffledSubarray(tools, { minLength: tools.length, maxLength: tools.length }),
          ),
        ),
        ([tools, shuffled]) => {
          const a = computeSurfaceDigests(withTools(tools));
          const b = computeSurfaceDigests(withTools(shuffled));
          expect(a).toEqual(b);
        },
      ),
    );
  });

  it('changes when any one value anywhere in the surface changes', () => {
    fc.assert(
      fc.property(toolsArb, fc.nat(), (tools, pick) => {
        const surface = withTools(tools);
        const before = computeSurfaceDigests(surface);
        const paths: (string | number)[][] = [];
        valuePaths(surface as unknown as JsonObject, [], paths);
        const candidates = paths.filter((p) => p.length >= 2);
        const path = candidates[pick % candidates.length] ?? [];
        const copy = structuredClone(surface) as unknown as Record<string | number, JsonValue>;
        let parent = copy as JsonValue;
        for (const step of path.slice(0, -1)) parent = (parent as JsonObject)[step] as JsonValue;
        const last = path[path.length - 1] as string;
        const target = parent as JsonObject;
        Object.defineProperty(target, last, {
          value: mutate(target[last] as JsonValue),
          enumerable: true,
          writable: true,
        });
        const after = computeSurfaceDigests(copy as unknown as Surface);
        expect(digestEquals(after.surface, before.surface)).toBe(false);
        const [area, item] = path as [keyof Surface, string];
        if (area === 'server' || area === 'launch') {
          expect(after[area]).not.toBe(before[area]);
        } else {
          expect(after[area][item]).not.toBe(before[area][item]);
        }
      }),
    );
  });
});

describe('computeSurfaceDigests with the previous surface', () => {
  const tool = (description: string): JsonObject => ({ name: 't', description, inputSchema: {} });
  const base: Surface = {
    server: { serverInfo: { name: 's', version: '1' }, capabilities: {} },
    launch: { kind: 'stdio' },
    tools: { t: tool('one') },
    prompts: { p: { name: 'p' } },
    resources: {},
    resourceTemplates: {},
  };

  it('gives the same digests as computing from scratch when one section was re-listed', () => {
    const previous = { surface: base, digests: computeSurfaceDigests(base) };
    const next: Surface = { ...base, tools: { t: tool('two') } };
    expect(computeSurfaceDigests(next, previous)).toEqual(computeSurfaceDigests(next));
    expect(computeSurfaceDigests(next, previous).surface).not.toBe(previous.digests.surface);
  });

  it('reuses the digests of sections that are the same objects', () => {
    const previous = { surface: base, digests: computeSurfaceDigests(base) };
    const next: Surface = { ...base, tools: { t: tool('two') } };
    expect(computeSurfaceDigests(next, previous).prompts).toBe(previous.digests.prompts);
  });
});
