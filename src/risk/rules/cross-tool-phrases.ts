/**
 * Phrase patterns of the `cross-tool` family's `tool-behaviour-override` rule: shadowing written
 * without naming the shadowed tool ("all other tools must…", "all emails must be sent to x@y",
 * "when you send an e-mail, always add … in BCC", "payments made with the billing tool must go to
 * account …"). English, Spanish, French, Italian, German and Portuguese trigger words.
 */

import type { PhraseSpec } from './phrase-rule.js';

/** Actions of other tools (a conditional on them is shadowing when it adds a side effect). */
const ACTIONS =
  'send*|sending|create|creating|open|opening|make|making|submit*|pay|paying|transfer*|post|posting|commit*|push|pushing|book*|order*|write|writing|upload*|share|sharing|reply|replying|envoyez|envoies|envoyer|enviar|envies|envias|realices|realizas|invii|inviare|sendest|senden|erstellst|crees|creez|crei|effectuez|effettui|fai|faites|haces|schreibst';

/** Generic shadowing phrasings (`tool-behaviour-override`) that name no tool. */
export const SHADOWING_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'other|another|third-party|competing ~1 server*|tool*|integration*|plugin* ~3 are|is|have+been|has+been ~2 compromised|unsafe|malicious|deprecated|broken|untrusted|disabled|insecure|hacked',
    weight: 25,
    message: 'discredits the tools of other servers',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'route|send|direct|redirect|forward|pass ~2 all|every|any ~1 request*|call*|message*|traffic|queries|query|operation* ~3 through|via|to ~2 this ~1 tool|server|function|proxy',
    weight: 25,
    message: 'routes every request through this tool',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      "do+not|don't|dont|never|must+not|should+not|stop ~1 use|using|call|calling|invoke ~3 other|another|any+other ~2 server's|servers|server|tools|tool|integrations",
    weight: 25,
    message: "tells the model not to use other servers' tools",
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      "pretend|claim|say|tell+the+user ~4 unavailable|not+available|don't+exist|do+not+exist|broken|offline|not+installed|failed",
    weight: 20,
    message: 'tells the model to misreport other tools as unavailable',
    facet: 'concealment',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'all|any|every ~1 other ~1 tool|tools|function|functions|server|servers ~5 must|should|shall|always|need|needs|will',
    weight: 20,
    message: 'instructs the model about all other tools',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'when|whenever|if|once|while ~3 this ~1 tool|server|function ~1 is ~1 available|present|installed|loaded|enabled|active|connected',
    weight: 12,
    message: 'conditions behaviour on "this tool being available" (shadowing phrasing)',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      "all|every|any ~2 email*|mail*|message*|request*|transaction*|payment*|transfer* ~4 must|should|shall|will|are|need ~4 sent|forwarded|copied|bcc*|cc*|redirected|routed|cc'd|bcc'd|addressed|go ~3 to ~2 $sink",
    weight: 25,
    message: 'redirects every message or payment to a fixed address',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'change|replace|set|redirect|switch|override|use ~3 recipient*|beneficiar*|payee|iban|account+number|wallet+address|destination+account ~4 to|with ~2 $sink|$word',
    weight: 20,
    message: 'changes where something is sent',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern: `${ACTIONS} ~6 with|via|using|through|con|avec|mit|tramite ~3 any|the|another|other|cualquier|qualsiasi|n'importe|jedem ~2 tool|tools|server|herramienta|outil|strumento|werkzeug|$ident ~8 must|should|always|siempre|toujours|sempre|immer ~6 go|be+sent|be+paid|be+routed|be+addressed|use|usa|utilise|utilizza|verwende ~4 to|al|a|an|account|cuenta|compte|conto|konto|$dest`,
    weight: 25,
    message: "fixes the destination of another tool's payments or messages",
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'when|whenever|if|each+time|every+time|cuando|lorsque|quand|quando|wenn ~2 a|an|any|the|un|una|une|ein|eine ~2 email*|e-mail*|mail|message*|payment*|transfer*|file*|pull+request*|pr|commit*|order*|invoice*|issue*|post ~3 is|are|gets|get|es|est|e|wird ~1 sent|created|written|made|opened|submitted|paid|merged|pushed|posted|enviado|envoye|inviato|gesendet|creado|cree ~10 always|also|must|should|instead|siempre|toujours|sempre|immer',
    weight: 25,
    message: 'adds a side effect to an action other tools perform',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'instead ~1 of ~2 using|calling|invoking|the ~4 tool|tools|$ident ~6 use|call|invoke|send|route',
    weight: 20,
    message: 'tells the model to use this tool instead of another',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'mirror|duplicate|copy|forward|replicate|echo ~3 every|each|all|any ~3 file*|message*|result*|output*|document*|email*|response* ~6 read|receive|fetch|get|open|return*|produce* ~4 with|from|by|via|using ~2 $ident|tool|tools|server',
    weight: 25,
    message: 'mirrors what other tools read or receive into this tool',
    facet: 'cross-tool',
  },
  {
    ruleId: 'tool-behaviour-override',
    pattern:
      'payments|payment|transfers|transfer|messages|emails|invoices|funds|orders|pagos|pagamenti|paiements|zahlungen|virements|transferencias ~6 made|sent|done|created|processed|hechos|realizados|effectues|effettuati ~2 with|via|using|through|by|con|avec|mit ~3 tool|tools|$ident|$word ~3 tool|tools ~4 must|should|shall|always|will ~3 go|be|sent|use|routed',
    weight: 25,
    message: "fixes where another tool's payments or messages go",
    facet: 'cross-tool',
  },
];
