/**
 * Globs for rule matching and egress hosts. Matching is linear in the input whatever the pattern.
 *
 * Why not picomatch: its compiled expressions use lookarounds (`(?!\.)`, `(?=.)`), which V8's
 * linear-time engine cannot run, and on the backtracking engine a pattern such as
 * `*.*.*.*.*.exfil.example` takes over a minute on a 400-character attacker-chosen host.
 *
 * Syntax (picomatch/bash-like):
 * - `*` any run of characters; in the `uri` flavour it stops at `/`, and `**` crosses `/`;
 * - `?` one character (one UTF-16 code unit; not `/` in the `uri` flavour);
 * - `[abc]`, `[a-z]`, `[!a-z]` or `[^a-z]` a character class;
 * - `{a,b,c}` alternatives, which may nest and contain wildcards;
 * - `\x` the character `x` literally. Everything else is literal.
 *
 * In the `name` flavour (servers, tools, prompts, methods, hosts) `*` also matches `/` and `.`,
 * so `tools/*` matches `tools/call` and `*.exfil.example` matches `a.b.exfil.example` (but not
 * `exfil.example` itself). Matching is case-sensitive; egress lowercases hosts and patterns.
 *
 * Engines: `name` globs are expanded into at most {@link MAX_ALTERNATIVES} brace-free alternatives
 * and matched by the classic wildcard algorithm (backtrack only to the last `*`: O(input × pattern)
 * time, no recursion); larger expansions and all `uri` globs run on the linear-time regexp engine.
 */
import { ConfigError } from '../shared/errors.js';
import { createLinearRegExp } from '../shared/linear-regexp.js';
import type { GlobItem } from './glob-parse.js';
import { expandBraces, isCharMatch, parseGlobItems, toRegExpSource } from './glob-parse.js';

/** `name`: `*` matches anything. `uri`: `*` stops at `/`, `**` crosses it. */
export type GlobFlavor = 'name' | 'uri';

/** A compiled glob. */
export interface Glob {
  /** The pattern as written. */
  readonly pattern: string;
  /** Whether the whole of `input` matches. Linear time in `input`. */
  readonly test: (input: string) => boolean;
}

/** Longest glob accepted (globs are operator-written; this bounds the compiled matcher). */
export const MAX_GLOB_LENGTH = 1024;
/** Most brace alternatives matched directly; beyond this the regexp engine is used. */
export const MAX_ALTERNATIVES = 32;

/** A brace-free alternative and the input lengths it can match. */
interface Alternative {
  readonly items: readonly GlobItem[];
  readonly minLength: number;
  readonly hasStar: boolean;
}

function toAlternative(items: readonly GlobItem[]): Alternative {
  const stars = items.filter((item) => item.kind === 'star').length;
  return { items, minLength: items.length - stars, hasStar: stars > 0 };
}

/** Wildcard matching of brace-free items (`*` matches anything): O(input × items). */
function matchAlternative({ items, minLength, hasStar }: Alternative, s: string): boolean {
  if (s.length < minLength || (!hasStar && s.length !== minLength)) return false;
  let i = 0;
  let k = 0;
  let starItem = -1;
  let starInput = 0;
  while (k < s.length) {
    const item = items[i];
    if (item?.kind === 'star') {
      starItem = i++;
      starInput = k;
    } else if (item?.kind === 'char' && isCharMatch(item, s.charCodeAt(k))) {
      i++;
      k++;
    } else if (starItem >= 0) {
      i = starItem + 1;
      k = ++starInput;
    } else {
      return false;
    }
  }
  while (items[i]?.kind === 'star') i++;
  return i === items.length;
}

function hasWildcard(pattern: string): boolean {
  for (const c of pattern) if ('*?[]{}\\'.includes(c)) return true;
  return false;
}

/** Fast paths for `*`, `prefix*`, `*suffix` and `*infix*` in the name flavour. */
function createSimpleTest(pattern: string): ((input: string) => boolean) | undefined {
  if (/^\*+$/.test(pattern)) return () => true;
  const stem = pattern.replace(/^\*+|\*+$/g, '');
  if (hasWildcard(stem)) return undefined;
  const isPrefix = pattern.endsWith('*');
  const isSuffix = pattern.startsWith('*');
  if (isPrefix && isSuffix) return (input) => input.includes(stem);
  if (isPrefix) return (input) => input.startsWith(stem);
  return (input) => input.endsWith(stem);
}

/**
 * Compiles a glob (see the file comment for the syntax). Throws ConfigError `CONFIG_INVALID` for an
 * unterminated class or brace, a trailing backslash, an out-of-order range or an over-long pattern.
 */
export function parseGlob(pattern: string, flavor: GlobFlavor): Glob {
  if (pattern.length > MAX_GLOB_LENGTH) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `glob ${JSON.stringify(pattern.slice(0, 32))}…: longer than ${MAX_GLOB_LENGTH} characters`,
    );
  }
  if (!hasWildcard(pattern)) return { pattern, test: (input) => input === pattern };
  const items = parseGlobItems(pattern, flavor);
  if (flavor === 'name') {
    const simple = createSimpleTest(pattern);
    if (simple !== undefined) return { pattern, test: simple };
    const expanded = expandBraces(items, MAX_ALTERNATIVES);
    if (expanded !== undefined) {
      const alternatives = expanded.map(toAlternative);
      return { pattern, test: (input) => alternatives.some((alt) => matchAlternative(alt, input)) };
    }
  }
  const regexp = createLinearRegExp(`^(?:${toRegExpSource(items)})$`);
  return { pattern, test: (input) => regexp.test(input) };
}
