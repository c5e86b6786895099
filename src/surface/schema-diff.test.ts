import { describe, expect, it } from 'vitest';

import { diffSchemas, isSuspiciousName, joinPath, jsonEqual, toJsonKey } from './schema-diff.js';
import type { JsonValue } from './types.js';

const kinds = (before: JsonValue | undefined, after: JsonValue | undefined): string[][] =>
  diffSchemas(before, after, 's').map((c) => [c.kind, c.path]);

describe('when JSON values are compared', () => {
  it('ignores object key order but not array order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });

  it('keys values so that distinct values never collide', () => {
    expect(toJsonKey({ b: true, a: [null, false, 1, 'x'] })).toBe(
      toJsonKey({ a: [null, false, 1, 'x'], b: true }),
    );
    expect(toJsonKey(['a,b'])).not.toBe(toJsonKey(['a', 'b']));
    expect(toJsonKey('1')).not.toBe(toJsonKey(1));
  });
});

describe('when a parameter name is judged', () => {
  it.each([
    'callback_url',
    'webhook',
    'sidenote',
    'context',
    'notes',
    'url',
    'token',
    'exfil_to',
    '_system_prompt_',
    'callbackUrl',
    'apiKey',
    'myWebhookTarget',
  ])('flags %s as exfiltration-shaped', (name) => {
    expect(isSuspiciousName(name)).toBe(true);
  });

  it.each(['path', 'city', 'encoding', 'a', 'count', 'curly'])('does not flag %s', (name) => {
    expect(isSuspiciousName(name)).toBe(false);
  });
});

describe('when property paths are built', () => {
  it('quotes names that are not plain identifiers', () => {
    expect(joinPath('s', 'city')).toBe('s.city');
    expect(joinPath('s', 'a.b "c"\\')).toBe('s["a.b \\"c\\"\\\\"]');
  });
});

describe('when schemas are boolean, missing or malformed', () => {
  it('treats a missing schema as the empty schema', () => {
    expect(kinds(undefined, undefined)).toEqual([]);
    expect(kinds(undefined, { type: 'object' })).toEqual([['type-changed', 's']]);
  });

  it('labels a boolean schema opening up type-widened and other swaps type-changed', () => {
    expect(kinds(false, true)).toEqual([['type-widened', 's']]);
    expect(kinds({ type: 'string' }, false)).toEqual([['type-changed', 's']]);
  });

  it('labels malformed properties and type values field-changed or type-changed', () => {
    expect(kinds({ properties: [] }, { properties: [1] })).toEqual([
      ['field-changed', 's.properties'],
    ]);
    expect(kinds({ type: 1 }, { type: 2 })).toEqual([['type-changed', 's']]);
    expect(kinds({ type: [1] }, { type: [1, 'string'] })).toEqual([['type-widened', 's']]);
  });
});

describe('when types and alternatives change', () => {
  it('counts integer → number as widening', () => {
    expect(kinds({ type: 'integer' }, { type: 'number' })).toEqual([['type-widened', 's']]);
    expect(kinds({ type: ['string', 'number'] }, { type: 'string' })).toEqual([
      ['type-changed', 's'],
    ]);
  });

  it('labels anyOf/oneOf gaining a branch or losing the list widened, otherwise changed', () => {
    const a = { anyOf: [{ type: 'string' }] };
    expect(kinds(a, { anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual([
      ['type-widened', 's'],
    ]);
    expect(kinds(a, {})).toEqual([['type-widened', 's']]);
    expect(kinds({ oneOf: [{ type: 'string' }] }, { oneOf: [{ type: 'number' }] })).toEqual([
      ['type-changed', 's'],
    ]);
  });
});

describe('when enums and constants change', () => {
  it('labels added and removed values, a dropped enum and a new const', () => {
    expect(kinds({ enum: ['a', 'b'] }, { enum: ['b', 'c'] })).toEqual([
      ['enum-widened', 's'],
      ['enum-narrowed', 's'],
    ]);
    expect(kinds({ enum: ['a'] }, {})).toEqual([['enum-widened', 's']]);
    expect(kinds({}, { const: 'a' })).toEqual([['enum-narrowed', 's']]);
    expect(kinds({ enum: ['a', 'b'] }, { enum: ['b', 'a'] })).toEqual(
      [['field-changed', 's.enum']].slice(1),
    );
  });
});

describe('when array items and additionalProperties change', () => {
  it('recurses into items and labels items appearing or disappearing', () => {
    expect(kinds({ items: { type: 'string' } }, { items: { type: 'number' } })).toEqual([
      ['type-changed', 's[]'],
    ]);
    expect(kinds({ items: { type: 'string' } }, {})).toEqual([['type-widened', 's[]']]);
    expect(kinds({}, { items: { type: 'string' } })).toEqual([['type-changed', 's[]']]);
  });

  it('labels a schema-valued additionalProperties dropped as opened, other changes field-changed', () => {
    expect(kinds({ additionalProperties: { type: 'string' } }, {})).toEqual([
      ['additionalProperties-opened', 's'],
    ]);
    expect(kinds({}, { additionalProperties: false })).toEqual([['field-changed', 's']]);
  });
});

describe('when nested properties change', () => {
  it('names the nested path', () => {
    const before = { properties: { address: { properties: { street: { type: 'string' } } } } };
    const after = {
      properties: { address: { properties: { street: { type: 'string' }, 'web hook': {} } } },
    };
    expect(diffSchemas(before, after, 'inputSchema')).toEqual([
      {
        kind: 'field-added',
        path: 'inputSchema.address["web hook"]',
        after: {},
        suspiciousName: true,
      },
    ]);
  });
});

describe('when additionalProperties goes from a schema to true', () => {
  it('labels it additionalProperties-opened', () => {
    expect(
      kinds({ additionalProperties: { type: 'string' } }, { additionalProperties: true }),
    ).toEqual([['additionalProperties-opened', 's']]);
  });

  it('labels a schema replaced by another schema field-changed', () => {
    expect(
      kinds(
        { additionalProperties: { type: 'string' } },
        { additionalProperties: { type: 'number' } },
      ),
    ).toEqual([['field-changed', 's']]);
  });
});

describe('when a keyword the diff does not model is unchanged', () => {
  it('reports only the keywords that changed', () => {
    expect(
      kinds(
        { type: 'string', format: 'email', pattern: '^a', description: 'old' },
        { type: 'string', format: 'email', pattern: '^b', description: 'old' },
      ),
    ).toEqual([['field-changed', 's.pattern']]);
  });
});
