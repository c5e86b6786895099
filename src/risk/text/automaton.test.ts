import { describe, expect, it } from 'vitest';

import { createAutomaton, findKeywords } from './automaton.js';

describe('keyword automaton', () => {
  it('finds overlapping keywords case-insensitively with their end offsets', () => {
    const a = createAutomaton(['he', 'she', 'hers']);
    const hits = findKeywords(a, 'uSHErs').map((h) => [a.keywords[h.keyword], h.end]);
    expect(hits).toEqual([
      ['she', 4],
      ['he', 4],
      ['hers', 6],
    ]);
  });

  it('treats non-ASCII characters as breaks', () => {
    const a = createAutomaton(['abc']);
    expect(findKeywords(a, 'ab\u00e9c abc')).toHaveLength(1);
  });

  it('rejects keywords it cannot compile', () => {
    expect(() => createAutomaton([''])).toThrow();
    expect(() => createAutomaton(['Upper'])).toThrow();
  });
});
