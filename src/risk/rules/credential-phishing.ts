/**
 * Rule `credential-phishing`: a definition that makes the model collect a person's high-value
 * credentials — online-banking logins, card PINs, SMS/2FA/one-time codes, seed or recovery
 * phrases, private keys — through a parameter, a resource-template variable or server
 * instructions. Real tools take API keys and database passwords as parameters; they do not ask
 * for the code a bank just texted you. Multilingual: English, Spanish, Portuguese, French,
 * Italian, German.
 *
 * - a parameter whose name or description asks for such a credential: 25 each (required: 30);
 * - a resource-template variable named for a secret (`{token}`, `{api_key}`): 25;
 * - prose (server instructions, descriptions) asking the user for one: 30.
 */

import type { DefinitionRule, DefinitionString, RuleHit, RuleInput } from '../rule.js';
import { proseStrings } from '../rule.js';
import { tokenSpan } from '../text/analyzed.js';
import { foldText } from '../text/fold.js';
import { bareName, paramsOf } from './params.js';
import { compileSpecs, phraseMatches, type PhraseSpec } from './phrase-rule.js';

/** High-value credentials, folded; `+` joins consecutive words. */
const CREDENTIALS =
  'pin|pins|pin+code|pincode|otp|otp+code|2fa|2fa+code|mfa+code|tan|mtan|one-time+code|one-time+password|one+time+code|verification+code|sms+code|security+code|auth+code|authenticator+code|seed+phrase|seed+words|recovery+phrase|recovery+words|mnemonic|mnemonic+phrase|secret+phrase|private+key|cvv|cvc|cvv2|card+number|bank+password|banking+password|online+banking|bank+login|banking+login|netbanking|master+password|wallet+password|account+password|email+password|paypal+password|apple+id+password|icloud+password|gmail+password|social+security+number|security+answer|passcode|' +
  // Spanish, Portuguese
  'contrasena|clave+de+acceso|clave+bancaria|clave+privada|codigo+de+verificacion|codigo+otp|codigo+sms|frase+semilla|frase+de+recuperacion|senha|chave+privada|codigo+de+verificacao|frase+de+recuperacao|palavras+de+recuperacao|semente|' +
  // French
  'mot+de+passe|code+de+verification|code+secret|cle+privee|phrase+de+recuperation|code+pin|code+sms|' +
  // Italian
  'codice+otp|codice+pin|codice+di+verifica|codice+sms|chiave+privata|frase+di+recupero|' +
  // German
  'passwort|kennwort|geheimzahl|privater+schlussel|wiederherstellungsphrase|bestatigungscode';

/** Credential words with everyday meanings (pin a message, a tan, an assembler mnemonic). */
const AMBIGUOUS = new Set([
  'pin',
  'pins',
  'tan',
  'mtan',
  'mnemonic',
  'semente',
  'passcode',
  'clave+de+acceso',
]);

const POSSESSIVE =
  'your|you|user|tu|tus|su|sus|votre|vos|ton|tes|tua|tuo|il|la|sua|seu|ihre|ihr|ihrer|dein|deine|deiner';

const SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'credential-phishing',
    pattern: `${POSSESSIVE} ~3 ${CREDENTIALS}`,
    weight: 25,
    message: 'asks for a personal credential (banking login, PIN, one-time code, seed phrase)',
    facet: 'secret',
  },
  {
    ruleId: 'credential-phishing',
    pattern: `${CREDENTIALS} ~4 received|sent|texted|ricevuto|recibido|recebido|recu|erhalten|aus|from|de|da|della|du|of|von ~3 sms|text|phone|app|bank|banca|banco|banque|authenticator|wallet|portefeuille|carta|tarjeta|cartao|carte|karte`,
    weight: 25,
    message: 'asks for a code or PIN the person received or holds',
    facet: 'secret',
  },
  {
    ruleId: 'credential-phishing',
    pattern:
      'code|codes|codigo|codice|pin ~4 from|received|sent|texted|in|de|da|aus|von|ricevuto|recibido|recebido|recu ~5 sms|text|authenticator|bank|banking|banca|banco|banque|wallet',
    weight: 25,
    message: 'asks for a code the person received (SMS, authenticator, bank)',
    facet: 'secret',
  },
];
const PHRASES = compileSpecs(SPECS);

