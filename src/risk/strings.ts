/**
 * Collects every string of a definition with its JSON Pointer and role (rule.ts), including the
 * keys of schema `properties` (an attack can live in a parameter's name). The walk is bounded in
 * depth, count and total length so a hostile definition cannot make a scan unbounded; what lies
 * beyond the bounds is reported by the scanner as truncated.
 */

import { escapePointerToken } from '../surface/json-pointer.js';
import type { JsonObject, JsonValue } from '../surface/types.js';
import { findHiddenSpans, type HiddenSpan } from '../surface/visible.js';
import type { DefinitionString, StringRole } from './rule.js';
import { type AnalyzedText, analyzeText, mayHide } from './text/analyzed.js';

/** Walk bounds. */
export const WALK_LIMITS = { depth: 32, strings: 4000, chars: 1 << 20 } as const;

const META_KEYS = new Set([
  '$schema',
  '$id',
  '$ref',
  '$comment',
  'type',
  'format',
  'mimeType',
  'version',
  'protocolVersion',
  'pattern',
  'src',
  'sizes',
  'theme',
  'contentMediaType',
  'contentEncoding',
]);
const VALUE_KEYS = new Set(['default', 'examples', 'enum', 'const', 'example']);
const NAME_KEYS = new Set(['name', 'uri', 'uriTemplate', 'required', 'websiteUrl']);

/** A definition string whose analysis is computed on first use (most strings need none). */
class ScannedString implements DefinitionString {
  readonly pointer: string;
  readonly role: StringRole;
  readonly original: string;
  #text: AnalyzedText | undefined;
  #hidden: readonly HiddenSpan[] | undefined;

  constructor(pointer: string, role: StringRole, original: string) {
    this.pointer = pointer;
    this.role = role;
    this.original = original;
  }

  get text(): AnalyzedText {
    this.#text ??= analyzeText(this.original);
    return this.#text;
  }

  get hidden(): readonly HiddenSpan[] {
    this.#hidden ??= mayHide(this.original) ? findHiddenSpans(this.original) : [];
    return this.#hidden;
  }
}

/** The result of a walk: the strings, and whether a bound cut it short. */
export interface CollectedStrings {
  strings: DefinitionString[];
  truncated: boolean;
}

function roleOf(key: string, inherited: StringRole | undefined): StringRole {
  if (inherited !== undefined) return inherited;
  if (META_KEYS.has(key)) return 'meta';
  if (VALUE_KEYS.has(key)) return 'value';
  if (NAME_KEYS.has(key)) return 'name';
  return 'prose';
}

/** Every string of `definition`, in document order. */
export function collectStrings(definition: JsonObject): CollectedStrings {
  const strings: DefinitionString[] = [];
  let chars = 0;
  let truncated = false;
  const add = (pointer: string, role: StringRole, text: string): void => {
    if (strings.length >= WALK_LIMITS.strings || chars + text.length > WALK_LIMITS.chars) {
      truncated = true;
      return;
    }
    chars += text.length;
    strings.push(new ScannedString(pointer, role, text));
  };
  const walk = (
    value: JsonValue,
    pointer: string,
    key: string,
    inherited: StringRole | undefined,
    depth: number,
  ): void => {
    if (depth > WALK_LIMITS.depth) {
      truncated = true;
      return;
    }
    if (typeof value === 'string') {
      add(pointer, roleOf(key, inherited), value);
    } else if (Array.isArray(value)) {
      const role =
        inherited ?? (VALUE_KEYS.has(key) ? 'value' : NAME_KEYS.has(key) ? 'name' : undefined);
      value.forEach((item, i) => {
        walk(item, `${pointer}/${String(i)}`, key, role, depth + 1);
      });
    } else if (value !== null && typeof value === 'object') {
      const childRole = inherited ?? (VALUE_KEYS.has(key) ? 'value' : undefined);
      for (const [k, v] of Object.entries(value)) {
        const at = `${pointer}/${escapePointerToken(k)}`;
        if (key === 'properties' && inherited === undefined) add(at, 'name', k);
        walk(v, at, key === 'properties' ? '' : k, childRole, depth + 1);
      }
    }
  };
  walk(definition, '', '', undefined, 0);
  return { strings, truncated };
}
