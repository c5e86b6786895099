/**
 * Output-only phrase patterns (output-injection.ts): text in a tool result that directs the model
 * reading it — "you must now call…", secrets sent to an address, notes and greetings addressed to
 * the AI ("Hey assistant reading this", "Nota para el asistente"), "the user wants you to…",
 * requests for private data, calls of tools that destroy data or move money, and soliciting a
 * seed phrase or card code.
 */

import { SEND_VERBS } from '../text/lexicon.js';
import type { PhraseSpec } from './phrase-rule.js';

const ADDRESSEES =
  'ai|assistant|agent|model|llm|claude|copilot|chatgpt|gpt|bot|chatbot|ais|assistants|agents|models|llms|systems';
const VOCATIVE_ANCHORS = 'hey|dear|attention|hello|hi|note to'
  .split('|')
  .flatMap((v) => ADDRESSEES.split('|').map((a) => `${v} ${a}`))
  .join('|');

const READING_ANCHORS =
  'reading this|reads this|processing this|processes this|triaging this|triages this|summarizing this|summarising this|summarizes this|summarises this|reviewing this|reviews this|handling this|handles this|parsing this|parses this|reading these|processing these|reading it|processing it|summarizing it|handling it';

/** Output-only patterns (`output-tool-directive`, `output-credential-request`, …). */
export const OUTPUT_ONLY_SPECS: readonly PhraseSpec[] = [
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
  {
    ruleId: 'output-tool-directive',
    pattern: `hey|dear|attention|hello|hi|note+to ~1 ${ADDRESSEES}`,
    weight: 25,
    message: 'addresses the AI model reading the output',
    anchors: VOCATIVE_ANCHORS,
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `${ADDRESSEES} ~3 reading|reads|processing|processes|triaging|triages|summarizing|summarising|summarizes|summarises|reviewing|reviews|handling|handles|parsing|parses ~1 this|these|it`,
    weight: 25,
    message: 'addresses the AI model reading the output',
    anchors: READING_ANCHORS,
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `whoever|anyone|anybody ~1 reading|reads|processing|processes|triaging|triages|summarizing|summarises|reviewing|reviews|handling|handles ~1 this|these|it ~6 ${ADDRESSEES}`,
    weight: 25,
    message: 'addresses the AI model reading the output',
    anchors: READING_ANCHORS,
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `note|notice|memo|message|ps|p+s|nota|hinweis|nachricht|mensaje|messaggio ~1 to|for|para|per|an|fur|pour|al|a ~2 ${ADDRESSEES}|asistente|assistente|modelo|modello|modele|ki|ia`,
    weight: 25,
    message: 'a note addressed to the AI model reading the output',
    anchors:
      'note to|note for|notice to|notice for|memo to|memo for|message to|message for|ps to|s. to|nota para|nota per|hinweis f|hinweis an|hinweis fur|nachricht an|mensaje para|messaggio per|note pour|message pour|nota al|nota a',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `${ADDRESSEES} ~2 should|must|needs+to|need+to|has+to|have+to ~2 delete|send|email|forward|upload|transfer|approve|merge|share|run+rm|run+curl|run+wget|run+sudo|execute+rm|execute+curl`,
    weight: 25,
    message: 'tells the AI model reading the output to take an action',
    anchors: ADDRESSEES.split('|')
      .flatMap((a) => [
        `${a} should`,
        `${a} must`,
        `${a} needs`,
        `${a} need`,
        `${a} has to`,
        `${a} have to`,
      ])
      .join('|'),
  },
  {
    ruleId: 'output-tool-directive',
    pattern: 'call|invoke|run|execute|trigger|use|schedule ~3 $destructive',
    weight: 30,
    message: 'tells the model to call a tool that destroys data or moves money',
    anchors:
      'delete_|drop_|remove_|destroy_|wipe_|purge_|erase_|truncate_|format_|reset_|transfer_|send_money|send_funds|pay_|withdraw_|revoke_|force_push|rm_',
  },
  {
    ruleId: 'output-role-override',
    pattern: "you ~1 are|'re|re ~1 now ~3 and ~1 must|should|shall|have+to",
    weight: 25,
    message: 'gives the model a new role with new duties',
    anchors: 'are now|re now',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `${ADDRESSEES} ~1 please|kindly`,
    weight: 25,
    message: 'addresses the AI model reading the output',
    anchors: ADDRESSEES.split('|')
      .flatMap((a) => [`${a} please`, `${a} kindly`])
      .join('|'),
  },
  {
    ruleId: 'output-tool-directive',
    pattern:
      'user|owner|admin|administrator|developer ~3 wants|asked|instructed|requested|authorized|authorised|would+like ~2 you ~3 to|also|now|send|email|forward|call|run|share',
    weight: 25,
    message: 'speaks for the user to direct the model',
    anchors:
      'wants you|asked you|instructed you|requested you|authorized you|authorised you|would like you|wants that you|asked that you|requested that you|instructed that you',
  },
  {
    ruleId: 'output-tool-directive',
    pattern:
      'before|after ~1 you|answering|responding|replying|summarizing|summarising|continuing ~4 call|invoke|run|execute|use ~3 $ident',
    weight: 25,
    message: 'tells the model to call a tool before answering',
    anchors:
      'before you|before answering|before responding|before replying|before summari|before continuing|after you',
  },
  {
    ruleId: 'output-tool-directive',
    pattern: `please|must|need+to|needs+to|should|now|immediately ~3 ${SEND_VERBS}|collect|gather|dump|paste|open|reveal|expose|publish ~6 private|confidential ~1 repositor*|repo|repos|document*|files|file|data|emails|messages|keys|notes|code`,
    weight: 30,
    message: 'asks for private data to be collected or sent',
    anchors: 'private|confidential',
  },
];
