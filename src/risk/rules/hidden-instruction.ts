/**
 * Family `hidden-instruction`: text in a definition that instructs the model rather than describing
 * the tool.
 *
 * - `instruction-override` (45), `role-override` (25–40): rewrite the model's instructions or role.
 * - `prompt-leak` (15–25): ask for the system prompt or the conversation.
 * - `role-tag` (30): fake conversation-role markup (`<system>`, `<|im_start|>`, `[INST]`).
 * - `directive-block` (15): `<IMPORTANT>`-style tags and HTML comments that carry text.
 * - `model-directive` (4–12): addressed to the model ("you must", "before using this tool",
 *   "note to the AI", "when the user asks, send…"). Real tools say this too, so it weighs little
 *   alone; the combination rule raises it when it meets a secret, a destination or concealment.
 */

import type { DefinitionRule, DefinitionString, RuleHit } from '../rule.js';
import { proseStrings } from '../rule.js';
import { foldedSpan } from '../text/analyzed.js';
import { analyzeText } from '../text/analyzed.js';
import { LEAK_SPECS, OVERRIDE_SPECS, ROLE_SPECS } from './instruction-phrases.js';
import { compileSpecs, phraseHits, phraseMatches, type PhraseSpec } from './phrase-rule.js';

const STRONG_VERBS =
  'store|save|record|log|capture|remember|keep|exfiltrat*|send|upload*|forward*|email|post|transmit*|read|copy|leak|delete|include|attach|bcc|cc|add|append|collect|share';

const DIRECTIVE_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'model-directive',
    pattern:
      'before|prior+to ~2 using|calling|invoking|running|executing|use ~2 this|the|any ~1 tool|function',
    weight: 8,
    message: 'tells the model what to do before using the tool',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern:
      "you|assistant|ai|agent|model|llm|claude|chatgpt|gpt ~1 must|should|shall|need|needs|have+to|has+to|are+required|is+required|always|never|mustn't",
    weight: 4,
    message: 'addresses the model with an obligation',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern:
      'note|message|instruction*|attention|notice|reminder|memo|tip|hint|psa ~1 to|for ~2 ai|assistant*|model|llm|agent|claude|chatgpt|gpt|chatbot|bot|ais|llms',
    weight: 12,
    message: 'contains a note addressed to the AI',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern:
      'message|note|instruction*|update|notice ~1 from ~2 system|developer*|anthropic|openai|admin*|administrator|security+team|platform+team',
    weight: 15,
    message: 'claims to speak for the system, the developers or the platform',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern:
      'if|when ~1 you ~1 are|re ~2 ai|assistant|llm|language|agent|claude|chatgpt|gpt|model|bot',
    weight: 12,
    message: 'addresses the model ("if you are an AI…")',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern: `when|whenever|if|once ~2 user ~1 asks|requests|says|mentions|wants|types|queries|runs|calls ~8 ${STRONG_VERBS}`,
    weight: 10,
    message: 'triggers an action on something the user says',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern:
      "otherwise|or+else ~3 tool|function|system|it|server|request|application ~3 will|would|won't|can't|cannot|may ~2 not|fail|crash|break|error",
    weight: 6,
    message: 'threatens failure unless the model complies',
    facet: 'directive',
  },
  {
    ruleId: 'model-directive',
    pattern:
      'after|before|when|once|upon ~2 reading|loading|opening|fetching|accessing|viewing|answering|responding|replying ~3 this|the|any|every|each ~2 resource|document|file|prompt|question|request|message ~6 call|invoke|run|execute|use|send',
    weight: 15,
    message: 'triggers a tool call on reading a resource or before answering',
    facet: 'directive',
  },
  {
    ruleId: 'destructive-call',
    pattern: 'call|invoke|run|execute|trigger|schedule|use ~3 $destructive',
    weight: 20,
    message: 'tells the model to call a tool that destroys data or moves money',
    facet: 'directive',
  },
  {
    ruleId: 'obfuscated-command',
    pattern:
      'base64|b64|xxd|openssl ~3 d|decode|base64 ~4 sh|bash|zsh|python|python3|eval|exec|iex',
    weight: 35,
    message: 'decodes hidden text and pipes it to a shell',
    facet: 'hidden',
  },
  {
    ruleId: 'obfuscated-command',
    pattern: 'curl|wget|iwr ~4 $url ~2 sh|bash|zsh|python|python3|iex',
    weight: 20,
    message: 'pipes a downloaded script to a shell',
  },
  {
    ruleId: 'model-directive',
    pattern: 'decode|deobfuscate|decrypt|unscramble ~6 follow|execute|run|obey|perform|carry+out',
    weight: 20,
    message: 'asks the model to decode and follow hidden text',
    facet: 'directive',
  },
];

