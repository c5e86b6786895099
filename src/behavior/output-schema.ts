/**
 * The `output-schema` detector: a result's `structuredContent` must be present and valid against
 * the tool's pinned `outputSchema` (MCP 2025-06-18 "Output Schema": servers MUST provide
 * structured results that conform; `isError` results are exempt). Compiled as the pinned
 * `inputSchema` is (pinning/arguments.ts): ajv with `pattern` compiled for V8's linear-time
 * engine, no format or meta-schema checks, draft-06/07 schemas as draft-07 and anything else as
 * 2020-12. Evidence is the failing instance path and keyword, never a value.
 */
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

import { isDraft07, LINEAR_AJV_OPTIONS } from '../pinning/linear-ajv.js';
import type { JsonObject, JsonValue } from '../surface/types.js';
import { toSafeText } from './safe-text.js';
import type { Detection } from './types.js';

type Validate = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; keyword: string }[] | null;
};
type Compiled = { kind: 'ok'; validate: Validate } | { kind: 'broken'; evidence: string };

const AJV_OPTIONS = LINEAR_AJV_OPTIONS;
/** Distinct schemas kept compiled; past it the cache and ajv's own are dropped together. */
const CACHE_SIZE = 256;

// Compiled validators, by schema object (the approved definition is usually the same object
// call after call) and by schema text (for a schema re-read from storage).
let byObject = new WeakMap<JsonObject, Compiled>();
const byText = new Map<string, Compiled>();
let ajvs: { v2020: Ajv2020; v07: Ajv | undefined } | undefined;

function compile(schema: JsonObject): Compiled {
  if (ajvs === undefined || byText.size >= CACHE_SIZE) {
    // ajv keeps every schema it compiled: replace it whenever our cache starts over.
    byText.clear();
    byObject = new WeakMap();
    ajvs = { v2020: new Ajv2020(AJV_OPTIONS), v07: undefined };
  }
  const { $schema: dialect, $id: _id, ...rest } = schema;
  const ajv = isDraft07(dialect) ? (ajvs.v07 ??= new Ajv(AJV_OPTIONS)) : ajvs.v2020;
  try {
    return { kind: 'ok', validate: ajv.compile(rest) as Validate };
  } catch (error) {
    const isNonLinear = error instanceof SyntaxError && error.message.includes('linear time');
    return {
      kind: 'broken',
      evidence: isNonLinear
        ? 'outputSchema: a pattern cannot be matched in linear time'
        : 'outputSchema: cannot be compiled',
    };
  }
}

function compiled(schema: JsonObject): Compiled {
  const known = byObject.get(schema);
  if (known !== undefined) return known;
  const text = JSON.stringify(schema);
  let entry = byText.get(text);
  if (entry === undefined) {
    entry = compile(schema);
    byText.set(text, entry);
  }
  byObject.set(schema, entry);
  return entry;
}

function detection(message: string, evidence: string): Detection {
  return { kind: 'output-schema', message, evidence, ruleId: null };
}

/**
 * Checks `result` against the pinned `schema`. `isBounded` says the walk stayed within its node
 * and depth limits; a result past them is not validated (ajv's cost grows with the data, and
 * quadratically for `uniqueItems`) and is reported instead of passed.
 */
export function checkOutputSchema(
  result: JsonObject,
  schema: JsonObject,
  isBounded: boolean,
): Detection | undefined {
  if (result['isError'] === true) return undefined;
  const structured: JsonValue | undefined = result['structuredContent'];
  if (structured === undefined) {
    return detection(
      'The result has no structuredContent although the tool declares an outputSchema',
      'structuredContent: missing',
    );
  }
  if (!isBounded) {
    return detection(
      'The result is too large or too deep to validate against the pinned outputSchema',
      'structuredContent: not validated (limits)',
    );
  }
  const entry = compiled(schema);
  if (entry.kind === 'broken') {
    return detection('The pinned outputSchema cannot be used to validate results', entry.evidence);
  }
  let isValid: boolean;
  try {
    isValid = entry.validate(structured);
  } catch {
    // A recursive `$ref` over deep data can exhaust the stack: report, never pass.
    return detection(
      'The result could not be validated against the pinned outputSchema',
      'structuredContent: validation failed to run',
    );
  }
  if (isValid) return undefined;
  const first = entry.validate.errors?.[0];
  const where = first === undefined || first.instancePath === '' ? '/' : first.instancePath;
  return detection(
    'structuredContent does not match the pinned outputSchema',
    `${toSafeText(where, 128)} ${toSafeText(first?.keyword ?? 'invalid', 32)}`,
  );
}
