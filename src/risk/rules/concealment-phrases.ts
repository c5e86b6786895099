/**
 * Phrase patterns for concealment: keeping something from the user ("do not tell the user",
 * "without the user knowing", "silently send…"). Shared by the definition rule (concealment.ts)
 * and the output scanner. Weights: 35 for telling the model to hide things from the user, 20 for
 * doing an action "silently/secretly".
 */

import type { PhraseSpec } from './phrase-rule.js';

const NEGATION =
  "do+not|don't|dont|never|must+not|should+not|shouldn't|mustn't|without|avoid|no+need+to";
const TELL = 'tell*|inform*|mention*|notify*|alert*|reveal*|disclose*|let|letting|warn*|bring+up';
const USER =
  "user|users|user's|the+user|human|the+human|anyone|person|customer|client|operator|owner|them|him|her|people";
const ACTIONS =
  'send|sends|sending|upload*|post|forward*|transmit*|exfiltrat*|copy|copies|read|reads|collect*|include*|add|attach*|bcc|cc|share|leak*|email|emails|append*|harvest*|steal*|gather*|extract*|change|replace|modify|redirect*|alter';
const STEALTH =
  'secretly|covertly|quietly|silently|stealthily|discreetly|invisibly|surreptitiously|unnoticed|unobtrusively';

/** The user, as the subject of "… should not know". */
const USER_SUBJECT = "user|user's|users|human";
/** Verbs of the user finding out. */
const KNOW = 'know|notice|aware|told|informed|find|learn|realize|suspect';
/** Prefilter anchors of the "the user should not know" patterns: a negation, then a `KNOW` verb. */
const KNOW_ANCHORS = ['not ', 'never ', 't ', 'to ']
  .flatMap((lead) =>
    [
      'know',
      'notice',
      'be aware',
      'be told',
      'be informed',
      'find',
      'learn',
      'realiz',
      'suspect',
    ].map((verb) => lead + verb),
  )
  .join('|');

