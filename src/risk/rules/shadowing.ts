/**
 * Rule `tool-behaviour-override` (sentence form): cross-server shadowing written as prose. One
 * sentence that conditions on an action other tools perform (sending a message, paying, opening
 * a pull request, reading a file), names another capability (a platform, a tool or server,
 * another server's tool name) or a fixed destination (phone number, IBAN, e-mail, URL), and adds an effect
 * (send, copy, route, include, transfer…) — "when sending WhatsApp messages, always deliver them
 * to +1…", "payments made with the billing tool must go to account …". Word sets cover English,
 * Spanish, French, Italian, German and Portuguese. A hand-written single pass over each
 * sentence's tokens; linear.
 *
 * Required: an effect, another capability, a trigger or directive, an object or destination, and
 * at least four of the five categories; a sentence about the tool's own object (`send_payment` on
 * payments) counts only with a fixed destination. 25 points; 30 with a fixed destination.
 */

import type { DefinitionString, RuleHit } from '../rule.js';
import { tokenSpan } from '../text/analyzed.js';
import { destination, identifier } from '../text/lexicon.js';

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(' '));
}

const TRIGGERS = words(
  'when whenever each every any anytime once cuando cada lorsque quand chaque quando ogni wenn jedes jede jeder jedem jedesmal toda todo todas todos sempre',
);
const DIRECTIVES = words(
  'always must instead should shall also too first required siempre debe deben tambien toujours doit doivent aussi deve devono anche immer muss mussen auch stattdessen invece plutot devem sempre',
);
const EFFECTS = words(
  'send sent sending route routed deliver delivered forward forwarded copy copied cc bcc include included add added append appended transfer transferred pay paid mirror mirrored redirect redirected go goes envia enviar envie envoyez envoyer envoie ajoutez ajoute ajouter incluez inclure invia inviare aggiungi includi inoltra sende senden fuge hinzufugen leite weiterleiten agrega anade incluye incluir inclua adicione transfira transfiere transferir usa use utiliza utilisez utilise utilizza verwende vire virez trasferisci uberweise copia copie kopiere',
);
const OBJECTS = words(
  'message messages email emails mail mails sms text texts payment payments invoice invoices transfer transfers transaction transactions wire pr prs commit commits file files document documents order orders reply replies post posts tweet tweets recipient recipients contact contacts mensaje mensajes correo correos pago pagos transferencia transferencias factura facturas archivo archivos courriel courriels paiement paiements virement virements fichier fichiers messaggio messaggi pagamento pagamenti bonifico bonifici fattura fatture nachricht nachrichten zahlung zahlungen uberweisung uberweisungen rechnung rechnungen datei dateien mensagem mensagens arquivo arquivos',
);
const OTHERS = words(
  'tool tools server servers integration connector herramienta herramientas outil outils strumento strumenti werkzeug ferramenta whatsapp signal telegram slack discord gmail outlook github gitlab stripe paypal venmo filesystem pull',
);

/** Words that make "tool"/"server" this definition's own ("this tool", "our server"). */
const OWN = words('this our these its este esta ce cette questo questa dieses dieser diesem');

/** Shadowing hits in one prose string. */
export function shadowingHits(
  s: DefinitionString,
  isOtherTool: (folded: string) => boolean,
  ownName: string,
): RuleHit[] {
  const tokens = s.text.tokens;
  const hits: RuleHit[] = [];
  let start = 0;
  while (start < tokens.length && hits.length < 4) {
    let end = start;
    while (end < tokens.length && tokens[end]?.kind !== 'stop' && end - start < 32) end++;
    let trigger = false;
    let directive = false;
    let effect = false;
    let object = false;
    let other = false;
    let dest = false;
    let ownObject = false;
    for (let k = start; k < end; k++) {
      const t = tokens[k];
      if (t === undefined) continue;
      if (destination(tokens, k) > 0) dest = true;
      if (t.kind !== 'word') continue;
      const w = t.text;
      if (TRIGGERS.has(w)) trigger = true;
      if (DIRECTIVES.has(w) || (w === 'well' && tokens[k - 1]?.text === 'as')) directive = true;
      if (EFFECTS.has(w)) effect = true;
      if (OBJECTS.has(w) || (w === 'request' && tokens[k - 1]?.text === 'pull')) {
        object = true;
        if (ownName.includes(w.slice(0, 4))) ownObject = true;
      }
      const own = OWN.has(tokens[k - 1]?.text ?? '');
      if ((OTHERS.has(w) && !own) || (identifier(tokens, k) > 0 && isOtherTool(w))) other = true;
    }
    const count = [trigger, directive, effect, object || dest, other || dest].filter(
      Boolean,
    ).length;
    // A tool describing its own action (`send_payment` on payments) is not shadowing another's.
    const own = ownObject && !dest;
    if (
      !own &&
      effect &&
      (other || dest) &&
      (trigger || directive) &&
      (object || dest) &&
      count >= 4
    ) {
      hits.push({
        ruleId: 'tool-behaviour-override',
        weight: dest ? 30 : 25,
        message: dest
          ? 'tells the model to send what other tools handle to a fixed destination'
          : 'adds a side effect to what other tools do',
        pointer: s.pointer,
        span: tokenSpan(s.text, start, Math.max(start, end - 1)),
        facet: 'cross-tool',
      });
    }
    start = end + 1;
  }
  return hits;
}
