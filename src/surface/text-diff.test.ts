import { describe, expect, it } from 'vitest';

import { diffWords } from './text-diff.js';

describe('when two texts are diffed word by word', () => {
  it('returns one equal run for identical text', () => {
    expect(diffWords('Read a file.', 'Read a file.')).toEqual([
      { op: 'equal', text: 'Read a file.' },
    ]);
    expect(diffWords('', '')).toEqual([]);
  });

  it('keeps unchanged words between changes and makes hidden characters visible', () => {
    expect(diffWords('a b c d', 'a x c d\u202e')).toEqual([
      { op: 'equal', text: 'a ' },
      { op: 'removed', text: 'b' },
      { op: 'added', text: 'x' },
      { op: 'equal', text: ' c ' },
      { op: 'removed', text: 'd' },
      { op: 'added', text: 'd⟦U+202E RLO⟧' },
    ]);
  });

  it('shows padding hidden between words', () => {
    expect(diffWords('a b', `a${' '.repeat(30)}b`)).toEqual([
      { op: 'equal', text: 'a' },
      { op: 'removed', text: ' ' },
      { op: 'added', text: '⟦30 spaces⟧' },
      { op: 'equal', text: 'b' },
    ]);
  });

  it('falls back to remove-all/add-all for huge rewrites instead of a quadratic table', () => {
    const before = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const after = Array.from({ length: 2000 }, (_, i) => `v${i}`).join(' ');
    expect(diffWords(before, after).map((p) => p.op)).toEqual(['removed', 'added']);
  });

  it('handles text only on one side', () => {
    expect(diffWords('', 'new')).toEqual([{ op: 'added', text: 'new' }]);
    expect(diffWords('old', '')).toEqual([{ op: 'removed', text: 'old' }]);
  });
});