/** In a parameter's own description, naming the credential is asking for it. */
const BARE = compileSpecs([
  {
    ruleId: 'credential-phishing',
    pattern: CREDENTIALS.split('|')
      .filter((c) => !AMBIGUOUS.has(c))
      .join('|'),
    weight: 25,
    message: 'parameter asks for a personal credential',
    facet: 'secret',
  },
]);

const ASK =
  'ask|request|prompt|have|get|collect|obtain|type|enter|provide|paste|supply|share|send|give|pide|solicita|pedir|demande|demander|chiedi|chiedere|frage|fordere|peca|pedir|solicite';
const PROSE_PHRASES = compileSpecs([
  {
    ruleId: 'credential-phishing',
    pattern: `${ASK} ~6 ${CREDENTIALS}`,
    weight: 30,
    message: 'asks the user for a personal credential',
    facet: 'secret',
  },
]);

/** Parameter names that are themselves such a credential (bare, folded). */
const CREDENTIAL_NAMES = new Set([
  'pin',
  'cardpin',
  'pincarta',
  'pincode',
  'otp',
  'otpcode',
  'codiceotp',
  'codigootp',
  'smscode',
  'twofactorcode',
  '2facode',
  'mfacode',
  'tan',
  'seedphrase',
  'recoveryphrase',
  'mnemonic',
  'privatekey',
  'cvv',
  'cvc',
  'cardnumber',
  'bankpassword',
  'bankingpassword',
  'bankpin',
  'banklogin',
  'bankusername',
]);

/** Variable names of a resource template that would put a secret into a URI. */
const SECRET_VARIABLES = new Set([
  'token',
  'apikey',
  'accesstoken',
  'authtoken',
  'password',
  'secret',
  'secretkey',
  'privatekey',
  'pat',
  'credentials',
  'sessiontoken',
  'bearer',
]);

function hitsIn(strings: readonly DefinitionString[], set: typeof PHRASES): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const s of strings) {
    for (const m of phraseMatches(set, s.text)) {
      hits.push({
        ruleId: m.spec.ruleId,
        weight: m.spec.weight,
        message: m.spec.message,
        pointer: s.pointer,
        span: tokenSpan(s.text, m.first, m.last),
        facet: 'secret',
      });
      break;
    }
  }
  return hits;
}

function paramHits(input: RuleInput): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const param of paramsOf(input.kind, input.definition)) {
    const own = input.strings.filter(
      (s) => s.role === 'prose' && s.pointer.startsWith(`${param.pointer}/`),
    );
    const named =
      CREDENTIAL_NAMES.has(bareName(param.folded)) && param.schema['type'] !== 'boolean';
    const described = hitsIn(own, PHRASES)[0] ?? hitsIn(own, BARE)[0];
    if (!named && described === undefined) continue;
    const weight = param.required ? 30 : 25;
    hits.push(
      described === undefined
        ? {
            ruleId: 'credential-phishing',
            weight,
            message: `parameter "${param.name}" asks for a personal credential`,
            pointer: param.namePointer,
            span: { start: 0, end: param.name.length },
            facet: 'secret',
          }
        : { ...described, weight },
    );
  }
  return hits;
}

function templateHits(input: RuleInput): RuleHit[] {
  const template = input.definition['uriTemplate'];
  if (input.kind !== 'resourceTemplate' || typeof template !== 'string') return [];
  const hits: RuleHit[] = [];
  for (let i = template.indexOf('{'); i >= 0; i = template.indexOf('{', i + 1)) {
    const close = template.indexOf('}', i);
    if (close < 0 || close - i > 64) break;
    for (const name of template.slice(i + 1, close).split(',')) {
      if (!SECRET_VARIABLES.has(bareName(foldText(name).text))) continue;
      hits.push({
        ruleId: 'credential-phishing',
        weight: 25,
        message: `URI template variable "${name}" would carry a secret`,
        pointer: '/uriTemplate',
        span: { start: i, end: close + 1 },
        facet: 'secret',
      });
    }
  }
  return hits;
}

/** The `credential-phishing` rule. */
export const credentialPhishing: DefinitionRule = (input) => {
  const prose = proseStrings(input).filter(
    (s) => !s.pointer.startsWith('/inputSchema/') && !s.pointer.startsWith('/arguments/'),
  );
  return [...paramHits(input), ...templateHits(input), ...hitsIn(prose, PROSE_PHRASES)];
};
