/**
 * Output rules for instruction-like text in tool results (DESIGN §8): text aimed at the model
 * rather than at the user. The definition rules' phrase families are reused (instruction and role
 * overrides, prompt leaks, the strong concealment phrasings) plus output-only ones:
 * - `output-tool-directive` (25–35): "you must now call …", "send the user's keys to https://…",
 *   "exfiltrate".
 * - `output-credential-request` (25–35): soliciting a seed phrase, private key, card code or a
 *   password from the user ("never share your seed phrase" is advice, not a request).
 * - `output-role-tag` (30): `<system>`, `<|im_start|>`, `[INST]` markup.
 * Every id here is prefixed `output-`; a match inside quotes weighs a third.
 */

import { type AnalyzedText, foldedSpan } from '../text/analyzed.js';
import type { PhraseSet } from '../text/phrases.js';
import { CONCEALMENT_SPECS } from './concealment-phrases.js';
import { LEAK_SPECS, OVERRIDE_SPECS, ROLE_SPECS } from './instruction-phrases.js';
import { OUTPUT_ONLY_SPECS } from './output-phrases.js';
import { compileSpecs, phraseMatches, type PhraseSpec, weighMatch } from './phrase-rule.js';

/** An output finding before evidence is attached. */
export interface OutputHit {
  readonly ruleId: string;
  readonly weight: number;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Words that cite a phrase instead of directing it at the model ("phrases such as …"). */
const CITING = new Set(
  'such like e.g eg example examples phrase phrases payload payloads string strings says saying wording quoted'.split(
    ' ',
  ),
);
const CITABLE = new Set([
  'output-instruction-override',
  'output-role-override',
  'output-prompt-leak',
]);

/** Whether the match starting at token `first` is cited: a citing word just before it. */
function isCited(text: AnalyzedText, first: number): boolean {
  for (let j = first - 1; j >= Math.max(0, first - 10); j--) {
    const t = text.tokens[j];
    if (t === undefined || t.kind === 'stop') return false;
    if (CITING.has(t.text)) return true;
  }
  return false;
}

const RULE_IDS: Readonly<Record<string, string>> = {
  'instruction-override': 'output-instruction-override',
  'role-override': 'output-role-override',
  'prompt-leak': 'output-prompt-leak',
  concealment: 'output-concealment',
};

/** The compiled output phrase set (also the source of the scanner's prefilter keywords). */
export const OUTPUT_SPECS: readonly PhraseSpec[] = [
  ...OVERRIDE_SPECS,
  ...ROLE_SPECS,
  ...LEAK_SPECS.filter((s) => s.weight >= 20),
  ...CONCEALMENT_SPECS.filter((s) => s.weight >= 30),
  ...OUTPUT_ONLY_SPECS,
].map((s) => ({ ...s, ruleId: RULE_IDS[s.ruleId] ?? s.ruleId }));

const PHRASES: PhraseSet<PhraseSpec> = compileSpecs(OUTPUT_SPECS);
const NEGATIONS = new Set([
  'never',
  'not',
  "don't",
  'dont',
  "doesn't",
  'no',
  "won't",
  "shouldn't",
  'nobody',
]);

const ROLE_MARKERS = [
  '[system]',
  '### system',
  '<system>',
  '</system>',
  '<|im_start|>',
  '<|im_end|>',
  '<|system|>',
  '<|assistant|>',
  '[inst]',
  '<<sys>>',
  '<system_prompt>',
  '<important>',
  '<instructions>',
  '<|start_header_id|>system',
  '<|eot_id|>',
  '<start_of_turn>',
  '[/inst]',
  '### instruction',
  '### assistant',
  '### human',
  '[assistant]',
  '[instructions',
  '[instruction for',
  '[note to the model',
  '[note to the ai',
  '[ai instructions',
];

/** Phrase and markup hits in one analyzed output text. */
export function injectionHits(text: AnalyzedText): OutputHit[] {
  const hits: OutputHit[] = [];
  for (const m of phraseMatches(PHRASES, text)) {
    if (m.spec.ruleId === 'output-credential-request') {
      const before = [text.tokens[m.first - 1], text.tokens[m.first - 2], text.tokens[m.first - 3]];
      if (before.some((t) => t !== undefined && NEGATIONS.has(t.text))) continue;
    }
    if (CITABLE.has(m.spec.ruleId) && isCited(text, m.first)) continue;
    const { span, weight, message } = weighMatch(text, m);
    hits.push({
      ruleId: m.spec.ruleId,
      weight,
      message,
      start: span.start,
      end: span.end,
    });
  }
  const folded = text.folded.text;
  for (const marker of ROLE_MARKERS) {
    const at = folded.indexOf(marker);
    if (at < 0) continue;
    const span = foldedSpan(text, at, at + marker.length);
    const directive = marker === '<important>' || marker === '<instructions>';
    hits.push({
      ruleId: 'output-role-tag',
      weight: directive ? 15 : 30,
      message: directive
        ? `a ${marker} block addressed to the model`
        : `fake conversation-role markup ${marker}`,
      start: span.start,
      end: span.end,
    });
  }
  return hits;
}
