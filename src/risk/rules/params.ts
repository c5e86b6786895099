/**
 * The parameters of a definition as the exfil and schema rules see them: a tool's top-level
 * `inputSchema.properties`, or a prompt's `arguments`.
 */

import { escapePointerToken } from '../../surface/json-pointer.js';
import type { JsonObject, JsonValue } from '../../surface/types.js';
import { foldText } from '../text/fold.js';
import type { DefinitionKind } from '../types.js';

/** One parameter. */
export interface Param {
  /** The name as written. */
  readonly name: string;
  /** The name folded (lower-case ASCII, look-alikes folded), as it appears among tokens. */
  readonly folded: string;
  /** Pointer of the parameter: its schema, or its prompt argument. */
  readonly pointer: string;
  /** Pointer of the string holding the name (a schema's key: the schema's pointer). */
  readonly namePointer: string;
  readonly required: boolean;
  readonly schema: JsonObject;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** Keeps ASCII letters and digits of an already folded name. */
export function bareName(folded: string): string {
  let out = '';
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) out += folded.charAt(i);
  }
  return out;
}

/** The parameters of a tool or prompt (empty for other kinds). */
export function paramsOf(kind: DefinitionKind, definition: JsonObject): Param[] {
  if (kind === 'tool') {
    const schema = asObject(definition['inputSchema']);
    const properties = asObject(schema?.['properties']);
    if (properties === undefined) return [];
    const required = schema?.['required'];
    const requiredSet = new Set(
      Array.isArray(required) ? required.filter((r) => typeof r === 'string') : [],
    );
    return Object.entries(properties).map(([name, value]) => ({
      name,
      folded: foldText(name).text,
      pointer: `/inputSchema/properties/${escapePointerToken(name)}`,
      namePointer: `/inputSchema/properties/${escapePointerToken(name)}`,
      required: requiredSet.has(name),
      schema: asObject(value) ?? {},
    }));
  }
  if (kind === 'prompt') {
    const args = definition['arguments'];
    if (!Array.isArray(args)) return [];
    return args.flatMap((arg, i) => {
      const a = asObject(arg);
      const name = a?.['name'];
      if (a === undefined || typeof name !== 'string') return [];
      return [
        {
          name,
          folded: foldText(name).text,
          pointer: `/arguments/${String(i)}`,
          namePointer: `/arguments/${String(i)}/name`,
          required: a['required'] === true,
          schema: a,
        },
      ];
    });
  }
  return [];
}
