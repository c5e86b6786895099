/**
 * Phrase patterns for instructions aimed at the model, shared by the definition rules
 * (hidden-instruction.ts) and the output scanner (output-injection.ts). Each family is listed
 * with its weight; the words are folded (see text/fold.ts), multilingual variants included.
 */

import { BEHAVIOUR_SPECS } from './behaviour-phrases.js';
import type { PhraseSpec } from './phrase-rule.js';

const OVERRIDE_VERBS = 'ignore|ignoring|disregard*|forget|forgetting|neglect';
const OVERRIDE_QUALIFIERS =
  'previous|prior|above|earlier|preceding|former|original|initial|system|your|safety|developer|old|existing+instructions';
const OVERRIDE_NOUNS =
  'guidance|instruction*|prompt*|rule*|guideline*|directive*|direction*|guardrail*|restriction*|constraint*|polic*|programming|command*|context|safeguard*|training|orders|messages';

/** "Ignore previous instructions" and its relatives: rewrite what the model was told. */
export const OVERRIDE_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'instruction-override',
    pattern: `${OVERRIDE_VERBS} ~3 ${OVERRIDE_QUALIFIERS} ~2 ${OVERRIDE_NOUNS}`,
    weight: 45,
    message: 'tells the model to ignore its previous instructions',
    facet: 'override',
    anchors: 'ignor|disregard|forget|neglect',
  },
  {
    ruleId: 'instruction-override',
    pattern: `override*|bypass*|circumvent*|supersede*|outrank* ~3 previous|prior|above|earlier|your|safety|all|any|other|the+user's ~2 ${OVERRIDE_NOUNS}`,
    weight: 45,
    message: 'tells the model to override its instructions',
    facet: 'override',
    anchors: 'overrid|bypass|circumvent|supersed|outrank',
  },
  {
    ruleId: 'instruction-override',
    pattern: `${OVERRIDE_VERBS} ~2 everything|anything|what|whatever ~3 above|before|previous|earlier|told|said|instructed|prior`,
    weight: 45,
    message: 'tells the model to forget what it was told',
    facet: 'override',
    anchors: 'ignor|disregard|forget|neglect',
  },
  {
    ruleId: 'instruction-override',
    pattern:
      'your ~1 new|real|actual|true|updated ~1 instruction*|directive*|orders|objective|mission|system+prompt',
    weight: 35,
    message: 'gives the model "new instructions"',
    facet: 'override',
    anchors: 'your new|your real|your actual|your true|your updated',
  },
  {
    ruleId: 'instruction-override',
    pattern:
      'disable|deactivate|bypass|ignore|remove|circumvent|turn+off ~3 safety|moderation|ethical|ethics ~1 filter*|guideline*|guardrail*|restriction*|polic*|protocol*|alignment',
    weight: 40,
    message: 'tells the model to drop its safety rules',
    facet: 'override',
    anchors: 'safety|moderation|ethical|ethics',
  },
  {
    ruleId: 'instruction-override',
    pattern: `${OVERRIDE_VERBS} ~3 ${OVERRIDE_NOUNS} ~2 you|that+you ~2 given|told|trained|taught|programmed|received|got`,
    weight: 45,
    message: 'tells the model to ignore the instructions it was given',
    facet: 'override',
    anchors: 'ignor|disregard|forget|neglect',
  },
  {
    ruleId: 'instruction-override',
    pattern:
      'answer|respond|reply|act|operate|behave ~3 without|no ~2 safety|moderation|ethical|content ~1 filter*|filtering|guideline*|restriction*',
    weight: 35,
    message: 'tells the model to answer without its safety rules',
    facet: 'override',
    anchors: 'safety|content filter|moderation|ethical',
  },
  // Spanish, Portuguese, Italian, French, German, Russian, Chinese, Japanese.
  {
    ruleId: 'instruction-override',
    pattern:
      'ignora|ignore|ignorez|ignorar|olvida|oublie|oubliez|dimentica|esqueca ~3 instrucciones|instrucoes|istruzioni|instructions|indicaciones|consignes|regras|reglas|regole ~2 anteriores|previas|precedentes|precedenti|anteriori|previous|sistema|systeme|system',
    weight: 45,
    message: 'tells the model to ignore its previous instructions',
    facet: 'override',
    anchors: 'ignor|olvida|oubli|dimentica|esquec',
  },
  {
    ruleId: 'instruction-override',
    pattern:
      'ignoriere|ignorieren|vergiss|vergessen ~3 vorherigen|bisherigen|vorigen|alle|obigen ~2 anweisung*|regeln|instruktion*|befehle',
    weight: 45,
    message: 'tells the model to ignore its previous instructions',
    facet: 'override',
    anchors: 'ignorier|vergiss|vergessen',
  },
  {
    ruleId: 'instruction-override',
    pattern:
      'игнорируй|игнорировать|забудь|проигнорируй ~3 все|предыдущие|прежние|инструкции|указания ~2 инструкции|указания|правила|предыдущие',
    weight: 45,
    message: 'tells the model to ignore its previous instructions',
    facet: 'override',
    anchors: '', // non-ASCII text always takes the slow path
  },
  {
    ruleId: 'instruction-override',
    pattern: '忽略|无视|忘记|忽視|無視 ~6 指令|指示|说明|規則|规则|提示',
    weight: 45,
    message: 'tells the model to ignore its previous instructions',
    facet: 'override',
    anchors: '', // non-ASCII text always takes the slow path
  },
];

