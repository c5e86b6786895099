/**
 * Rule `output-secret`: credential-shaped text in a tool result (DESIGN §8 "secret-like text").
 * Prefix-anchored shapes only — AWS access key ids, PEM private keys, GitHub/GitLab/npm/Slack/
 * OpenAI-style/Stripe/Google tokens, JWTs — plus `password=`/`api_key:` style assignments whose
 * value looks random. Prose about keys, UUIDs and AWS's documented example key are not secrets.
 * Evidence is masked: the recognisable prefix and the length, never the value.
 */

import { looksRandom } from './secret-value.js';

/** The rule id of every secret finding (any other output rule id means instruction-like text). */
export const OUTPUT_SECRET_RULE = 'output-secret';

/** A secret found at `[start, end)`. */
export interface SecretHit {
  readonly start: number;
  readonly end: number;
  readonly weight: number;
  readonly label: string;
  readonly evidence: string;
}

type Verifier = (text: string, at: number) => SecretHit | undefined;

function isUpperOrDigit(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}
function isAlnum(c: number): boolean {
  return isUpperOrDigit(c) || (c >= 0x61 && c <= 0x7a);
}
function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === 0x5f || c === 0x2d;
}

function runLength(text: string, from: number, test: (c: number) => boolean, max = 512): number {
  let i = from;
  while (i < text.length && i - from < max && test(text.charCodeAt(i))) i++;
  return i - from;
}

function masked(prefix: string, length: number): string {
  return `${prefix}…(${String(length)} chars)`;
}

function hit(
  start: number,
  end: number,
  weight: number,
  label: string,
  prefixLength: number,
  text: string,
): SecretHit {
  return {
    start,
    end,
    weight,
    label,
    evidence: masked(text.slice(start, start + prefixLength), end - start),
  };
}

/** A fixed prefix followed by at least `min` characters passing `test`, on word boundaries. */
function prefixed(
  prefix: string,
  min: number,
  test: (c: number) => boolean,
  weight: number,
  label: string,
  caseSensitive = true,
): Verifier {
  return (text, at) => {
    const head = text.slice(at, at + prefix.length);
    if (caseSensitive ? head !== prefix : head.toLowerCase() !== prefix.toLowerCase())
      return undefined;
    if (at > 0 && isTokenChar(text.charCodeAt(at - 1))) return undefined;
    const n = runLength(text, at + prefix.length, test);
    if (n < min) return undefined;
    const end = at + prefix.length + n;
    return hit(at, end, weight, label, Math.min(prefix.length + 2, 8), text);
  };
}

const awsKeyId: Verifier = (text, at) => {
  if (at > 0 && isAlnum(text.charCodeAt(at - 1))) return undefined;
  for (let i = at; i < at + 4; i++) if (!isUpperOrDigit(text.charCodeAt(i))) return undefined;
  const n = runLength(text, at + 4, isUpperOrDigit, 40);
  if (n !== 16) return undefined;
  const id = text.slice(at, at + 20);
  if (id.endsWith('EXAMPLE')) return undefined; // AWS's documented example keys
  return hit(at, at + 20, 35, 'an AWS access key id', 4, text);
};

const PEM_LABEL = 'PRIVATE KEY';
const pemPrivateKey: Verifier = (text, at) => {
  if (!text.startsWith('-----BEGIN ', at)) return undefined;
  const close = text.indexOf('-----', at + 11);
  if (close < 0 || close - at > 60) return undefined;
  const header = text.slice(at + 11, close);
  if (!header.endsWith(PEM_LABEL) && !header.endsWith('PRIVATE KEY BLOCK')) return undefined;
  const endMarker = text.indexOf('-----END', close + 5);
  const endClose = endMarker < 0 ? -1 : text.indexOf('-----', endMarker + 8);
  const end =
    endMarker < 0
      ? close + 5
      : endClose < 0 || endClose - endMarker > 60
        ? endMarker + 8
        : endClose + 5;
  return {
    start: at,
    end,
    weight: 40,
    label: 'a private key',
    evidence: masked(`-----BEGIN ${header}-----`, end - at),
  };
};

const jwt: Verifier = (text, at) => {
  if (!text.startsWith('eyJ', at) || (at > 0 && isTokenChar(text.charCodeAt(at - 1))))
    return undefined;
  let i = at;
  for (let part = 0; part < 3; part++) {
    const n = runLength(text, i, isTokenChar, 4096);
    if (n < 8) return undefined;
    i += n;
    if (part < 2) {
      if (text.charCodeAt(i) !== 0x2e) return undefined;
      i++;
    }
  }
  return hit(at, i, 20, 'a JSON Web Token', 3, text);
};

const openAiLike: Verifier = (text, at) => {
  if (!text.startsWith('sk-', at) || (at > 0 && isTokenChar(text.charCodeAt(at - 1))))
    return undefined;
  const n = runLength(text, at + 3, isTokenChar);
  if (n < 20) return undefined;
  const value = text.slice(at + 3, at + 3 + n);
  if (!looksRandom(value)) return undefined;
  return hit(at, at + 3 + n, 30, 'an API secret key (sk-…)', 7, text);
};