/** In resources (data, not tools): any instruction to call a destructive tool. */
const RESOURCE_PHRASES = compileSpecs([
  {
    ruleId: 'resource-directive',
    pattern:
      'call|invoke|run|execute|trigger|use ~3 delete*|drop*|remove*|destroy*|wipe*|purge*|erase*|truncate*|rm|reset*|revoke*|transfer*|force+push',
    weight: 30,
    message: 'a resource tells the model to call a destructive tool',
    facet: 'directive',
  },
]);

const PHRASES = compileSpecs([...OVERRIDE_SPECS, ...ROLE_SPECS, ...LEAK_SPECS, ...DIRECTIVE_SPECS]);

/** Tags that fake a conversation role. */
const ROLE_TAGS = new Set([
  'system',
  'system_prompt',
  'sys',
  'assistant',
  'im_start',
  '|im_start|',
  '|system|',
  '|im_end|',
  '|assistant|',
  'inst',
  'instructions_for_assistant',
]);
/** Tags that carry directives in tool-poisoning write-ups. */
const DIRECTIVE_TAGS = new Set([
  'important',
  'instructions',
  'instruction',
  'secret',
  'hidden',
  'critical',
  'admin',
  'override',
  'ai',
  'llm',
  'note_to_ai',
  'priority',
  'mandatory',
  'rules',
  'context',
]);

const MAX_TAG = 40;

/** Words that make a hidden comment a directive rather than a developer's note. */
const COMMENT_DIRECTIVES = compileSpecs([
  {
    ruleId: 'model-directive',
    pattern:
      'assistant|ai|agent|model|llm|ignore|instead|always|never|must|pay|send|transfer|forward|call|route|redirect|use|do+not',
    weight: 15,
    message: 'directive',
  },
]);

function commentDirects(body: string): boolean {
  return phraseMatches(COMMENT_DIRECTIVES, analyzeText(body)).length > 0;
}

function isTagChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x7c || c === 0x2d;
}

function tagHits(s: DefinitionString): RuleHit[] {
  const hits: RuleHit[] = [];
  const text = s.text.folded.text;
  for (let i = text.indexOf('<'); i >= 0 && hits.length < 8; i = text.indexOf('<', i + 1)) {
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      const end = close < 0 ? text.length : close + 3;
      if (end - i > 12) {
        const span = foldedSpan(s.text, i, end);
        hits.push({
          ruleId: 'directive-block',
          weight: 15,
          message: 'an HTML comment hides text from rendered views',
          pointer: s.pointer,
          span,
          facet: 'hidden',
        });
        if (commentDirects(text.slice(i + 4, end))) {
          hits.push({
            ruleId: 'model-directive',
            weight: 15,
            message: 'an HTML comment carries a directive to the model',
            pointer: s.pointer,
            span,
            facet: 'directive',
          });
        }
      }
      continue;
    }
    let j = i + 1;
    if (text.charAt(j) === '/' || text.charAt(j) === '<') j++;
    const nameStart = j;
    while (j < text.length && j - nameStart < MAX_TAG && isTagChar(text.charCodeAt(j))) j++;
    if (text.charAt(j) !== '>') continue;
    const name = text.slice(nameStart, j);
    const span = foldedSpan(s.text, i, j + 1);
    if (ROLE_TAGS.has(name)) {
      hits.push({
        ruleId: 'role-tag',
        weight: 30,
        message: `fake conversation-role markup <${name}>`,
        pointer: s.pointer,
        span,
        facet: 'override',
      });
    } else if (DIRECTIVE_TAGS.has(name) && text.charAt(i + 1) !== '/') {
      hits.push({
        ruleId: 'directive-block',
        weight: 15,
        message: `a <${name}> block addressed to the model`,
        pointer: s.pointer,
        span,
        facet: 'directive',
      });
    }
  }
  for (const marker of [
    '[inst]',
    '[system]',
    '<<sys>>',
    '### system',
    '[//]: #',
    '[important]',
    '[hidden]',
    '[secret]',
  ]) {
    const at = text.indexOf(marker);
    if (at < 0) continue;
    const isComment = marker === '[//]: #';
    const isBlock =
      isComment || marker === '[important]' || marker === '[hidden]' || marker === '[secret]';
    hits.push({
      ruleId: isBlock ? 'directive-block' : 'role-tag',
      weight: isBlock ? 15 : 30,
      message: isComment
        ? 'a markdown comment hides text'
        : isBlock
          ? `a ${marker} block addressed to the model`
          : `fake conversation-role markup ${marker}`,
      pointer: s.pointer,
      span: foldedSpan(s.text, at, at + marker.length),
      facet: isComment ? 'hidden' : isBlock ? 'directive' : 'override',
    });
  }
  return hits;
}

/** The `hidden-instruction` family over a definition's prose. */
export const hiddenInstruction: DefinitionRule = (input) => {
  const prose = proseStrings(input);
  const resource = input.kind === 'resource' || input.kind === 'resourceTemplate';
  return [
    ...phraseHits(PHRASES, prose),
    ...(resource ? phraseHits(RESOURCE_PHRASES, prose) : []),
    ...prose.flatMap(tagHits),
  ];
};
