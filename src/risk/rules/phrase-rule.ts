/**
 * Shared plumbing for rules written as token phrase patterns (text/phrases.ts): compile a list of
 * specs once, run them over a definition's prose, and turn matches into hits. A match written
 * inside quotes (`'ignore all previous instructions'` cited as an example) weighs a third.
 */

import type { DefinitionString, Facet, RuleHit } from '../rule.js';
import { type AnalyzedText, tokenSpan } from '../text/analyzed.js';
import { TOKEN_CLASSES } from '../text/lexicon.js';
import { compilePhrases, matchPhrases, type PhraseMatch, type PhraseSet } from '../text/phrases.js';

/** One phrase pattern and what its match means. */
export interface PhraseSpec {
  readonly ruleId: string;
  readonly pattern: string;
  readonly weight: number;
  readonly message: string;
  readonly facet?: Facet;
  /**
   * Output prefilter keywords (`|`-separated, lower-case ASCII, may contain single spaces): every
   * match of the pattern contains one of them at a word start. Without it the prefilter uses the
   * words of the pattern's most selective slot.
   */
  readonly anchors?: string;
}

/** Compiles specs with the shared token classes (`$secret`, `$critical`). */
export function compileSpecs(specs: readonly PhraseSpec[]): PhraseSet<PhraseSpec> {
  return compilePhrases(specs, TOKEN_CLASSES);
}

const OPEN_QUOTES = new Set(['"', "'", '`', '“', '‘', '«', '「']);
const CLOSE_QUOTES = new Set(['"', "'", '`', '”', '’', '»', '」']);

/** Whether the original text right before `start` opens a quote closed at or after `end`. */
function isQuoted(text: string, start: number, end: number): boolean {
  let i = start - 1;
  while (i >= 0 && text.charCodeAt(i) === 0x20) i--;
  if (i < 0 || !OPEN_QUOTES.has(text.charAt(i))) return false;
  for (let j = end; j < Math.min(text.length, end + 3); j++) {
    if (CLOSE_QUOTES.has(text.charAt(j))) return true;
  }
  return false;
}

/** A match's span in the original text, and its weight and message (a third when quoted). */
export interface WeighedMatch {
  readonly span: { start: number; end: number };
  readonly weight: number;
  readonly message: string;
}

/** Weighs match `m` of `text`: the span it covers, cited inside quotes or not. */
export function weighMatch(text: AnalyzedText, m: PhraseMatch<PhraseSpec>): WeighedMatch {
  const span = tokenSpan(text, m.first, m.last);
  const quoted = isQuoted(text.original, span.start, span.end);
  return {
    span,
    weight: quoted ? Math.round(m.spec.weight / 3) : m.spec.weight,
    message: quoted ? `${m.spec.message} (quoted)` : m.spec.message,
  };
}

/** Matches of `set` in one analyzed text. */
export function phraseMatches(
  set: PhraseSet<PhraseSpec>,
  text: AnalyzedText,
): PhraseMatch<PhraseSpec>[] {
  return matchPhrases(set, text.tokens);
}

/** Hits for every match of `set` in `strings`. */
export function phraseHits(
  set: PhraseSet<PhraseSpec>,
  strings: readonly DefinitionString[],
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const s of strings) {
    for (const m of matchPhrases(set, s.text.tokens)) {
      const { span, weight, message } = weighMatch(s.text, m);
      hits.push({
        ruleId: m.spec.ruleId,
        weight,
        message,
        pointer: s.pointer,
        span,
        ...(m.spec.facet === undefined ? {} : { facet: m.spec.facet }),
      });
    }
  }
  return hits;
}
