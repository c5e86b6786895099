/**
 * Output scanning for behaviour monitoring (DESIGN §8): instruction-like and secret-like text in
 * what a server returns. `scanOutputText` is on the hot path of every tool result, so it runs a
 * single keyword-automaton pass first (output-prefilter.ts) and only folds, tokenizes and matches
 * phrases when that pass finds a keyword or a character it cannot judge.
 *
 * Findings carry pointer `` (the whole text) and UTF-16 spans into the text; `ruleId`
 * {@link OUTPUT_SECRET_RULE} marks secret-like text (evidence masked), every other id
 * instruction-like text.
 */

import type { HiddenSpan } from '../surface/visible.js';
import { evidenceOf } from './evidence.js';
import { prefilter, prefilterKeywords } from './output-prefilter.js';
import { hiddenSpanVerdict } from './rules/hidden-verdict.js';
import { injectionHits, OUTPUT_SPECS, type OutputHit } from './rules/output-injection.js';
import {
  OUTPUT_SECRET_RULE,
  SECRET_ANCHORS,
  type SecretHit,
  verifySecret,
} from './rules/output-secret.js';
import { turnHits } from './rules/output-turns.js';
import { compareFindings, MAX_FINDINGS_PER_RULE } from './score.js';
import { type AnalyzedText, analyzeText, hiddenSpansOf } from './text/analyzed.js';
import { createAutomaton } from './text/automaton.js';
import { foldText } from './text/fold.js';
import { tokenize } from './text/tokens.js';
import type { Finding } from './types.js';

export { OUTPUT_SECRET_RULE } from './rules/output-secret.js';

const ROLE_KEYWORDS = [
  '[system',
  '### system',
  '<system',
  '</system',
  '<|',
  '[inst',
  '<<sys',
  '<important',
  '<instructions',
  '<start_of_turn',
  '[/inst',
  '### instruction',
  '### assistant',
  '### human',
  '[assistant',
  '[instruction',
  '[note to the',
  '[ai instruction',
];
const INJECTION_KEYWORDS = [...new Set([...prefilterKeywords(OUTPUT_SPECS), ...ROLE_KEYWORDS])];
const SECRET_BASE = INJECTION_KEYWORDS.length;
const AUTOMATON = createAutomaton([...INJECTION_KEYWORDS, ...SECRET_ANCHORS.map(([k]) => k)]);

/** Most findings one output yields. */
export const MAX_OUTPUT_FINDINGS = 32;

function secretFindings(
  text: string,
  hits: readonly { keyword: number; end: number }[],
): Finding[] {
  const found: SecretHit[] = [];
  for (const hit of hits) {
    if (hit.keyword < SECRET_BASE) continue;
    const secret = verifySecret(text, hit.keyword - SECRET_BASE, hit.end);
    if (secret !== undefined) found.push(secret);
  }
  // Where shapes overlap (`aws_access_key_id: AKIA…`), the most specific (heaviest) one wins.
  found.sort((a, b) => b.weight - a.weight || a.start - b.start);
  const kept: SecretHit[] = [];
  for (const s of found) {
    if (kept.some((k) => s.start < k.end && k.start < s.end)) continue;
    kept.push(s);
  }
  return kept.map((s) => ({
    ruleId: OUTPUT_SECRET_RULE,
    weight: s.weight,
    message: `secret-like text: ${s.label}`,
    pointer: '',
    span: { start: s.start, end: s.end },
    evidence: s.evidence,
  }));
}

function hiddenHits(text: string, spans: readonly HiddenSpan[]): OutputHit[] {
  const hits: OutputHit[] = [];
  for (const span of spans) {
    const verdict = hiddenSpanVerdict(text, span, 'output');
    if (verdict === undefined) continue;
    hits.push({
      ruleId: 'output-hidden-chars',
      weight: verdict.weight,
      message: verdict.message,
      start: span.start,
      end: span.end,
    });
  }
  return hits;
}

/** Keeps at most {@link MAX_FINDINGS_PER_RULE} findings per rule and {@link MAX_OUTPUT_FINDINGS} in all. */
function bounded(findings: Finding[]): Finding[] {
  const perRule = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of findings.sort(compareFindings)) {
    const n = perRule.get(f.ruleId) ?? 0;
    if (n >= MAX_FINDINGS_PER_RULE || out.length >= MAX_OUTPUT_FINDINGS) continue;
    perRule.set(f.ruleId, n + 1);
    out.push(f);
  }
  return out;
}

/** Characters of context around a keyword that the slow path reads (patterns span less). */
const WINDOW = 320;