/** Concealment patterns. */
export const CONCEALMENT_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'concealment',
    pattern: `${NEGATION} ~2 ${TELL} ~3 ${USER}`,
    weight: 35,
    message: 'tells the model to keep something from the user',
    facet: 'concealment',
    anchors:
      'tell|inform the|inform them|inform user|inform any|informing|mention this|mention it|mention that|mention the|mention any|mention to|mentioning|notify|notifying|alert the|alert them|alert user|alert any|alerting|reveal|disclos|let the|let them|let him|let her|let any|letting|warn the|warn them|warn user|warn any|warning the|bring up',
  },
  {
    ruleId: 'concealment',
    pattern: `${NEGATION} ~2 mention*|reveal*|disclose*|tell* ~3 this|these|that|those|the|any|such ~2 instruction*|step*|note|notes|action*|request*|process|behavior|behaviour|fact|part|detail*|sidenote|parameter|operation`,
    weight: 25,
    message: 'tells the model not to mention its instructions',
    facet: 'concealment',
    anchors: 'mention|reveal|disclos|tell',
  },
  {
    ruleId: 'concealment',
    pattern: `${NEGATION} ~2 mention*|reveal*|disclose*|tell* ~1 that|how|why|where|what ~1 you|we|this+tool|the+tool|this+step`,
    weight: 25,
    message: 'tells the model not to mention what it is doing',
    facet: 'concealment',
    anchors: 'mention|reveal|disclos|tell',
  },
  {
    ruleId: 'concealment',
    pattern: `${USER_SUBJECT} ~3 should|must|need|needs|shall ~1 not|never ~3 ${KNOW}`,
    weight: 30,
    message: 'the user is meant not to know',
    facet: 'concealment',
    anchors: KNOW_ANCHORS,
  },
  {
    ruleId: 'concealment',
    pattern: `${USER_SUBJECT} ~3 doesn't|don't|won't|shouldn't|mustn't|needn't ~3 ${KNOW}`,
    weight: 30,
    message: 'the user is meant not to know',
    facet: 'concealment',
    anchors: KNOW_ANCHORS,
  },
  {
    ruleId: 'concealment',
    pattern: `without ~3 user's|user|users|their|them|his|her|anyone ~2 knowledge|knowing|noticing|awareness|realizing|being+aware|suspicion|noticing`,
    weight: 30,
    message: "acts without the user's knowledge",
    facet: 'concealment',
    anchors: 'knowledge|knowing|noticing|awareness|realizing|being aware|suspicion',
  },
  {
    ruleId: 'concealment',
    pattern: `hide|conceal|mask|obscure|hiding|concealing ~4 from ~2 ${USER}`,
    weight: 35,
    message: 'hides something from the user',
    facet: 'concealment',
    anchors:
      'from the user|from user|from the human|from human|from anyone|from them|from him|from her|from people|from the operator|from the owner|from the client|from the customer|from the person|from customer|from client|from operator|from owner|from person',
  },
  {
    ruleId: 'concealment',
    pattern:
      'keep ~2 this|it|these|that|everything ~2 secret|hidden|confidential|between+us|to+yourself|quiet',
    weight: 30,
    message: 'asks the model to keep something secret',
    facet: 'concealment',
    anchors: 'keep this|keep it|keep these|keep that|keep everything',
  },
  {
    ruleId: 'concealment',
    pattern: `${STEALTH} ~5 ${ACTIONS}`,
    weight: 20,
    message: 'asks for an action done silently or secretly',
    facet: 'concealment',
    anchors:
      'secretly|covertly|quietly|silently|stealthily|discreetly|invisibly|surreptitious|unnoticed|unobtrusive',
  },
  {
    ruleId: 'concealment',
    pattern: `${ACTIONS} ~8 ${STEALTH}`,
    weight: 20,
    message: 'asks for an action done silently or secretly',
    facet: 'concealment',
    anchors:
      'secretly|covertly|quietly|silently|stealthily|discreetly|invisibly|surreptitious|unnoticed|unobtrusive',
  },
  // Other languages.
  {
    ruleId: 'concealment',
    pattern:
      "no|nunca|nao|jamais|ne|non ~2 digas|menciones|informes|reveles|diga|conte|mencione|dis|dites|mentionne|mentionnez|revele|dire|menzionare|rivelare|dica ~4 usuario|utilisateur|l'utilisateur|utente|all'utente|user",
    weight: 35,
    message: 'tells the model to keep something from the user',
    facet: 'concealment',
    anchors: 'usuario|utilisateur|utente',
  },
  {
    ruleId: 'concealment',
    pattern:
      "tell|say|inform|respond|reply|answer|di|dis|dites|digli|dile|diga|diz|sag|sage|teile|responde|responda|reponds|repondez|rispondi|antworte ~3 user|user's|utente|all'utente|l'utente|usuario|al+usuario|ao+usuario|utilisateur|l'utilisateur|a+l'utilisateur|nutzer|benutzer|dem+nutzer|dem+benutzer ~2 only|just|merely|solo|soltanto|solamente|unicamente|seulement|uniquement|apenas|somente|nur",
    weight: 28,
    message: 'tells the model what (only) to tell the user',
    facet: 'concealment',
    anchors: 'only|just|merely|solo|soltanto|solamente|seulement|uniquement|apenas|somente|nur',
  },
  {
    ruleId: 'concealment',
    pattern:
      "only|just|solo|soltanto|seulement|apenas|nur ~1 tell|say|inform|di|dis|dile|diga|sag ~2 user|user's|utente|all'utente|usuario|utilisateur|l'utilisateur|nutzer|benutzer ~3 that|che|que|dass",
    weight: 28,
    message: 'tells the model what (only) to tell the user',
    facet: 'concealment',
    anchors: 'only|just|solo|soltanto|seulement|apenas|nur',
  },
  {
    ruleId: 'concealment',
    pattern:
      "tell|say|inform|respond|reply|answer|di|dis|dites|digli|dile|diga|diz|sag|sage|teile|responde|responda|reponds|repondez|rispondi|antworte ~1 only|just|merely|solo|soltanto|solamente|unicamente|seulement|uniquement|apenas|somente|nur ~3 user|user's|utente|all'utente|l'utente|usuario|utilisateur|l'utilisateur|nutzer|benutzer",
    weight: 28,
    message: 'tells the model what (only) to tell the user',
    facet: 'concealment',
  },
  {
    ruleId: 'concealment',
    pattern:
      "sin|sans|senza|ohne|sem ~2 avisar|decir|decirle|informar|notificar|prevenir|dire|informer|avertir|prevenire|avvisare|dirlo|informare|informieren|benachrichtigen|contar|mencionar ~3 usuario|al+usuario|utilisateur|l'utilisateur|utente|all'utente|l'utente|nutzer|benutzer|ao+usuario",
    weight: 30,
    message: 'acts without telling the user',
    facet: 'concealment',
    anchors: 'usuario|utilisateur|utente|nutzer|benutzer',
  },
  {
    ruleId: 'concealment',
    pattern:
      'non|no|nao|ne ~1 menzionare|menzionarlo|menzionarla|dire|rivelare|menciones|mencionar|reveles|mencione|revele|conte|mentionne|mentionnez|revele|revelez|dis|dites',
    weight: 20,
    message: 'tells the model not to mention something',
    facet: 'concealment',
    anchors: 'menzion|rivel|mencion|revel|mentionn|conte|non dire|ne dis|ne dites',
  },
  {
    ruleId: 'concealment',
    pattern: 'erwahne|erwahnen|verrate|verraten|sage|sag ~4 nicht|niemals|nichts|keinesfalls',
    weight: 20,
    message: 'tells the model not to mention something',
    facet: 'concealment',
    anchors: 'erwahn|verrat',
  },
  {
    ruleId: 'concealment',
    pattern:
      'sag|sage|erwahne|verrate|informiere|sagen|erwahnen ~4 benutzer|nutzer|anwender ~2 nicht|nichts|niemals',
    weight: 35,
    message: 'tells the model to keep something from the user',
    facet: 'concealment',
    anchors: 'benutzer|nutzer|anwender',
  },
  {
    ruleId: 'concealment',
    pattern:
      'не|никогда ~2 говори|сообщай|упоминай|рассказывай|показывай ~3 пользователю|пользователя|юзеру',
    weight: 35,
    message: 'tells the model to keep something from the user',
    facet: 'concealment',
    anchors: '', // non-ASCII text always takes the slow path
  },
  {
    ruleId: 'concealment',
    pattern: '不要|别|不得|切勿|請勿|不要向 ~3 告诉|告訴|透露|提及|提醒|让|讓 ~3 用户|用戶|使用者',
    weight: 35,
    message: 'tells the model to keep something from the user',
    facet: 'concealment',
    anchors: '', // non-ASCII text always takes the slow path
  },
  {
    ruleId: 'concealment',
    pattern: 'ユーザー ~3 伝え|言わ|知らせ|教え',
    weight: 35,
    message: 'tells the model to keep something from the user',
    facet: 'concealment',
    anchors: '', // non-ASCII text always takes the slow path
  },
];
