/**
 * Word-level text diff for reviewers (DESIGN §5). Both sides are attacker-controlled: the common
 * prefix and suffix are trimmed in linear time, and the LCS table for what remains is only built
 * when it is small; beyond that the middle is shown as removed-then-added.
 */
import { toVisible } from './visible.js';

/** Whether a part of the text is unchanged, only in the old text, or only in the new text. */
export type TextDiffOp = 'equal' | 'removed' | 'added';

/** One run of a text diff. `text` has already been passed through {@link toVisible}. */
export interface TextDiffPart {
  readonly op: TextDiffOp;
  readonly text: string;
}

/** The largest LCS table (tokens before × tokens after) built for the changed middle. */
const MAX_TABLE_CELLS = 1_000_000;

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** Alternating runs of whitespace and non-whitespace; joining them gives `text` back. */
function toTokens(text: string): string[] {
  const tokens: string[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || isSpace(text.charCodeAt(i)) !== isSpace(text.charCodeAt(i - 1))) {
      tokens.push(text.slice(start, i));
      start = i;
    }
  }
  return tokens;
}

function diffMiddle(a: readonly string[], b: readonly string[], out: [TextDiffOp, string][]): void {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_TABLE_CELLS) {
    for (const token of a) out.push(['removed', token]);
    for (const token of b) out.push(['added', token]);
    return;
  }
  // lcs[i * (m + 1) + j] = length of the longest common subsequence of a[i..] and b[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && x === y) {
      out.push(['equal', x]);
      i++;
      j++;
    } else if (
      x !== undefined &&
      (y === undefined || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
    ) {
      out.push(['removed', x]);
      i++;
    } else {
      out.push(['added', y ?? '']);
      j++;
    }
  }
}

/**
 * A word-level diff of `before` and `after`: runs of equal, removed and added text, adjacent runs
 * of the same kind merged, each run's text made visible.
 */
export function diffWords(before: string, after: string): TextDiffPart[] {
  const a = toTokens(before);
  const b = toTokens(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const raw: [TextDiffOp, string][] = [];
  if (prefix > 0) raw.push(['equal', a.slice(0, prefix).join('')]);
  diffMiddle(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix), raw);
  if (suffix > 0) raw.push(['equal', a.slice(a.length - suffix).join('')]);

  // Whitespace between two changes joins them, so a rewrite reads as one removed and one added run.
  const merged: [TextDiffOp, string[]][] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = (): void => {
    if (removed.length > 0) merged.push(['removed', removed]);
    if (added.length > 0) merged.push(['added', added]);
    removed = [];
    added = [];
  };
  raw.forEach(([op, text], k) => {
    const next = raw[k + 1];
    if (op === 'removed') removed.push(text);
    else if (op === 'added') added.push(text);
    else if (
      removed.length + added.length > 0 &&
      next !== undefined &&
      next[0] !== 'equal' &&
      text.trim() === ''
    ) {
      removed.push(text);
      added.push(text);
    } else {
      flush();
      const last = merged[merged.length - 1];
      if (last?.[0] === 'equal') last[1].push(text);
      else merged.push(['equal', [text]]);
    }
  });
  flush();
  return merged.map(([op, texts]) => ({ op, text: toVisible(texts.join('')) }));
}