/** Merged `[start, end)` windows around the injection keyword hits, on whitespace boundaries. */
function windowsAround(
  text: string,
  hits: readonly { keyword: number; end: number }[],
): [number, number][] {
  const windows: [number, number][] = [];
  for (const hit of hits) {
    if (hit.keyword >= SECRET_BASE) continue;
    let start = Math.max(0, hit.end - (INJECTION_KEYWORDS[hit.keyword]?.length ?? 0) - WINDOW);
    let end = Math.min(text.length, hit.end + WINDOW);
    while (start > 0 && text.charCodeAt(start - 1) > 0x20) start--;
    while (end < text.length && text.charCodeAt(end) > 0x20) end++;
    const last = windows[windows.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  return windows;
}

/**
 * Keywords of the non-Latin phrase patterns (Chinese, Japanese, Russian), folded like the text;
 * found with `indexOf` in text that still has non-Latin letters after folding.
 */
const NON_LATIN_KEYWORDS = [
  '忽略',
  '无视',
  '忘记',
  '忽視',
  '無視',
  '告诉',
  '告訴',
  '透露',
  '提及',
  '提醒',
  '让用户',
  '讓用戶',
  '伝え',
  '言わ',
  '知らせ',
  '教え',
  'игнор',
  'забудь',
  'говори',
  'сообщай',
  'упоминай',
  'рассказывай',
  'показывай',
].map((k) => foldText(k).text);

/** Non-Latin keywords by their first UTF-16 unit, for a one-pass lookup. */
const NON_LATIN_BY_FIRST = new Map<number, string[]>();
for (const k of NON_LATIN_KEYWORDS) {
  const first = k.charCodeAt(0);
  NON_LATIN_BY_FIRST.set(first, [...(NON_LATIN_BY_FIRST.get(first) ?? []), k]);
}

/** Whether raw `text` holds a non-Latin keyword (one pass; keywords are a few units long). */
function hasNonLatinKeyword(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x400) continue;
    const candidates = NON_LATIN_BY_FIRST.get(c);
    if (candidates?.some((k) => text.startsWith(k, i)) === true) return true;
  }
  return false;
}

function nonLatinWindows(text: string): [number, number][] {
  const windows: [number, number][] = [];
  for (const keyword of NON_LATIN_KEYWORDS) {
    for (
      let at = text.indexOf(keyword);
      at >= 0 && windows.length < 64;
      at = text.indexOf(keyword, at + 1)
    ) {
      windows.push([Math.max(0, at - WINDOW), Math.min(text.length, at + keyword.length + WINDOW)]);
    }
  }
  return windows;
}

/** Sorted, merged windows. */
function mergeWindows(windows: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of windows.sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function toFinding(text: string, h: OutputHit, offset: number): Finding {
  const start = h.start + offset;
  const end = h.end + offset;
  return {
    ruleId: h.ruleId,
    weight: h.weight,
    message: h.message,
    pointer: '',
    span: { start, end },
    evidence: evidenceOf(text, start, end),
  };
}

/**
 * Instruction-like and secret-like text in a tool result, resource content or server-initiated
 * message. Linear in the length of `text`; deterministic.
 */
export function scanOutputText(text: string): Finding[] {
  const first = prefilter(AUTOMATON, text);
  const { hidden, hits } = first;
  // Plain CJK text needs the slow path only when it holds one of the non-Latin keywords.
  const suspicious = first.suspicious || (first.cjk && hasNonLatinKeyword(text));
  const turns = turnHits(text);
  if (!suspicious && hits.length === 0 && turns.length === 0) return [];
  const findings = secretFindings(text, hits);
  for (const h of turns) findings.push(toFinding(text, h, 0));
  if (suspicious) {
    // Folding may reveal keywords the raw text hides (tags, homoglyphs, fullwidth): fold it all,
    // then read windows around the keywords of the folded text (all of it if it is not Latin).
    const folded = foldText(text);
    const windows = mergeWindows([
      ...windowsAround(folded.text, prefilter(AUTOMATON, folded.text).hits),
      ...(folded.nonLatin ? nonLatinWindows(folded.text) : []),
    ]);
    const tokens = windows.flatMap(([start, end]) => [
      ...tokenize(folded.text, start, end),
      { text: '.', kind: 'stop' as const, start: end, end },
    ]);
    const analyzed: AnalyzedText = { original: text, folded, tokens };
    for (const h of injectionHits(analyzed)) findings.push(toFinding(text, h, 0));
    if (hidden) {
      for (const h of hiddenHits(text, hiddenSpansOf(analyzed)))
        findings.push(toFinding(text, h, 0));
    }
  } else {
    for (const [start, end] of windowsAround(text, hits)) {
      for (const h of injectionHits(analyzeText(text.slice(start, end)))) {
        findings.push(toFinding(text, h, start));
      }
    }
  }
  return bounded(findings);
}
