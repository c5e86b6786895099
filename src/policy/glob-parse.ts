/**
 * Glob syntax (see glob.ts): parses a pattern into items, expands braces, and writes the regexp
 * source used when a glob runs on the linear-time engine. Patterns are operator-written config.
 */
import { ConfigError } from '../shared/errors.js';

/**
 * One parsed glob item: one character in (or, negated, outside) inclusive code-unit ranges; a
 * star (`isSegment`: stops at `/`); or brace alternatives.
 */
export type GlobItem =
  | {
      readonly kind: 'char';
      readonly ranges: readonly (readonly [number, number])[];
      readonly isNegated: boolean;
    }
  | { readonly kind: 'star'; readonly isSegment: boolean }
  | { readonly kind: 'brace'; readonly alternatives: readonly (readonly GlobItem[])[] };

const MAX_BRACE_DEPTH = 8;
const SLASH = 0x2f;

function fail(pattern: string, message: string, at: number): never {
  throw new ConfigError('CONFIG_INVALID', `glob ${JSON.stringify(pattern)}: ${message} at ${at}`);
}

function escapeUnit(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

function literal(code: number): GlobItem {
  return { kind: 'char', ranges: [[code, code]], isNegated: false };
}

/** Whether a `char` item matches the code unit `code`. */
export function isCharMatch(
  item: { readonly ranges: readonly (readonly [number, number])[]; readonly isNegated: boolean },
  code: number,
): boolean {
  let isIn = false;
  for (const [from, to] of item.ranges) {
    if (code >= from && code <= to) {
      isIn = true;
      break;
    }
  }
  return isIn !== item.isNegated;
}

class GlobParser {
  readonly #pattern: string;
  readonly #isUri: boolean;
  #pos = 0;

  constructor(pattern: string, isUri: boolean) {
    this.#pattern = pattern;
    this.#isUri = isUri;
  }

  parse(): GlobItem[] {
    const items = this.#sequence(0);
    if (this.#pos < this.#pattern.length) fail(this.#pattern, "unmatched '}'", this.#pos);
    return items;
  }

  /** Items up to the end, or up to `,`/`}` inside braces. */
  #sequence(depth: number): GlobItem[] {
    const p = this.#pattern;
    const items: GlobItem[] = [];
    while (this.#pos < p.length) {
      const c = p.charAt(this.#pos);
      if (c === '}' || (depth > 0 && c === ',')) break;
      this.#pos++;
      if (c === '*') {
        let stars = 1;
        while (p.charAt(this.#pos) === '*') {
          stars++;
          this.#pos++;
        }
        items.push({ kind: 'star', isSegment: this.#isUri && stars === 1 });
      } else if (c === '?') {
        items.push({ kind: 'char', ranges: this.#isUri ? [[SLASH, SLASH]] : [], isNegated: true });
      } else if (c === '[') {
        items.push(this.#charClass());
      } else if (c === '{') {
        items.push(this.#braces(depth + 1));
      } else if (c === '\\') {
        if (this.#pos >= p.length) fail(p, 'trailing backslash', this.#pos - 1);
        items.push(literal(p.charCodeAt(this.#pos)));
        this.#pos++;
      } else {
        items.push(literal(c.charCodeAt(0)));
      }
    }
    return items;
  }

  #braces(depth: number): GlobItem {
    const open = this.#pos - 1;
    if (depth > MAX_BRACE_DEPTH) fail(this.#pattern, 'braces nested too deeply', open);
    const alternatives: GlobItem[][] = [];
    for (;;) {
      alternatives.push(this.#sequence(depth));
      const c = this.#pattern.charAt(this.#pos);
      if (c === '') fail(this.#pattern, "unmatched '{'", open);
      this.#pos++;
      if (c === '}') return { kind: 'brace', alternatives };
    }
  }

  /** Reads one class member character, honouring `\` escapes. */
  #classChar(): number {
    const p = this.#pattern;
    let c = p.charAt(this.#pos);
    if (c === '\\') {
      this.#pos++;
      c = p.charAt(this.#pos);
      if (c === '') fail(p, 'trailing backslash', this.#pos - 1);
    }
    this.#pos++;
    return c.charCodeAt(0);
  }

  #charClass(): GlobItem {
    const p = this.#pattern;
    const open = this.#pos - 1;
    const isNegated = p.charAt(this.#pos) === '!' || p.charAt(this.#pos) === '^';
    if (isNegated) this.#pos++;
    const ranges: [number, number][] = [];
    for (let isFirst = true; ; isFirst = false) {
      const c = p.charAt(this.#pos);
      if (c === '') fail(p, "unmatched '['", open);
      if (c === ']' && !isFirst) break;
      const at = this.#pos;
      const from = this.#classChar();
      const next = p.charAt(this.#pos + 1);
      if (p.charAt(this.#pos) === '-' && next !== '' && next !== ']') {
        this.#pos++;
        const to = this.#classChar();
        if (to < from) fail(p, 'character range out of order', at);
        ranges.push([from, to]);
      } else {
        ranges.push([from, from]);
      }
    }
    this.#pos++;
    if (isNegated && this.#isUri) ranges.push([SLASH, SLASH]);
    return { kind: 'char', ranges, isNegated };
  }
}

/** Parses a glob into items. Throws ConfigError `CONFIG_INVALID` on malformed syntax. */
export function parseGlobItems(pattern: string, flavor: 'name' | 'uri'): GlobItem[] {
  return new GlobParser(pattern, flavor === 'uri').parse();
}

/** Expands braces into brace-free alternatives, or undefined past `max` alternatives. */
export function expandBraces(
  items: readonly GlobItem[],
  max: number,
): (readonly GlobItem[])[] | undefined {
  let results: GlobItem[][] = [[]];
  for (const item of items) {
    if (item.kind !== 'brace') {
      for (const r of results) r.push(item);
      continue;
    }
    const options: (readonly GlobItem[])[] = [];
    for (const alternative of item.alternatives) {
      const expanded = expandBraces(alternative, max);
      if (expanded === undefined) return undefined;
      options.push(...expanded);
    }
    if (results.length * options.length > max) return undefined;
    results = results.flatMap((r) => options.map((o) => [...r, ...o]));
  }
  return results;
}

function toItemSource(item: GlobItem): string {
  switch (item.kind) {
    case 'star':
      return item.isSegment ? '[^/]*' : '[\\s\\S]*';
    case 'brace':
      return `(?:${item.alternatives.map((alt) => toRegExpSource(alt)).join('|')})`;
    case 'char': {
      const body = item.ranges
        .map(([a, b]) => (a === b ? escapeUnit(a) : `${escapeUnit(a)}-${escapeUnit(b)}`))
        .join('');
      if (item.isNegated) return body === '' ? '[\\s\\S]' : `[^${body}]`;
      return `[${body}]`;
    }
  }
}

/** The regexp source matching the items (to be anchored by the caller). */
export function toRegExpSource(items: readonly GlobItem[]): string {
  return items.map(toItemSource).join('');
}
