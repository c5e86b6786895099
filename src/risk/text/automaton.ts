/**
 * A multi-keyword matcher (Aho–Corasick compiled to a dense DFA) for the cheap first pass over
 * attacker-controlled text: one table lookup per UTF-16 unit, no backtracking, so a scan is linear
 * in the text whatever the keywords. ASCII letters match case-insensitively; every code unit that
 * occurs in no keyword (including all non-ASCII) is one "other" symbol.
 */

/** A compiled keyword set. */
export interface Automaton {
  /** The keywords, lower-case ASCII, in the order given. */
  readonly keywords: readonly string[];
  /** Symbol class of each ASCII code (0: not in any keyword). */
  readonly classes: Uint8Array;
  /** Number of symbol classes (including 0). */
  readonly width: number;
  /** `delta[state * width + class]`: the next state. */
  readonly delta: Int32Array;
  /** Keyword indexes that end in each state (undefined when none). */
  readonly outputs: readonly (readonly number[] | undefined)[];
}

/** A keyword found: its index in `keywords` and the offset just past it. */
export interface KeywordHit {
  readonly keyword: number;
  readonly end: number;
}

/** Compiles lower-case ASCII keywords. Throws on an empty or non-ASCII keyword. */
export function createAutomaton(keywords: readonly string[]): Automaton {
  const classes = new Uint8Array(128);
  let width = 1;
  for (const keyword of keywords) {
    if (keyword === '') throw new Error('empty keyword');
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= 128 || (c >= 0x41 && c <= 0x5a))
        throw new Error(`keyword not lower-case ASCII: ${keyword}`);
      if (classes[c] === 0) {
        if (width >= 255) throw new Error('too many symbols');
        classes[c] = width++;
      }
    }
  }
  for (let c = 0x41; c <= 0x5a; c++) classes[c] = classes[c + 32] ?? 0;

  const gotos: Map<number, number>[] = [new Map<number, number>()];
  const outSets: number[][] = [[]];
  keywords.forEach((keyword, index) => {
    let state = 0;
    for (const ch of keyword) {
      const cls = classes[ch.charCodeAt(0)] ?? 0;
      let next = gotos[state]?.get(cls);
      if (next === undefined) {
        next = gotos.length;
        gotos.push(new Map<number, number>());
        outSets.push([]);
        gotos[state]?.set(cls, next);
      }
      state = next;
    }
    outSets[state]?.push(index);
  });

  const states = gotos.length;
  const delta = new Int32Array(states * width);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let cls = 0; cls < width; cls++) {
    const next = gotos[0]?.get(cls) ?? 0;
    delta[cls] = next;
    if (next !== 0) queue.push(next);
  }
  // The queue grows while it is walked (breadth-first); for-of visits the appended states too.
  for (const state of queue) {
    const f = fail[state] ?? 0;
    const inherited = outSets[f] ?? [];
    if (inherited.length > 0) outSets[state]?.push(...inherited);
    for (let cls = 0; cls < width; cls++) {
      const next = gotos[state]?.get(cls);
      if (next === undefined) {
        delta[state * width + cls] = delta[f * width + cls] ?? 0;
      } else {
        delta[state * width + cls] = next;
        fail[next] = delta[f * width + cls] ?? 0;
        queue.push(next);
      }
    }
  }
  const outputs = outSets.map((set) => (set.length > 0 ? set : undefined));
  return { keywords, classes, width, delta, outputs };
}

/** Every keyword occurrence in `text` (at most `limit`), in order of their end offsets. */
export function findKeywords(automaton: Automaton, text: string, limit = 1024): KeywordHit[] {
  const { classes, width, delta, outputs } = automaton;
  const hits: KeywordHit[] = [];
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    state = delta[state * width + (c < 128 ? (classes[c] ?? 0) : 0)] ?? 0;
    const out = outputs[state];
    if (out !== undefined) {
      for (const keyword of out) hits.push({ keyword, end: i + 1 });
      if (hits.length >= limit) break;
    }
  }
  return hits;
}
