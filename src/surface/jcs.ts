/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - Objects: members sorted by key, comparing keys as arrays of UTF-16 code units (§3.2.3).
 * - Numbers: the ECMAScript Number-to-String algorithm (§3.2.2.3); NaN and ±Infinity are errors.
 * - Strings: the ECMAScript JSON string escaping (§3.2.2.2); lone surrogates are errors.
 * - No whitespace anywhere (§3.2.1).
 *
 * This is on the hot path (every surface item is digested), so it writes into one growing string
 * (V8 ropes make `+=` linear) and only allocates a sorted key array per object.
 */
import { SurfaceError } from '../shared/errors.js';
import type { JsonValue } from './types.js';

/**
 * Nesting limit for values handed to `canonicalize`. Parsed input is already bounded by
 * `parseStrictJson` (64 by default); this guards hand-built values and cycles from blowing the stack.
 */
const MAX_CANONICAL_DEPTH = 1000;

/** Characters that need escaping (§3.2.2.2) or a surrogate-pairing check. */
// eslint-disable-next-line no-control-regex -- a character class of the C0 controls, linear time
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** Two-character escapes from ECMAScript QuoteJSONString, indexed by code unit. */
const SHORT_ESCAPES: readonly (string | undefined)[] = (() => {
  const table: (string | undefined)[] = [];
  table[0x08] = '\\b';
  table[0x09] = '\\t';
  table[0x0a] = '\\n';
  table[0x0c] = '\\f';
  table[0x0d] = '\\r';
  table[0x22] = '\\"';
  table[0x5c] = '\\\\';
  return table;
})();

const HEX = '0123456789abcdef';

function malformed(message: string): SurfaceError {
  return new SurfaceError('SURFACE_MALFORMED', message);
}

/** Quotes `s` per RFC 8785 §3.2.2.2 (ECMAScript QuoteJSONString, lowercase `\u00xx`). */
function quoteString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate must be followed by a low one; a low one must never come first.
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c >= 0xdc00 || next < 0xdc00 || next > 0xdfff) {
        throw malformed('JCS: string contains a lone surrogate (RFC 8785 §3.2.2.2)');
      }
      i++;
      continue;
    }
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    if (i > start) out += s.slice(start, i);
    out += SHORT_ESCAPES[c] ?? `\\u00${HEX.charAt(c >> 4)}${HEX.charAt(c & 15)}`;
    start = i + 1;
  }
  if (start < n) out += s.slice(start);
  return `${out}"`;
}

/** Serializes a number per RFC 8785 §3.2.2.3 (ECMAScript Number::toString; -0 becomes "0"). */
function serializeNumber(n: number): string {
  if (!Number.isFinite(n))
    throw malformed('JCS: NaN and Infinity are not JSON (RFC 8785 §3.2.2.3)');
  // ECMAScript Number::toString is exactly the JCS number format; it already maps -0 to "0".
  return String(n);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sorts keys by UTF-16 code units (§3.2.3): `<` on strings and the default `sort()` both compare
 * code units. Small objects (nearly all) use an insertion sort, which is linear on sorted input.
 */
function sortKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 16) return keys.sort();
  for (let i = 1; i < n; i++) {
    const key = keys[i] ?? '';
    let j = i;
    for (; j > 0; j--) {
      const prev = keys[j - 1] ?? '';
      if (prev <= key) break;
      keys[j] = prev;
    }
    keys[j] = key;
  }
  return keys;
}

function serialize(value: JsonValue | undefined, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return serializeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw malformed(`JCS: ${typeof value} is not a JSON value`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_CANONICAL_DEPTH) {
    throw new SurfaceError('SURFACE_TOO_DEEP', 'JCS: value nests too deeply (or is cyclic)', {
      details: { maxDepth: MAX_CANONICAL_DEPTH },
    });
  }
  let out: string;
  let separator = '';
  if (Array.isArray(value)) {
    out = '[';
    // Holes read as undefined and are rejected above.
    for (const item of value) {
      out += separator;
      out += serialize(item, depth + 1);
      separator = ',';
    }
    return `${out}]`;
  }
  if (!isPlainObject(value)) throw malformed('JCS: only plain objects are JSON objects');
  out = '{';
  for (const key of sortKeys(Object.keys(value))) {
    out += separator;
    out += quoteString(key);
    out += ':';
    out += serialize(value[key], depth + 1);
    separator = ',';
  }
  return `${out}}`;
}

/**
 * Returns the RFC 8785 canonical form of `value`.
 * @throws SurfaceError `SURFACE_MALFORMED` for non-finite numbers, lone surrogates and non-JSON
 *   values (undefined, functions, bigints, class instances); `SURFACE_TOO_DEEP` past 1000 levels.
 */
export function canonicalize(value: JsonValue): string {
  return serialize(value, 0);
}

/** The canonical form of `value` as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}
