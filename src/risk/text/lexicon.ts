/**
 * Shared vocabulary of the phrase rules: the secret noun phrases (`$secret`) and verb lists. Words
 * are folded (lower-case ASCII; see fold.ts). Kept here so every rule means the same by "a secret"
 * or "a verb of sending".
 */

import type { TokenClass } from './phrases.js';
import type { Token } from './tokens.js';

/** One-token secrets. */
const SECRET_WORDS = new Set([
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'passphrases',
  'passcode',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'apikeys',
  'api_key',
  'api_keys',
  'access_token',
  'auth_token',
  'secret_key',
  'private_key',
  'client_secret',
  'secrets',
  'mnemonic',
  'cvv',
  'cvv2',
  'cvc',
  'ssn',
  'id_rsa',
  'id_ed25519',
  'keychain',
  'keyfile',
]);

/** Two-token secrets: first word → allowed second words. */
const SECRET_PAIRS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  (
    [
      ['api', ['key', 'keys', 'token', 'tokens', 'secret', 'secrets']],
      ['access', ['token', 'tokens', 'key', 'keys']],
      ['auth', ['token', 'tokens', 'key', 'keys', 'cookie', 'cookies']],
      ['bearer', ['token', 'tokens']],
      ['session', ['token', 'tokens', 'cookie', 'cookies', 'key']],
      ['refresh', ['token', 'tokens']],
      ['oauth', ['token', 'tokens', 'secret']],
      ['github', ['token', 'pat']],
      ['personal', ['token']],
      ['secret', ['key', 'keys', 'phrase', 'token', 'tokens']],
      ['private', ['key', 'keys']],
      ['signing', ['key', 'keys']],
      ['ssh', ['key', 'keys', 'keypair']],
      ['gpg', ['key', 'keys']],
      ['pgp', ['key', 'keys']],
      ['seed', ['phrase', 'phrases', 'words']],
      ['recovery', ['phrase', 'phrases', 'words', 'code', 'codes']],
      ['mnemonic', ['phrase', 'phrases']],
      ['backup', ['phrase', 'codes']],
      ['wallet', ['key', 'keys', 'seed', 'phrase', 'password', 'mnemonic']],
      ['environment', ['variables', 'vars', 'secrets']],
      ['env', ['vars', 'variables', 'file', 'secrets']],
      ['credit', ['card', 'cards']],
      ['card', ['number', 'numbers', 'cvv', 'pin']],
      ['security', ['code', 'codes']],
      ['social', ['security']],
      ['bank', ['account', 'credentials', 'login']],
      ['pin', ['code', 'number']],
      ['2fa', ['code', 'codes']],
      ['otp', ['code', 'codes']],
      ['one-time', ['password', 'code']],
      ['login', ['credentials', 'password']],
      ['aws', ['credentials', 'keys', 'key', 'creds', 'secret']],
      ['cloud', ['credentials']],
      ['cookie', ['jar']],
      ['browser', ['cookies', 'passwords']],
      ['saved', ['passwords', 'credentials']],
    ] as const
  ).map(([first, seconds]) => [first, new Set<string>(seconds)]),
);

/** High-value secrets: asking a person for these is never routine. */
const CRITICAL_SECRETS = new Set([
  'seed',
  'recovery',
  'mnemonic',
  'private',
  'cvv',
  'cvv2',
  'cvc',
  'ssn',
  'social',
  'card',
  'credit',
  'pin',
  'wallet',
  'bank',
]);

/** `$secret`: a secret noun phrase at `index` (1 or 2 tokens), or 0. */
export const secretPhrase: TokenClass = (tokens: readonly Token[], index: number): number => {
  const token = tokens[index];
  if (token?.kind !== 'word') return 0;
  const next = tokens[index + 1];
  if (next?.kind === 'word' && SECRET_PAIRS.get(token.text)?.has(next.text) === true) return 2;
  return SECRET_WORDS.has(token.text) ? 1 : 0;
};

/** `$critical`: a high-value secret (seed phrase, private key, card CVV…) at `index`, or 0. */
const criticalSecret: TokenClass = (tokens: readonly Token[], index: number): number => {
  const n = secretPhrase(tokens, index);
  if (n === 0) return 0;
  return CRITICAL_SECRETS.has(tokens[index]?.text ?? '') ? n : 0;
};

/** `$ident`: an identifier-like word (`send_email`, `fs_read`), the shape of a tool name. */
export const identifier: TokenClass = (tokens: readonly Token[], index: number): number => {
  const token = tokens[index];
  return token?.kind === 'word' && token.text.length >= 4 && token.text.includes('_') ? 1 : 0;
};

function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) n++;
  }
  return n;
}

/**
 * `$dest`: a destination at `index` — a URL or e-mail address, an account-like word (an IBAN, an
 * account or wallet number: at least 8 characters, 6 of them digits, or a `0x…` address), or a
 * phone number written as consecutive number groups (at least 8 digits in all).
 */
export const destination: TokenClass = (tokens: readonly Token[], index: number): number => {
  const token = tokens[index];
  if (token === undefined) return 0;
  if (token.kind === 'url' || token.kind === 'email') return 1;
  if (token.kind !== 'word') return 0;
  if (token.text.length >= 8 && digitCount(token.text) >= 6) return 1;
  if (token.text.startsWith('0x') && token.text.length >= 20) return 1;
  let digits = 0;
  let k = index;
  for (; k < tokens.length && k - index < 6; k++) {
    const t = tokens[k];
    if (t?.kind !== 'word' || digitCount(t.text) !== t.text.length) break;
    digits += t.text.length;
  }
  return digits >= 8 ? k - index : 0;
};

const DESTRUCTIVE_PREFIXES = [
  'delete',
  'drop',
  'remove',
  'destroy',
  'wipe',
  'purge',
  'erase',
  'truncate',
  'format',
  'reset',
  'transfer',
  'send_money',
  'send_funds',
  'pay',
  'withdraw',
  'revoke',
  'force_push',
  'rm_',
];

/** `$destructive`: a tool identifier that destroys data or moves money (`delete_repository`). */
const destructiveIdentifier: TokenClass = (tokens: readonly Token[], index: number) => {
  const token = tokens[index];
  if (token?.kind !== 'word' || !token.text.includes('_')) return 0;
  return DESTRUCTIVE_PREFIXES.some((p) => token.text.startsWith(p)) ? 1 : 0;
};

/** The token classes every rule may use. */
export const TOKEN_CLASSES: Readonly<Record<string, TokenClass>> = {
  $secret: secretPhrase,
  $critical: criticalSecret,
  $ident: identifier,
  $dest: destination,
  $destructive: destructiveIdentifier,
};

/** Verbs of moving data somewhere else. */
export const SEND_VERBS =
  'send|sending|sends|post|posting|upload*|forward*|transmit*|exfiltrat*|email|emailing|mail|submit|leak|leaking|beacon|deliver|relay|pipe|sync|report|bcc|cc|copy|share|sharing|curl|wget|push|log';

/** Verbs of obtaining data. */
export const READ_VERBS =
  'read|reading|reads|cat|open|load|access|fetch|get|retrieve|obtain|collect|gather|grab|extract|dump|copy|print|output|list|find|scan|steal|harvest|exfiltrat*|include|attach|look';
