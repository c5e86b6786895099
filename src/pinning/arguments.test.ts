import { afterEach, describe, expect, it, vi } from 'vitest';

import type { JsonObject, JsonValue } from '../surface/types.js';
import { createArgumentValidator } from './arguments.js';

const READ_FILE_SCHEMA: JsonObject = {
  type: 'object',
  properties: { path: { type: 'string' }, limit: { type: 'integer', minimum: 1 } },
  required: ['path'],
};

function strict() {
  return createArgumentValidator({ allowUnknownArguments: false });
}

describe('createArgumentValidator', () => {
  describe('when the arguments match the pinned schema', () => {
    it('accepts them', () => {
      expect(strict().validate('d1', READ_FILE_SCHEMA, { path: '/tmp/a', limit: 3 })).toEqual({
        kind: 'valid',
      });
    });

    it('treats absent arguments as an empty object', () => {
      const schema: JsonObject = { type: 'object', properties: { path: { type: 'string' } } };
      expect(strict().validate('d1', schema, undefined)).toEqual({ kind: 'valid' });
    });
  });

  describe('when a required argument is missing', () => {
    it('rejects the call naming the arguments object', () => {
      expect(strict().validate('d1', READ_FILE_SCHEMA, {})).toEqual({
        kind: 'invalid',
        problems: ["arguments must have required property 'path'"],
      });
    });
  });

  describe('when an argument has the wrong type', () => {
    it('rejects the call naming the argument path, not its value', () => {
      const verdict = strict().validate('d1', READ_FILE_SCHEMA, { path: 'SECRET-VALUE', limit: 0 });
      expect(verdict).toEqual({ kind: 'invalid', problems: ['/limit must be >= 1'] });
      expect(JSON.stringify(verdict)).not.toContain('SECRET-VALUE');
    });
  });

  describe('when the agent sends an argument the approved schema does not declare', () => {
    it('denies it by default (argument smuggling)', () => {
      expect(
        strict().validate('d1', READ_FILE_SCHEMA, {
          path: '/tmp/a',
          callback_url: 'https://exfil.example/',
        }),
      ).toEqual({
        kind: 'invalid',
        problems: ['argument "callback_url" is not declared by the approved schema'],
      });
    });

    it('denies it even when the schema allows additional properties', () => {
      const open: JsonObject = { ...READ_FILE_SCHEMA, additionalProperties: true };
      expect(strict().validate('d1', open, { path: '/a', sidenote: 'x' }).kind).toBe('invalid');
    });

    it('denies every argument when the schema declares no properties', () => {
      expect(strict().validate('d1', { type: 'object' }, { context: 'x' })).toEqual({
        kind: 'invalid',
        problems: ['argument "context" is not declared by the approved schema'],
      });
    });

    it('denies every argument when "properties" is not an object', () => {
      const odd: JsonObject = { type: 'object', properties: ['context'] };
      expect(strict().validate('d1', odd, { context: 'x' }).kind).toBe('invalid');
    });

    it.each(['__proto__', 'constructor', 'toString'])(
      'denies an undeclared "%s" argument',
      (name) => {
        const args = JSON.parse(`{"path":"/a","${name}":{}}`) as JsonObject;
        expect(strict().validate('d1', READ_FILE_SCHEMA, args).kind).toBe('invalid');
      },
    );

    it('shows the name as at most 64 printable ASCII characters', () => {
      const name = `\u001b[31m\u202e${'x'.repeat(100)}`;
      const verdict = strict().validate('d1', READ_FILE_SCHEMA, { path: '/a', [name]: 1 });
      expect(verdict).toEqual({
        kind: 'invalid',
        problems: [`argument "?[31m?${'x'.repeat(58)}…" is not declared by the approved schema`],
      });
    });

    it('accepts it when unknown arguments are allowed', () => {
      const lenient = createArgumentValidator({ allowUnknownArguments: true });
      expect(lenient.validate('d1', READ_FILE_SCHEMA, { path: '/a', sidenote: 'x' })).toEqual({
        kind: 'valid',
      });
    });
  });

  describe('when a nested argument key is agent-controlled', () => {
    it('shows its path with control and bidi characters replaced', () => {
      const schema: JsonObject = {
        type: 'object',
        properties: { meta: { type: 'object', additionalProperties: { type: 'string' } } },
      };
      const verdict = strict().validate('d1', schema, { meta: { '\u001b[2J\u202ekey\n': 5 } });
      expect(verdict).toEqual({ kind: 'invalid', problems: ['/meta/?[2J?key? must be string'] });
    });
  });

  describe.each<[string, JsonValue]>([
    ['an array', ['path']],
    ['a string', 'path'],
    ['a number', 1],
  ])('when the arguments are %s', (_label, args) => {
    it('rejects the call', () => {
      expect(strict().validate('d1', READ_FILE_SCHEMA, args)).toEqual({
        kind: 'invalid',
        problems: ['arguments must be an object'],
      });
    });
  });

  describe.each<[string, JsonValue | undefined]>([
    ['missing', undefined],
    ['null', null],
    ['an array', [{ type: 'object' }]],
    ['a string', 'object'],
  ])('when the pinned inputSchema is %s', (_label, schema) => {
    it('rejects every call', () => {
      expect(strict().validate('d1', schema, {})).toEqual({
        kind: 'invalid',
        problems: ['the pinned tool has no usable inputSchema'],
      });
    });
  });

  describe('when the pinned inputSchema cannot be compiled', () => {
    it.each<[string, JsonObject]>([
      ['a dangling $ref', { type: 'object', properties: { a: { $ref: '#/nope' } } }],
      [
        'an invalid pattern',
        { type: 'object', properties: { a: { type: 'string', pattern: '(' } } },
      ],
    ])('rejects every call (%s)', (_label, schema) => {
      expect(strict().validate('d1', schema, { a: 'x' })).toEqual({
        kind: 'invalid',
        problems: ['the pinned inputSchema cannot be compiled'],
      });
    });
  });

  describe('when the schema names draft-07 (zod-to-json-schema output)', () => {
    const tuple: JsonObject = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://example.test/point',
      type: 'object',
      properties: {
        point: {
          type: 'array',
          items: [{ type: 'number' }, { type: 'number' }],
          additionalItems: false,
        },
      },
      required: ['point'],
    };

    it('validates a tuple with draft-07 semantics', () => {
      const validator = strict();
      expect(validator.validate('t1', tuple, { point: [1, 2] })).toEqual({ kind: 'valid' });
      expect(validator.validate('t1', tuple, { point: [1, 'x'] }).kind).toBe('invalid');
      expect(validator.validate('t1', tuple, { point: [1, 2, 3] }).kind).toBe('invalid');
    });

    it('enforces draft-07 dependencies', () => {
      const schema: JsonObject = {
        $schema: 'http://json-schema.org/draft-07/schema',
        type: 'object',
        properties: { user: { type: 'string' }, password: { type: 'string' } },
        dependencies: { password: ['user'] },
      };
      const validator = strict();
      validator.validate('t1', tuple, { point: [1, 2] });
      expect(validator.validate('t2', schema, { password: 'x' }).kind).toBe('invalid');
      expect(validator.validate('t2', schema, { password: 'x', user: 'u' }).kind).toBe('valid');
    });

    it('validates a schema naming 2020-12 with 2020-12 semantics', () => {
      const schema: JsonObject = {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { point: { type: 'array', prefixItems: [{ type: 'number' }], items: false } },
      };
      expect(strict().validate('t3', schema, { point: [1] })).toEqual({ kind: 'valid' });
      expect(strict().validate('t3', schema, { point: [1, 2] }).kind).toBe('invalid');
    });
  });

  describe('when the same definition digest is validated again', () => {
    it('reuses the schema compiled for that digest', () => {
      const validator = strict();
      validator.validate('d1', READ_FILE_SCHEMA, { path: '/a' });
      // The digest binds the schema; a different schema under the same digest is not recompiled.
      expect(validator.validate('d1', { type: 'object' }, { path: '/a' })).toEqual({
        kind: 'valid',
      });
    });

    it('compiles again once the cache was full and cleared', () => {
      const validator = createArgumentValidator({ allowUnknownArguments: false, cacheSize: 1 });
      validator.validate('d1', READ_FILE_SCHEMA, { path: '/a' });
      validator.validate('d2', READ_FILE_SCHEMA, { path: '/a' });
      expect(validator.validate('d1', { type: 'object' }, { path: '/a' }).kind).toBe('invalid');
    });
  });

  // Open bug, see the report: `pattern` runs on the backtracking RegExp engine, and the input is
  // agent-controlled, so an approved schema with a nested quantifier can stall the gateway.
  describe('when an approved pattern would backtrack catastrophically', () => {
    it('matches in linear time, so a long hostile argument cannot stall the gateway', () => {
      const schema: JsonObject = {
        type: 'object',
        properties: { q: { type: 'string', pattern: '^(a+)+$' } },
      };
      const validator = strict();
      expect(validator.validate('r1', schema, { q: 'aaa' })).toEqual({ kind: 'valid' });
      // A backtracking engine needs about 2^100000 steps here; the linear one answers at once.
      expect(validator.validate('r1', schema, { q: `${'a'.repeat(100_000)}!` }).kind).toBe(
        'invalid',
      );
    });

    it('denies calls to a tool whose pattern needs backtracking', () => {
      const schema: JsonObject = {
        type: 'object',
        properties: { q: { type: 'string', pattern: '^(a)\\1$' } },
      };
      expect(strict().validate('r2', schema, { q: 'aa' })).toEqual({
        kind: 'invalid',
        problems: ['the pinned inputSchema has a pattern that cannot be matched in linear time'],
      });
    });
  });
});

describe('when ajv reports a failure without details', () => {
  afterEach(() => {
    vi.doUnmock('ajv/dist/2020.js');
    vi.resetModules();
  });

  async function withFakeAjv(errors: { instancePath: string; message?: string }[] | null) {
    vi.resetModules();
    vi.doMock('ajv/dist/2020.js', () => ({
      Ajv2020: class {
        compile() {
          return Object.assign(() => false, { errors });
        }
      },
    }));
    const fresh = await import('./arguments.js');
    return fresh.createArgumentValidator({ allowUnknownArguments: true });
  }

  it('says the arguments do not match when there are no errors', async () => {
    const validator = await withFakeAjv(null);
    expect(validator.validate('d1', { type: 'object' }, {})).toEqual({
      kind: 'invalid',
      problems: ['arguments do not match the approved schema'],
    });
  });

  it('says the path is invalid when an error has no message', async () => {
    const validator = await withFakeAjv([{ instancePath: '/a' }]);
    expect(validator.validate('d1', { type: 'object' }, {})).toEqual({
      kind: 'invalid',
      problems: ['/a is invalid'],
    });
  });
});
