import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

import { isJsonObject } from '../surface/snapshot.js';
import type { JsonObject, JsonValue } from '../surface/types.js';
import { isDraft07, LINEAR_AJV_OPTIONS } from './linear-ajv.js';

/** A decision about a call's arguments. Problems name argument paths, never values. */
export type ArgumentsVerdict = { kind: 'valid' } | { kind: 'invalid'; problems: string[] };

/** Options for {@link createArgumentValidator}. */
export interface ArgumentValidatorOptions {
  /** Allow arguments the pinned schema does not declare (default false: deny them). */
  allowUnknownArguments: boolean;
  /** Most compiled schemas kept (keyed by definition digest). */
  cacheSize?: number;
}

type Check = (args: JsonObject) => ArgumentsVerdict;

/**
 * Validates `tools/call` arguments against the pinned `inputSchema` (I2). Compiled validators are
 * cached by the tool's definition digest, so a schema is compiled once per approved version.
 */
export interface ArgumentValidator {
  validate(
    definitionDigest: string,
    inputSchema: JsonValue | undefined,
    args: JsonValue | undefined,
  ): ArgumentsVerdict;
}

/** Creates a validator; see {@link ArgumentValidator}. */
export function createArgumentValidator(options: ArgumentValidatorOptions): ArgumentValidator {
  const ajvOptions = LINEAR_AJV_OPTIONS;
  const ajv2020 = new Ajv2020(ajvOptions);
  let ajv07: Ajv | undefined;
  const cache = new Map<string, Check>();
  const cacheSize = options.cacheSize ?? 1000;

  function compile(schema: JsonValue | undefined): Check {
    if (!isJsonObject(schema)) {
      return () => ({ kind: 'invalid', problems: ['the pinned tool has no usable inputSchema'] });
    }
    const declared = schema['properties'];
    const names = new Set(isJsonObject(declared) ? Object.keys(declared) : []);
    // A schema that names draft-06/07 (zod-to-json-schema's default) is validated as draft-07:
    // its tuple `items: [...]`, `additionalItems` and `dependencies` mean nothing under 2020-12.
    // Anything else is validated as 2020-12, the MCP default.
    const { $schema: dialect, $id: _id, ...rest } = schema;
    const ajv = isDraft07(dialect) ? (ajv07 ??= new Ajv(ajvOptions)) : ajv2020;
    let validateFn: ((data: unknown) => boolean) & {
      errors?: { instancePath: string; message?: string }[] | null;
    };
    try {
      validateFn = ajv.compile(rest);
    } catch (error) {
      const problem =
        error instanceof SyntaxError && error.message.includes('linear time')
          ? 'the pinned inputSchema has a pattern that cannot be matched in linear time'
          : 'the pinned inputSchema cannot be compiled';
      return () => ({ kind: 'invalid', problems: [problem] });
    }
    return (args) => {
      if (!options.allowUnknownArguments) {
        const unknown = Object.keys(args).filter((key) => !names.has(key));
        if (unknown.length > 0) {
          return {
            kind: 'invalid',
            problems: unknown.map(
              (key) => `argument "${safeName(key)}" is not declared by the approved schema`,
            ),
          };
        }
      }
      if (validateFn(args)) return { kind: 'valid' };
      const problems = (validateFn.errors ?? []).map(
        (e) =>
          `${e.instancePath === '' ? 'arguments' : safeName(e.instancePath)} ${e.message ?? 'is invalid'}`,
      );
      return {
        kind: 'invalid',
        problems: problems.length > 0 ? problems : ['arguments do not match the approved schema'],
      };
    };
  }

  return {
    validate(definitionDigest, inputSchema, args) {
      const value: unknown = args ?? {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { kind: 'invalid', problems: ['arguments must be an object'] };
      }
      let check = cache.get(definitionDigest);
      if (check === undefined) {
        check = compile(inputSchema);
        if (cache.size >= cacheSize) cache.clear();
        cache.set(definitionDigest, check);
      }
      return check(value as JsonObject);
    },
  };
}

/** Argument names come from the agent; show at most 64 printable ASCII characters of them. */
function safeName(name: string): string {
  const cleaned = name.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 64 ? `${cleaned.slice(0, 64)}…` : cleaned;
}
