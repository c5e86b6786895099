/**
 * Phrase patterns (rule `role-override`) for lasting changes to how the model behaves: persistent
 * changes ("from now on every reply must…", "for the rest of the conversation", "append … to
 * every answer"), release from its guidelines ("you are not bound by…", "these instructions take
 * precedence"), and acting without the user ("without asking for confirmation", "the user has
 * already approved"). Shared by the definition rules and the output scanner via ROLE_SPECS.
 */

import type { PhraseSpec } from './phrase-rule.js';

/** Behaviour-change patterns, part of ROLE_SPECS (instruction-phrases.ts). */
export const BEHAVIOUR_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'role-override',
    pattern:
      'from+now+on|from+this+point|going+forward|henceforth|a+partir+de+ahora|a+partir+de+agora|desormais|a+partir+de+maintenant|d+ora+in+poi|von+nun+an|ab+jetzt|ab+sofort ~4 every|each|all|always|en+cada|em+cada|chaque|ogni|jede|jeder|jedem|toda|todas|cada ~3 reply|replies|response*|answer*|message*|output|respuesta*|resposta*|reponse*|risposta*|antwort*',
    weight: 30,
    message: 'changes how the model answers from now on (persistent behaviour change)',
    facet: 'override',
    anchors:
      'from now on|from this point|going forward|henceforth|a partir de|desormais|ora in poi|von nun an|ab jetzt|ab sofort',
  },
  {
    ruleId: 'role-override',
    pattern:
      'respond|reply|answer|end|start|begin ~2 to|for ~1 every|each|all|any ~1 question*|message*|request*|prompt*|answer*|reply|replies|response*',
    weight: 25,
    message: 'changes how the model answers every message',
    facet: 'override',
    anchors:
      'every question|every message|every request|every prompt|every answer|every reply|every response|each question|each message|each request|each answer|each reply|each response|all questions|all messages|all answers|all replies|all responses|any question|any message',
  },
  {
    ruleId: 'role-override',
    pattern:
      'append|add|include|insert|attach ~6 to|in|into|at ~1 every|each|all|any ~1 answer*|reply|replies|response*|message*|output*',
    weight: 25,
    message: 'adds content to every answer',
    facet: 'override',
    anchors:
      'every answer|every reply|every response|every message|every output|each answer|each reply|each response|each message|all answers|all replies|all responses|all messages|any answer|any reply|any response',
  },
  {
    ruleId: 'role-override',
    pattern: "no ~1 matter ~1 what ~2 user|user's|they|he|she|you ~1 ask*|say*|want*|request*",
    weight: 25,
    message: 'overrides what the user asks',
    facet: 'override',
    anchors: 'no matter what',
  },
  {
    ruleId: 'role-override',
    pattern:
      'disable|disabling|turn+off|turning+off|switch+off|switching+off|skip|skipping|bypass|bypassing ~2 confirmation*|approval*|permission+prompt*|safety+check*|user+approval',
    weight: 25,
    message: 'turns off confirmations or approvals',
    facet: 'override',
    anchors: 'confirmation|approval|permission prompt|safety check',
  },
  {
    ruleId: 'role-override',
    pattern: 'rest|remainder ~1 of ~2 conversation|session|chat',
    weight: 25,
    message: 'sets behaviour for the rest of the conversation',
    facet: 'override',
    anchors: 'rest of|remainder of',
  },
  {
    ruleId: 'role-override',
    pattern:
      'throughout|during|for ~2 entire|whole ~1 conversation|session|chat ~8 always|every|each|must',
    weight: 25,
    message: 'sets behaviour for the rest of the conversation',
    facet: 'override',
    anchors:
      'entire conversation|whole conversation|entire session|whole session|entire chat|whole chat',
  },
  {
    ruleId: 'role-override',
    pattern:
      "you ~1 are|'re|re ~1 not|no+longer|never ~2 bound|restricted|limited|constrained ~2 by ~3 guideline*|rule*|polic*|instruction*|restriction*|safety|ethic*",
    weight: 45,
    message: 'releases the model from its guidelines',
    facet: 'override',
    anchors: 'bound by|restricted by|limited by|constrained by',
  },
  {
    ruleId: 'role-override',
    pattern:
      "without|never|don't|dont|do+not|no+need+to|skip ~2 ask*|asking|request*|seek*|wait*|await* ~3 confirmation*|permission*|approval*|consent",
    weight: 25,
    message: 'tells the model to act without asking the user for confirmation',
    facet: 'override',
    anchors: 'confirmation|permission|approval|consent',
  },
  {
    ruleId: 'role-override',
    pattern:
      "take|takes|have|has ~1 precedence|priority ~2 over ~3 any|all|other|the|your|user|user's|system|previous|prior ~2 instruction*|guideline*|rule*|polic*|request*|prompt*|message*",
    weight: 35,
    message: "claims precedence over the model's instructions",
    facet: 'override',
    anchors: 'precedence|priority over',
  },
  {
    ruleId: 'role-override',
    pattern: "never|don't|dont|do+not|must+not|mustn't|cannot|can't|should+not ~1 refuse|decline",
    weight: 25,
    message: 'forbids the model to refuse',
    facet: 'override',
    anchors: 'refuse|decline',
  },
  {
    ruleId: 'role-override',
    pattern:
      'treat|consider|regard ~6 as ~1 your ~1 system+prompt|system+instruction*|new+instruction*|core+instruction*|real+instruction*',
    weight: 35,
    message: "makes its own text the model's system prompt",
    facet: 'override',
    anchors: 'as your',
  },
  {
    ruleId: 'role-override',
    pattern:
      'system ~1 prompt|instruction|instructions|message ~1 update|updated|override|change|patch|amendment',
    weight: 35,
    message: 'announces a system prompt update',
    facet: 'override',
    anchors: 'system prompt|system instruction|system message',
  },
  {
    ruleId: 'role-override',
    pattern:
      'user ~2 has|have ~1 already ~2 approved|authorized|authorised|consented|agreed|confirmed|granted',
    weight: 25,
    message: 'claims the user approved in advance',
    facet: 'override',
    anchors:
      'already approved|already authori|already consented|already agreed|already confirmed|already granted',
  },
];
