/**
 * A safe subset of JSONPath (RFC 9535) for `args_match`: no filters, functions, slices or unions,
 * and nothing is ever evaluated as code.
 *
 * Supported (RFC 9535 §2.2–§2.5):
 * - the root `$`;
 * - child segments `.name`, `['name']`, `["name"]` (string literals with the §2.3.1.1 escapes);
 * - `[0]` and `[-1]` (negative indices count from the end, §2.3.3.2);
 * - wildcards `.*` and `[*]`;
 * - descendant segments `..name`, `..*`, `..['name']`, `..[0]`.
 *
 * Selection (jsonpath-select.ts) is iterative and bounded: past its visit budget it reports
 * `too-large`, which the evaluator turns into a deny (fail closed). Member lookups use own
 * properties only, so `$.__proto__` or `$.constructor` never reach the prototype chain.
 */
import { ConfigError } from '../shared/errors.js';
import type { JsonValue } from '../surface/types.js';

/** What one segment selects from each input node. */
export type JsonPathSelector =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

/** A child segment (`.x`, `[x]`) or a descendant segment (`..x`, `..[x]`). */
export interface JsonPathSegment {
  readonly isDescendant: boolean;
  readonly selector: JsonPathSelector;
}

/** A parsed query. */
export interface JsonPath {
  readonly text: string;
  readonly segments: readonly JsonPathSegment[];
  /** Only child segments with name or index selectors: selects at most one node (§2.3.5.1). */
  readonly isSingular: boolean;
}

/** A location in a JSON value: member names and array indices from the root. */
export type JsonLocation = readonly (string | number)[];

/** One selected node and where it is. */
export interface JsonNode {
  readonly value: JsonValue;
  readonly location: JsonLocation;
}

/** The nodes a query selects, or `too-large` when selection exceeded its visit budget. */
export type NodeSelection =
  { readonly kind: 'nodes'; readonly nodes: readonly JsonNode[] } | { readonly kind: 'too-large' };

const MAX_SAFE_INDEX = Number.MAX_SAFE_INTEGER; // I-JSON range, RFC 9535 §2.1

function syntaxError(text: string, at: number, message: string): never {
  throw new ConfigError(
    'CONFIG_INVALID',
    `JSONPath ${JSON.stringify(text)}: ${message} at position ${at}`,
  );
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** RFC 9535 name-first: ALPHA / "_" / any non-ASCII code point except surrogates. */
function isNameFirst(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f ||
    (code >= 0x80 && (code < 0xd800 || code > 0xdfff))
  );
}

function isNameChar(code: number): boolean {
  return isNameFirst(code) || (code >= 0x30 && code <= 0x39);
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['/', '/'],
  ['\\', '\\'],
]);

