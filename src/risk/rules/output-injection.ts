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

import { type AnalyzedText, foldedSpan, tokenSpan } from '../text/analyzed.js';
import { SEND_VERBS } from '../text/lexicon.js';
import type { PhraseSet } from '../text/phrases.js';
import { CONCEALMENT_SPECS } from './concealment-phrases.js';
import { LEAK_SPECS, OVERRIDE_SPECS, ROLE_SPECS } from './instruction-phrases.js';
import { compileSpecs, isQuoted, phraseMatches, type PhraseSpec } from './phrase-rule.js';

/** An output finding before evidence is attached. */
export interface OutputHit {
  readonly ruleId: string;
  readonly weight: number;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

const OUTPUT_ONLY: readonly PhraseSpec[] = [
  {
    ruleId: 'output-tool-directive',
    pattern:
      'you|assistant|ai|agent|model|llm ~2 must|should|need|needs|have+to|shall|are+required ~2 now|immediately|also|first|next ~2 call|invoke|use|run|execute|send|forward|email|upload|post|read|fetch|open|delete|transfer|visit|navigate',
    weight: 30,
    message: 'tells the model to take an action now',
    anchors:
      'must now|should now|must immediately|should immediately|must also|should also|must first|should first|must next|should next|need to now|needs to now|have to now|has to now|need to immediately|are required to',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: 'now|immediately ~1 call|invoke|run|execute|use ~2 the|this ~3 tool|function',
    weight: 25,
    message: 'tells the model to call a tool',
    anchors:
      'now call|now invoke|now run|now execute|now use|immediately call|immediately invoke|immediately run|immediately execute|immediately use',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: 'call|invoke|run|execute|use ~3 tool|function ~1 now|immediately',
    weight: 25,
    message: 'tells the model to call a tool',
    anchors: 'tool now|function now|tool immediately|function immediately',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `${SEND_VERBS} ~6 $secret|conversation*|chat+history|creds|credentials ~6 to|at ~2 $sink`,
    weight: 35,
    message: 'asks for secrets or the conversation to be sent out',
    anchors:
      'password|passwd|passphrase|credential|creds|api key|api_key|apikey|access token|access_token|auth token|bearer token|github token|session token|secret key|secret keys|mnemonic|cvv|cvc|ssn|id_rsa|private key|ssh key|seed phrase|recovery phrase|conversation|chat history|keychain|cookie',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: 'exfiltrat*',
    weight: 35,
    message: 'asks for data to be exfiltrated',
    anchors: 'exfiltrat',
  },
  {
    ruleId: 'output-credential-request',
    pattern:
      'enter|provide|input|type|share|submit|paste|supply|give|confirm|send|verify ~4 $critical',
    weight: 35,
    message: 'solicits a high-value secret (seed phrase, private key, card code)',
    anchors:
      'seed phrase|seed words|recovery phrase|recovery words|recovery code|mnemonic|private key|cvv|cvc|ssn|social security|card number|credit card|card cvv|card pin|pin code|pin number|wallet|bank account|bank credentials|bank login|secret phrase',
  },
  {
    ruleId: 'output-credential-request',
    pattern: 'ask|prompt|request ~3 user|them|customer|human ~4 $secret',
    weight: 25,
    message: 'asks the user for a secret',
    anchors:
      'password|passwd|passphrase|credential|creds|api key|api_key|apikey|access token|access_token|auth token|bearer token|github token|session token|secret key|secret keys|mnemonic|cvv|cvc|ssn|id_rsa|private key|ssh key|seed phrase|recovery phrase|conversation|chat history|keychain|cookie',
  },
];

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
  ...OUTPUT_ONLY,
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
];

/** Phrase and markup hits in one analyzed output text. */
export function injectionHits(text: AnalyzedText): OutputHit[] {
  const hits: OutputHit[] = [];
  for (const m of phraseMatches(PHRASES, text)) {
    if (m.spec.ruleId === 'output-credential-request') {
      const before = [text.tokens[m.first - 1], text.tokens[m.first - 2], text.tokens[m.first - 3]];
      if (before.some((t) => t !== undefined && NEGATIONS.has(t.text))) continue;
    }
    const span = tokenSpan(text, m.first, m.last);
    const quoted = isQuoted(text.original, span.start, span.end);
    hits.push({
      ruleId: m.spec.ruleId,
      weight: quoted ? Math.round(m.spec.weight / 3) : m.spec.weight,
      message: quoted ? `${m.spec.message} (quoted)` : m.spec.message,
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