const slackWebhook: Verifier = (text, at) => {
  const prefix = 'hooks.slack.com/services/';
  if (!text.startsWith(prefix, at)) return undefined;
  const n = runLength(text, at + prefix.length, (c) => isAlnum(c) || c === 0x2f);
  return n >= 20
    ? hit(at, at + prefix.length + n, 30, 'a Slack webhook URL', prefix.length, text)
    : undefined;
};

const ASSIGNMENT_KEYS = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'api_key',
  'apikey',
  'api-key',
  'access_token',
  'auth_token',
  'token',
  'private_key',
  'client_secret',
  'access_key',
  'secret_key',
];

function isValueChar(c: number): boolean {
  return (
    c > 0x20 &&
    c < 0x7f &&
    c !== 0x22 &&
    c !== 0x27 &&
    c !== 0x2c &&
    c !== 0x3b &&
    c !== 0x7d &&
    c !== 0x5d &&
    c !== 0x29 &&
    c !== 0x3c &&
    c !== 0x3e
  );
}

function isIdentStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
}

/**
 * Whether an assigned value is code naming where a secret lives rather than the secret: a dotted
 * member path (`process.env.OPENAI_API_KEY`, `settings.API_KEY`, `os.environ[`), or an
 * environment variable name (`AWS_SECRET_ACCESS_KEY`: capitals, digits and underscores).
 */
function isCodeReference(value: string): boolean {
  let dots = 0;
  let lower = false;
  let segmentStart = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (segmentStart) {
      if (!isIdentStart(c)) return false;
      segmentStart = false;
    } else if (c === 0x2e) {
      dots++;
      segmentStart = true;
    } else if ((c === 0x5b || c === 0x28) && i === value.length - 1) {
      return dots > 0;
    } else if (!(isIdentStart(c) || (c >= 0x30 && c <= 0x39))) {
      return false;
    }
    if (c >= 0x61 && c <= 0x7a) lower = true;
  }
  if (segmentStart) return false;
  return dots > 0 || (!lower && value.includes('_'));
}

/** `password = "…"`, `"api_key": "…"`, `token: …` with a random-looking value. */
const assignment: Verifier = (text, at) => {
  let i = at;
  while (
    i < text.length &&
    i - at < 40 &&
    (isAlnum(text.charCodeAt(i)) || text.charCodeAt(i) === 0x5f || text.charCodeAt(i) === 0x2d)
  )
    i++;
  const key = text.slice(at, i);
  if (at > 0 && isAlnum(text.charCodeAt(at - 1)) && text.charCodeAt(at - 1) !== 0x5f) {
    // `db_password` is fine (the underscore is checked above); `xpassword` is not a key.
    if (!key.includes('_')) return undefined;
  }
  if (text.charCodeAt(i) === 0x22 || text.charCodeAt(i) === 0x27) i++;
  while (text.charCodeAt(i) === 0x20) i++;
  const op = text.charCodeAt(i);
  if (op !== 0x3d && op !== 0x3a) return undefined;
  i++;
  if (text.charCodeAt(i) === 0x3e) i++;
  while (text.charCodeAt(i) === 0x20) i++;
  if (text.charCodeAt(i) === 0x22 || text.charCodeAt(i) === 0x27) i++;
  const n = runLength(text, i, isValueChar, 256);
  const value = text.slice(i, i + n);
  if (!looksRandom(value) || isCodeReference(value)) return undefined;
  return {
    start: at,
    end: i + n,
    weight: 20,
    label: `a ${key} value`,
    evidence: masked(text.slice(at, i), n),
  };
};

/** Secret anchors (lower-case, for the keyword automaton) and the verifier each one triggers. */
export const SECRET_ANCHORS: readonly (readonly [string, Verifier])[] = [
  ...['akia', 'asia', 'agpa', 'aida', 'aroa', 'aipa', 'anpa', 'anva', 'abia', 'acca'].map(
    (a) => [a, awsKeyId] as const,
  ),
  ['-----begin ', pemPrivateKey],
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map(
    (p) => [p, prefixed(p, 36, isAlnum, 35, 'a GitHub token')] as const,
  ),
  [
    'github_pat_',
    prefixed('github_pat_', 22, (c) => isAlnum(c) || c === 0x5f, 35, 'a GitHub token'),
  ],
  ...['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-', 'xapp-'].map(
    (p) => [p, prefixed(p, 10, isTokenChar, 30, 'a Slack token')] as const,
  ),
  ['sk-', openAiLike],
  ['sk_live_', prefixed('sk_live_', 16, isAlnum, 30, 'a Stripe secret key')],
  ['rk_live_', prefixed('rk_live_', 16, isAlnum, 30, 'a Stripe restricted key')],
  ['eyj', jwt],
  ['aiza', prefixed('AIza', 35, isTokenChar, 25, 'a Google API key')],
  ['glpat-', prefixed('glpat-', 20, isTokenChar, 30, 'a GitLab token')],
  ['npm_', prefixed('npm_', 36, isAlnum, 30, 'an npm token')],
  ['hooks.slack.com/services/', slackWebhook],
  ...ASSIGNMENT_KEYS.map((k) => [k, assignment] as const),
];

/** Verifies the anchor that ends at `end` (anchor index into {@link SECRET_ANCHORS}). */
export function verifySecret(text: string, anchor: number, end: number): SecretHit | undefined {
  const entry = SECRET_ANCHORS[anchor];
  if (entry === undefined) return undefined;
  const [keyword, verify] = entry;
  return verify(text, end - keyword.length);
}