class JsonPathParser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): JsonPath {
    const t = this.#text;
    if (!t.startsWith('$')) syntaxError(t, 0, "a query starts with '$'");
    this.#pos = 1;
    const segments: JsonPathSegment[] = [];
    for (;;) {
      const beforeBlank = this.#pos;
      while (isBlank(t[this.#pos])) this.#pos++;
      if (this.#pos >= t.length) {
        if (this.#pos !== beforeBlank) syntaxError(t, beforeBlank, 'trailing blank space');
        const isSingular = segments.every((s) => !s.isDescendant && s.selector.kind !== 'wildcard');
        return { text: t, segments, isSingular };
      }
      segments.push(this.#segment());
    }
  }

  #segment(): JsonPathSegment {
    const t = this.#text;
    const c = t[this.#pos];
    if (c === '[') return { isDescendant: false, selector: this.#bracket() };
    if (c !== '.') syntaxError(t, this.#pos, "expected '.', '..' or '['");
    this.#pos++;
    const isDescendant = t[this.#pos] === '.';
    if (isDescendant) this.#pos++;
    const next = t[this.#pos];
    if (next === '*') {
      this.#pos++;
      return { isDescendant, selector: { kind: 'wildcard' } };
    }
    if (isDescendant && next === '[') return { isDescendant, selector: this.#bracket() };
    return { isDescendant, selector: { kind: 'name', name: this.#shorthandName() } };
  }

  #shorthandName(): string {
    const t = this.#text;
    const start = this.#pos;
    const first = t.codePointAt(start);
    if (first === undefined || !isNameFirst(first)) {
      syntaxError(t, start, "expected a member name (use ['…'] for other names)");
    }
    for (
      let code = t.codePointAt(this.#pos);
      code !== undefined && isNameChar(code);
      code = t.codePointAt(this.#pos)
    ) {
      this.#pos += code > 0xffff ? 2 : 1;
    }
    return t.slice(start, this.#pos);
  }

  #bracket(): JsonPathSelector {
    const t = this.#text;
    this.#pos++; // '['
    while (isBlank(t[this.#pos])) this.#pos++;
    const c = t[this.#pos];
    let selector: JsonPathSelector;
    if (c === "'" || c === '"') selector = { kind: 'name', name: this.#stringLiteral(c) };
    else if (c === '*') {
      this.#pos++;
      selector = { kind: 'wildcard' };
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      selector = { kind: 'index', index: this.#integer() };
    } else if (c === '?') syntaxError(t, this.#pos, 'filter selectors are not supported');
    else if (c === ':') syntaxError(t, this.#pos, 'slices are not supported');
    else syntaxError(t, this.#pos, 'expected a quoted name, an index or *');
    while (isBlank(t[this.#pos])) this.#pos++;
    const close = t[this.#pos];
    if (close === ',') syntaxError(t, this.#pos, 'unions are not supported');
    if (close === ':') syntaxError(t, this.#pos, 'slices are not supported');
    if (close !== ']') syntaxError(t, this.#pos, "expected ']'");
    this.#pos++;
    return selector;
  }

  #integer(): number {
    const t = this.#text;
    const start = this.#pos;
    if (t[this.#pos] === '-') this.#pos++;
    const digitsAt = this.#pos;
    while (t.charAt(this.#pos) >= '0' && t.charAt(this.#pos) <= '9') this.#pos++;
    const digits = t.slice(digitsAt, this.#pos);
    if (digits === '') syntaxError(t, digitsAt, 'expected a digit');
    if (digits.length > 1 && digits.startsWith('0')) {
      syntaxError(t, digitsAt, 'leading zeros are not allowed');
    }
    if (digits === '0' && digitsAt !== start) syntaxError(t, start, '-0 is not an index');
    const value = Number(t.slice(start, this.#pos));
    if (Math.abs(value) > MAX_SAFE_INDEX) syntaxError(t, start, 'index out of range');
    return value;
  }

  /** RFC 9535 §2.3.1.1 string literal; `quote` is the delimiter. */
  #stringLiteral(quote: string): string {
    const t = this.#text;
    const open = this.#pos;
    this.#pos++;
    let out = '';
    for (;;) {
      const c = t[this.#pos];
      if (c === undefined) syntaxError(t, open, 'unterminated string');
      if (c === quote) {
        this.#pos++;
        return out;
      }
      const code = c.charCodeAt(0);
      if (code < 0x20) syntaxError(t, this.#pos, 'control character in string');
      if (c !== '\\') {
        out += c;
        this.#pos++;
        continue;
      }
      const e = t.charAt(this.#pos + 1);
      const simple = SIMPLE_ESCAPES.get(e);
      if (e === quote) out += quote;
      else if (simple !== undefined) out += simple;
      else if (e === 'u') {
        out += this.#unicodeEscape();
        continue;
      } else syntaxError(t, this.#pos, 'invalid escape');
      this.#pos += 2;
    }
  }

  /** `\uXXXX`, pairing surrogates (`\uD83D\uDE00`); a lone surrogate is an error. */
  #unicodeEscape(): string {
    const t = this.#text;
    const at = this.#pos;
    const hex4 = (from: number): number => {
      const h = t.slice(from, from + 4);
      if (!/^[0-9A-Fa-f]{4}$/.test(h)) syntaxError(t, at, 'expected four hex digits');
      return parseInt(h, 16);
    };
    const high = hex4(at + 2);
    this.#pos = at + 6;
    if (high >= 0xdc00 && high <= 0xdfff) syntaxError(t, at, 'lone low surrogate');
    if (high < 0xd800 || high > 0xdbff) return String.fromCharCode(high);
    if (t[this.#pos] !== '\\' || t[this.#pos + 1] !== 'u') {
      syntaxError(t, at, 'high surrogate without a low one');
    }
    const low = hex4(this.#pos + 2);
    if (low < 0xdc00 || low > 0xdfff) syntaxError(t, at, 'high surrogate without a low one');
    this.#pos += 6;
    return String.fromCharCode(high, low);
  }
}

/**
 * Parses a query in the supported subset. Throws ConfigError `CONFIG_INVALID` naming the position
 * of the first problem (0-based) and what was expected.
 */
export function parseJsonPath(text: string): JsonPath {
  return new JsonPathParser(text).parse();
}

export { DEFAULT_MAX_SELECT_VISITS, selectNodes } from './jsonpath-select.js';
