/**
 * Token phrase patterns: a small, linear-time alternative to regular expressions for the risk rules.
 *
 * A pattern is a list of slots separated by spaces. A slot lists alternatives separated by `|`; an
 * alternative is one or more token matchers joined by `+` (consecutive tokens). A matcher is a word
 * (`ignore`), a word prefix (`instruct*`), a token kind (`$url`, `$email`, `$path`, `$sink` = URL or
 * e-mail, `$word` = any word) or a named class passed to {@link compilePhrases} (`$secret`). `~N`
 * before a slot lets up to N tokens sit between it and the previous slot; gaps never cross a
 * sentence stop. Words are folded like the text (fold.ts), so `précédentes` matches `precedentes`;
 * a word of CJK characters matches one token per character.
 *
 * Matching is greedy and never backtracks: at each token, each pattern whose first slot matches
 * there is tried once (within a slot, multi-token and class alternatives are tried before one-word
 * alternatives, which are looked up in a set), each later slot is looked for in a window of at most N+1 tokens. The work is
 * O(tokens × patterns-starting-there × slots × gap), linear in the text.
 */

import { foldText } from './fold.js';
import type { Token, TokenKind } from './tokens.js';

/** A named token class: how many tokens it matches at `index` (0 when none). */
export type TokenClass = (tokens: readonly Token[], index: number) => number;

type Matcher =
  | { kind: 'exact'; word: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'kind'; kinds: readonly TokenKind[] }
  | { kind: 'class'; fn: TokenClass };

interface Slot {
  /** Alternatives other than one plain word, tried in order (longer matches first). */
  readonly alternatives: readonly (readonly Matcher[])[];
  /** Alternatives that are one plain word, looked up at once. */
  readonly words: ReadonlySet<string>;
  readonly gap: number;
}

interface Compiled<T> {
  readonly spec: T;
  readonly slots: readonly Slot[];
}

/** A compiled set of patterns, indexed by what their first token can be. */
export interface PhraseSet<T> {
  readonly byWord: ReadonlyMap<string, readonly Compiled<T>[]>;
  readonly byPrefix: ReadonlyMap<string, readonly (readonly [string, Compiled<T>])[]>;
  readonly other: readonly Compiled<T>[];
}

/** One match: the spec and the tokens `[first, last]` it covers. */
export interface PhraseMatch<T> {
  readonly spec: T;
  readonly first: number;
  readonly last: number;
}

const KINDS: Readonly<Record<string, readonly TokenKind[]>> = {
  $url: ['url'],
  $email: ['email'],
  $path: ['path'],
  $sink: ['url', 'email'],
  $word: ['word'],
};
const PREFIX_KEY = 3;

function isCjkChar(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)
  );
}

function compileMatchers(
  alternative: string,
  classes: Readonly<Record<string, TokenClass>>,
): Matcher[] {
  const matchers: Matcher[] = [];
  for (const part of alternative.split('+')) {
    if (part.startsWith('$')) {
      const kinds = KINDS[part];
      const fn = classes[part];
      if (kinds !== undefined) matchers.push({ kind: 'kind', kinds });
      else if (fn !== undefined) matchers.push({ kind: 'class', fn });
      else throw new Error(`unknown token class ${part}`);
      continue;
    }
    const isPrefix = part.endsWith('*');
    const word = foldText(isPrefix ? part.slice(0, -1) : part).text;
    if (word.length > 0 && isCjkChar(word.charCodeAt(0))) {
      for (const ch of word) matchers.push({ kind: 'exact', word: ch });
    } else if (isPrefix) {
      matchers.push({ kind: 'prefix', prefix: word });
    } else {
      matchers.push({ kind: 'exact', word });
    }
  }
  return matchers;
}

function compileOne<T extends { pattern: string }>(
  spec: T,
  classes: Readonly<Record<string, TokenClass>>,
): Compiled<T> {
  const slots: Slot[] = [];
  let gap = 0;
  for (const raw of spec.pattern.split(' ')) {
    if (raw === '') continue;
    if (raw.startsWith('~')) {
      gap = Number(raw.slice(1));
      continue;
    }
    const words = new Set<string>();
    const alternatives: Matcher[][] = [];
    for (const alternative of raw.split('|').map((a) => compileMatchers(a, classes))) {
      const only = alternative[0];
      if (alternative.length === 1 && only?.kind === 'exact') words.add(only.word);
      else alternatives.push(alternative);
    }
    slots.push({ alternatives, words, gap });
    gap = 0;
  }
  if (slots.length === 0) throw new Error(`empty pattern: ${spec.pattern}`);
  return { spec, slots };
}

