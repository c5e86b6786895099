/**
 * A strict RFC 8259 JSON parser for attacker-controlled text (everything an upstream server sends).
 *
 * Differences from `JSON.parse`, all deliberate:
 * - duplicate object keys are rejected (`SURFACE_DUPLICATE_KEY`), compared after unescaping, so
 *   `"a"` and `"\u0061"` collide; otherwise two parsers could disagree on what a server said;
 * - nesting deeper than `maxDepth` is rejected (`SURFACE_TOO_DEEP`);
 * - text longer than `maxBytes` UTF-8 bytes is rejected before parsing (`SURFACE_TOO_LARGE`);
 * - numbers that overflow to ±Infinity are rejected (`SURFACE_NOT_JSON`): they cannot be
 *   canonicalized (RFC 8785 §3.2.2.3), so they are not data we can pin.
 *
 * Safety: one pass, no recursion (an explicit stack of open containers), strings built from slices,
 * duplicate detection with `Object.hasOwn` (a hash lookup). Everything is O(length of text).
 * A `"__proto__"` key becomes an own data property; it never changes an object's prototype.
 */
import { SurfaceError } from '../shared/errors.js';
import { escapePointerToken } from './json-pointer.js';
import type { JsonObject, JsonValue } from './types.js';

/** Limits for {@link parseStrictJson}. */
export interface StrictJsonLimits {
  /** Maximum nesting of arrays and objects; `[]` is depth 1. Default 64. */
  maxDepth?: number;
  /** Maximum size of the text in UTF-8 bytes. Default 16 MiB. */
  maxBytes?: number;
}

/** Default nesting limit of {@link parseStrictJson}. */
export const DEFAULT_MAX_DEPTH = 64;
/** Default size limit of {@link parseStrictJson}: 16 MiB. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** Duplicate-key paths longer than this are cut, so error details stay small enough to log. */
const MAX_POINTER_LENGTH = 512;

type Container = JsonObject | JsonValue[];

function notJson(offset: number, reason: string): SurfaceError {
  return new SurfaceError('SURFACE_NOT_JSON', `Invalid JSON at offset ${offset}: ${reason}`, {
    details: { offset },
  });
}

/** Value of a hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

/** RFC 6901 JSON pointer to `leaf` inside the open containers, cut at MAX_POINTER_LENGTH. */
function pointer(containers: readonly Container[], keys: readonly string[], leaf: string): string {
  let out = '';
  for (let d = 0; d < containers.length; d++) {
    const c = containers[d];
    const token = Array.isArray(c) ? String(c.length) : (keys[d] ?? '');
    out += `/${escapePointerToken(token)}`;
    if (out.length > MAX_POINTER_LENGTH) break;
  }
  out += `/${escapePointerToken(leaf)}`;
  return out.length > MAX_POINTER_LENGTH ? `${out.slice(0, MAX_POINTER_LENGTH)}…` : out;
}

function checkSize(text: string, maxBytes: number): void {
  // UTF-8 never takes fewer bytes than UTF-16 code units, and at most three per code unit.
  const tooLarge =
    text.length > maxBytes ||
    (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes);
  if (tooLarge) {
    throw new SurfaceError('SURFACE_TOO_LARGE', `JSON text exceeds ${maxBytes} bytes`, {
      details: { maxBytes },
    });
  }
}

/**
 * Parses attacker-controlled JSON text strictly (see the file comment).
 * @throws SurfaceError `SURFACE_NOT_JSON` (details.offset: UTF-16 offset of the fault),
 *   `SURFACE_DUPLICATE_KEY` (details.path: JSON pointer to the repeated key, never a value),
 *   `SURFACE_TOO_DEEP` or `SURFACE_TOO_LARGE`.
 */
export function parseStrictJson(text: string, limits: StrictJsonLimits = {}): JsonValue {
  checkSize(text, limits.maxBytes ?? DEFAULT_MAX_BYTES);
  return new StrictParser(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH).parse();
}

/** One parse: a cursor over the text and an explicit stack of open containers (no recursion). */
class StrictParser {
  readonly #text: string;
  readonly #n: number;
  readonly #maxDepth: number;
  #i = 0;
  /** The open containers, innermost last. */
  readonly #containers: Container[] = [];
  /** For each open object, the key whose value is being parsed (indexed like #containers). */
  readonly #keys: string[] = [];

  constructor(text: string, maxDepth: number) {
    this.#text = text;
    this.#n = text.length;
    this.#maxDepth = maxDepth;
  }

