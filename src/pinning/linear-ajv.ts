/**
 * How Holdfast compiles a server's pinned JSON Schemas (inputSchema, outputSchema) with ajv: the
 * schema and the data it checks are both attacker-influenced, so `pattern` and
 * `patternProperties` compile for V8's linear-time engine, and formats and meta-schemas are not
 * checked.
 */
import { createLinearRegExp } from '../shared/linear-regexp.js';

/** ajv's regexp engine hook: `pattern` and `patternProperties` compile for the linear engine. */
const LINEAR_REGEXP = Object.assign((pattern: string) => createLinearRegExp(pattern), {
  code: 'createLinearRegExp',
});

/** ajv options for pinned schemas (draft-07 and 2020-12 alike). */
export const LINEAR_AJV_OPTIONS = {
  strict: false,
  allErrors: false,
  validateFormats: false,
  validateSchema: false,
  // Patterns come from the server and data from the agent or the server: only linear matching.
  unicodeRegExp: false,
  code: { regExp: LINEAR_REGEXP },
} as const;

/** `$schema` values that name draft-06 or draft-07 (with or without the trailing `#`). */
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-0[67]\/schema#?$/;

/** Whether a schema's `$schema` names draft-06 or draft-07 (compiled with ajv's draft-07 class). */
export function isDraft07(dialect: unknown): boolean {
  return typeof dialect === 'string' && DRAFT_07.test(dialect);
}