/** Compiles patterns once (at module load of a rule). Throws on a malformed pattern. */
export function compilePhrases<T extends { pattern: string }>(
  specs: readonly T[],
  classes: Readonly<Record<string, TokenClass>> = {},
): PhraseSet<T> {
  const byWord = new Map<string, Compiled<T>[]>();
  const byPrefix = new Map<string, (readonly [string, Compiled<T>])[]>();
  const other: Compiled<T>[] = [];
  for (const spec of specs) {
    const compiled = compileOne(spec, classes);
    const firsts = new Set<string>();
    let needsOther = false;
    for (const word of compiled.slots[0]?.words ?? []) {
      if (!firsts.has(word)) byWord.set(word, [...(byWord.get(word) ?? []), compiled]);
      firsts.add(word);
    }
    for (const alternative of compiled.slots[0]?.alternatives ?? []) {
      const m = alternative[0];
      if (m?.kind === 'exact') {
        if (!firsts.has(m.word)) byWord.set(m.word, [...(byWord.get(m.word) ?? []), compiled]);
        firsts.add(m.word);
      } else if (m?.kind === 'prefix' && m.prefix.length >= PREFIX_KEY) {
        const key = m.prefix.slice(0, PREFIX_KEY);
        byPrefix.set(key, [...(byPrefix.get(key) ?? []), [m.prefix, compiled] as const]);
      } else {
        needsOther = true;
      }
    }
    if (needsOther) other.push(compiled);
  }
  return { byWord, byPrefix, other };
}

function matcherLength(m: Matcher, tokens: readonly Token[], index: number): number {
  const token = tokens[index];
  if (token === undefined) return 0;
  switch (m.kind) {
    case 'exact':
      return token.kind === 'word' && token.text === m.word ? 1 : 0;
    case 'prefix':
      return token.kind === 'word' && token.text.startsWith(m.prefix) ? 1 : 0;
    case 'kind':
      return m.kinds.includes(token.kind) ? 1 : 0;
    case 'class':
      return m.fn(tokens, index);
  }
}

function slotLength(slot: Slot, tokens: readonly Token[], index: number): number {
  const token = tokens[index];
  if (token === undefined) return 0;
  for (const alternative of slot.alternatives) {
    let at = index;
    let ok = true;
    for (const m of alternative) {
      const n = matcherLength(m, tokens, at);
      if (n === 0) {
        ok = false;
        break;
      }
      at += n;
    }
    if (ok) return at - index;
  }
  return token.kind === 'word' && slot.words.has(token.text) ? 1 : 0;
}

function matchFrom<T>(compiled: Compiled<T>, tokens: readonly Token[], start: number): number {
  let pos = start;
  for (const [k, slot] of compiled.slots.entries()) {
    let found = -1;
    const limit = k === 0 ? start : Math.min(tokens.length - 1, pos + slot.gap);
    for (let j = pos; j <= limit; j++) {
      if (k > 0 && tokens[j]?.kind === 'stop') break;
      const n = slotLength(slot, tokens, j);
      if (n > 0) {
        found = j + n;
        break;
      }
    }
    if (found < 0) return -1;
    pos = found;
  }
  return pos - 1;
}

/** Every match of the set in `tokens`, in token order; a pattern's matches never overlap. */
export function matchPhrases<T>(set: PhraseSet<T>, tokens: readonly Token[]): PhraseMatch<T>[] {
  const matches: PhraseMatch<T>[] = [];
  const busyUntil = new Map<Compiled<T>, number>();
  const tryAt = (compiled: Compiled<T>, i: number): void => {
    if ((busyUntil.get(compiled) ?? -1) >= i) return;
    const last = matchFrom(compiled, tokens, i);
    if (last < 0) return;
    busyUntil.set(compiled, last);
    matches.push({ spec: compiled.spec, first: i, last });
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.kind === 'stop') continue;
    if (token.kind === 'word') {
      for (const compiled of set.byWord.get(token.text) ?? []) tryAt(compiled, i);
      if (token.text.length >= PREFIX_KEY) {
        for (const [prefix, compiled] of set.byPrefix.get(token.text.slice(0, PREFIX_KEY)) ?? []) {
          if (token.text.startsWith(prefix)) tryAt(compiled, i);
        }
      }
    }
    for (const compiled of set.other) tryAt(compiled, i);
  }
  return matches;
}