  parse(): JsonValue {
    const text = this.#text;
    const containers = this.#containers;
    for (;;) {
      // 1. Parse one value, or open a container and go round again for its first member.
      let value: JsonValue;
      const c = this.#skipWhitespace();
      if (c === 0x22) {
        value = this.#parseString();
      } else if (c === 0x7b) {
        const obj: JsonObject = {};
        this.#open(obj);
        if (this.#skipWhitespace() === 0x7d) {
          containers.pop();
          this.#i++;
          value = obj;
        } else {
          this.#readKey(obj);
          continue;
        }
      } else if (c === 0x5b) {
        const arr: JsonValue[] = [];
        this.#open(arr);
        if (this.#skipWhitespace() === 0x5d) {
          containers.pop();
          this.#i++;
          value = arr;
        } else {
          continue;
        }
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        value = this.#parseNumber();
      } else if (c === 0x74 && text.startsWith('true', this.#i)) {
        value = true;
        this.#i += 4;
      } else if (c === 0x66 && text.startsWith('false', this.#i)) {
        value = false;
        this.#i += 5;
      } else if (c === 0x6e && text.startsWith('null', this.#i)) {
        value = null;
        this.#i += 4;
      } else {
        throw notJson(this.#i, c === -1 ? 'unexpected end of input' : 'unexpected token');
      }

      // 2. Store the value in its container; close every container that ends here.
      for (;;) {
        const depth = containers.length;
        const top = containers[depth - 1];
        if (top === undefined) {
          if (this.#skipWhitespace() !== -1) {
            throw notJson(this.#i, 'unexpected text after the value');
          }
          return value;
        }
        const next = this.#skipWhitespace();
        if (Array.isArray(top)) {
          top.push(value);
          if (next === 0x2c) {
            this.#i++;
            break;
          }
          if (next !== 0x5d) throw notJson(this.#i, "expected ',' or ']'");
        } else {
          setOwn(top, this.#keys[depth - 1] ?? '', value);
          if (next === 0x2c) {
            this.#i++;
            this.#readKey(top);
            break;
          }
          if (next !== 0x7d) throw notJson(this.#i, "expected ',' or '}'");
        }
        this.#i++;
        containers.pop();
        value = top;
      }
    }
  }

  /** Skips JSON whitespace; returns the next code unit, or -1 at the end. */
  #skipWhitespace(): number {
    const text = this.#text;
    const n = this.#n;
    let i = this.#i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.#i = i;
        return c;
      }
      i++;
    }
    this.#i = i;
    return -1;
  }

  #open(container: Container): void {
    if (this.#containers.length >= this.#maxDepth) {
      throw new SurfaceError('SURFACE_TOO_DEEP', `JSON nests deeper than ${this.#maxDepth}`, {
        details: { maxDepth: this.#maxDepth, offset: this.#i },
      });
    }
    this.#containers.push(container);
    this.#i++;
  }

  /** Reads `"key" :` inside the innermost object and records the key; rejects duplicates. */
  #readKey(obj: JsonObject): void {
    if (this.#skipWhitespace() !== 0x22) throw notJson(this.#i, 'expected a string key');
    const key = this.#parseString();
    if (Object.hasOwn(obj, key)) {
      throw new SurfaceError('SURFACE_DUPLICATE_KEY', 'JSON object has a duplicate key', {
        details: { path: pointer(this.#containers.slice(0, -1), this.#keys, key) },
      });
    }
    if (this.#skipWhitespace() !== 0x3a) throw notJson(this.#i, "expected ':'");
    this.#i++;
    this.#keys[this.#containers.length - 1] = key;
  }

  /** Parses the string whose opening quote is at the cursor. */
  #parseString(): string {
    const text = this.#text;
    const n = this.#n;
    const open = this.#i;
    let i = open + 1;
    let start = i;
    // Fast path: no escapes, which is nearly every string on the wire.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.#i = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) break;
      i++;
    }
    let out = '';
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.#i = i + 1;
        return out + text.slice(start, i);
      }
      if (c < 0x20) throw notJson(i, 'control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const escaped = unescape(text, i);
      if (escaped === undefined) throw notJson(i, 'bad escape');
      out += escaped;
      i += text.charCodeAt(i + 1) === 0x75 ? 6 : 2;
      start = i;
    }
    throw notJson(open, 'unterminated string');
  }

  #parseNumber(): number {
    const text = this.#text;
    const start = this.#i;
    let i = start;
    let c = text.charCodeAt(i);
    if (c === 0x2d) c = text.charCodeAt(++i);
    if (c === 0x30) {
      c = text.charCodeAt(++i);
    } else if (c >= 0x31 && c <= 0x39) {
      do c = text.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    } else {
      throw notJson(i, 'bad number');
    }
    if (c === 0x2e) {
      c = text.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) throw notJson(i, 'bad fraction');
      do c = text.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45) {
      c = text.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) throw notJson(i, 'bad exponent');
      do c = text.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    this.#i = i;
    const value = Number(text.slice(start, i));
    if (!Number.isFinite(value)) throw notJson(start, 'number out of range');
    return value;
  }
}

/** Decodes the escape sequence whose backslash is at `i`, or undefined if it is invalid. */
function unescape(text: string, i: number): string | undefined {
  switch (text.charCodeAt(i + 1)) {
    case 0x22:
      return '"';
    case 0x5c:
      return '\\';
    case 0x2f:
      return '/';
    case 0x62:
      return '\b';
    case 0x66:
      return '\f';
    case 0x6e:
      return '\n';
    case 0x72:
      return '\r';
    case 0x74:
      return '\t';
    case 0x75: {
      const code =
        (hexValue(text.charCodeAt(i + 2)) << 12) |
        (hexValue(text.charCodeAt(i + 3)) << 8) |
        (hexValue(text.charCodeAt(i + 4)) << 4) |
        hexValue(text.charCodeAt(i + 5));
      // An invalid digit is -1, which makes the whole OR negative.
      return code < 0 ? undefined : String.fromCharCode(code);
    }
    default:
      return undefined;
  }
}