/** Role and identity overrides ("you are now DAN", fake developer mode). */
export const ROLE_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'role-override',
    pattern:
      "you ~1 are|'re|re ~2 now|no+longer ~3 dan|jailbroken|jailbreak|unrestricted|unfiltered|uncensored|unbound|unlimited|developer+mode|god+mode|dan+mode|sudo+mode|admin+mode|evil|bound|restricted|limited|free+from|an+unrestricted",
    weight: 40,
    message: 'overrides the model\'s role ("you are now …")',
    facet: 'override',
    anchors: 'are now|re now|no longer',
  },
  {
    ruleId: 'role-override',
    pattern:
      'enter|enable|activate|switch+to|entering ~2 developer|jailbreak|dan|god|unrestricted|sudo ~1 mode',
    weight: 40,
    message: 'switches the model into a "mode" without its rules',
    facet: 'override',
    anchors: 'developer mode|jailbreak|dan mode|god mode|unrestricted mode|sudo mode',
  },
  {
    ruleId: 'role-override',
    pattern: 'system|admin|administrator|developer|security|priority|emergency|root ~1 override*',
    weight: 30,
    message: 'announces a "system override"',
    facet: 'override',
    anchors: 'override',
  },
  {
    ruleId: 'role-override',
    pattern: 'new|updated|revised ~1 system ~1 prompt|instruction*|message|directive*',
    weight: 35,
    message: 'announces a new system prompt',
    facet: 'override',
    anchors: 'new system|updated system|revised system',
  },
  {
    ruleId: 'role-override',
    pattern: "ignore|disregard ~2 user's|user ~1 request*|question*|instruction*|wishes|command*",
    weight: 30,
    message: "tells the model to ignore the user's request",
    facet: 'override',
    anchors: 'ignor|disregard',
  },
  {
    ruleId: 'role-override',
    pattern: 'from ~1 now ~1 on ~3 you ~2 will|are|must|shall|should|have|act|respond|answer',
    weight: 25,
    message: 'redefines how the model behaves "from now on"',
    facet: 'override',
    anchors: 'from now on',
  },
  ...BEHAVIOUR_SPECS,
];

/** Requests to reveal the system prompt or the conversation (context capture). */
export const LEAK_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'prompt-leak',
    pattern:
      'reveal|print|output|repeat|show|display|leak|dump|disclose|includ*|send|copy|pass|paste|return|provide|share|tell ~4 system|initial|hidden|original|developer|entire ~1 prompt*|instruction*|message',
    weight: 25,
    message: 'asks for the system prompt or hidden instructions',
    facet: 'secret',
    anchors:
      'system prompt|system instruction|system message|initial prompt|initial instruction|initial message|hidden prompt|hidden instruction|hidden message|original prompt|original instruction|original message|developer prompt|developer instruction|developer message|entire prompt|entire instruction|entire message',
  },
  {
    ruleId: 'prompt-leak',
    pattern:
      'includ*|pass|send|add|attach|append|provide|copy|forward|upload|post|paste|put|insert|embed|summariz*|dump ~6 conversation*|transcript*|chat+history|chat+log*|message+history|dialog*|context+window|previous+messages|prior+messages|earlier+messages|all+messages',
    weight: 15,
    message: 'asks for the conversation (chat history) to be passed on',
    facet: 'secret',
  },
  {
    ruleId: 'prompt-leak',
    pattern:
      'with|containing|including|send|pass|forward|upload|post|share|copy|dump|include|attach ~3 whole|entire|complete|full|all ~1 conversation*|chat|transcript*|dialog*|message+history|chat+history',
    weight: 25,
    message: 'asks for the whole conversation to be passed on',
    facet: 'secret',
    anchors: 'conversation|transcript|full chat|entire chat|whole chat|complete chat|dialog',
  },
];
