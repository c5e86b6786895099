/**
 * Family `sensitive-target`: a definition that points the model at secrets.
 *
 * - `sensitive-path` (8–25): well-known secret files and folders (`~/.ssh`, `id_rsa`,
 *   `~/.aws/credentials`, `/etc/shadow`, MCP client configs such as `mcp.json` and
 *   `claude_desktop_config.json`, wallets, keychains; weaker: `.env`, `/etc/passwd`, `.npmrc`,
 *   shell history). Found with a keyword automaton over the folded text, with word boundaries.
 * - `secret-request` (12–35): a verb of reading or asking whose object is a secret (API keys,
 *   passwords, seed phrases, card CVVs…). Naming a secret is not enough ("requires GITHUB_TOKEN");
 *   soliciting a seed phrase or private key weighs most.
 */

import type { DefinitionRule, RuleHit } from '../rule.js';
import { proseStrings } from '../rule.js';
import { foldedSpan } from '../text/analyzed.js';
import { createAutomaton, findKeywords } from '../text/automaton.js';
import { READ_VERBS, SEND_VERBS } from '../text/lexicon.js';
import { compileSpecs, phraseHits, type PhraseSpec } from './phrase-rule.js';

interface PathAnchor {
  readonly keyword: string;
  readonly weight: number;
  readonly label: string;
}

/** Secret locations: the keyword (folded), its weight and what it is. */
export const SENSITIVE_PATHS: readonly PathAnchor[] = [
  { keyword: '.ssh', weight: 25, label: 'the SSH key folder' },
  { keyword: 'id_rsa', weight: 25, label: 'an SSH private key' },
  { keyword: 'id_dsa', weight: 25, label: 'an SSH private key' },
  { keyword: 'id_ecdsa', weight: 25, label: 'an SSH private key' },
  { keyword: 'id_ed25519', weight: 25, label: 'an SSH private key' },
  { keyword: '.aws', weight: 25, label: 'AWS credentials' },
  { keyword: '/etc/shadow', weight: 25, label: 'system password hashes' },
  { keyword: 'mcp.json', weight: 25, label: 'an MCP client configuration (holds server secrets)' },
  { keyword: 'claude_desktop_config', weight: 25, label: 'the Claude Desktop configuration' },
  { keyword: '.git-credentials', weight: 25, label: 'stored git credentials' },
  { keyword: 'wallet.dat', weight: 25, label: 'a cryptocurrency wallet' },
  { keyword: '.gnupg', weight: 25, label: 'GnuPG private keys' },
  { keyword: '.password-store', weight: 25, label: 'a password store' },
  { keyword: 'login.keychain', weight: 25, label: 'the macOS keychain' },
  { keyword: '/proc/self/environ', weight: 25, label: "a process's environment (secrets)" },
  { keyword: 'ssh_host_', weight: 25, label: 'SSH host keys' },
  { keyword: 'serviceaccount/token', weight: 25, label: 'a Kubernetes service-account token' },
  { keyword: '.kube/config', weight: 20, label: 'Kubernetes credentials' },
  { keyword: 'gh/hosts.yml', weight: 20, label: 'GitHub CLI credentials' },
  { keyword: '.vault-token', weight: 20, label: 'a Vault token' },
  { keyword: '.docker/config', weight: 20, label: 'Docker registry credentials' },
  { keyword: '.config/gcloud', weight: 20, label: 'Google Cloud credentials' },
  { keyword: '.azure', weight: 15, label: 'Azure credentials' },
  { keyword: 'keystore', weight: 12, label: 'a key store' },
  { keyword: '.cursor', weight: 12, label: 'the Cursor configuration' },
  { keyword: '.env', weight: 12, label: 'an environment file (secrets)' },
  { keyword: '/etc/passwd', weight: 12, label: 'the system account list' },
  { keyword: '.npmrc', weight: 12, label: 'npm credentials' },
  { keyword: '.pypirc', weight: 12, label: 'PyPI credentials' },
  { keyword: '.netrc', weight: 12, label: 'stored login credentials' },
  { keyword: '.pgpass', weight: 12, label: 'PostgreSQL passwords' },
  { keyword: 'bash_history', weight: 12, label: 'shell history' },
  { keyword: 'zsh_history', weight: 12, label: 'shell history' },
  { keyword: 'authorized_keys', weight: 12, label: 'SSH authorized keys' },
  { keyword: 'credentials.json', weight: 10, label: 'a credentials file' },
  { keyword: 'secrets.json', weight: 10, label: 'a secrets file' },
  { keyword: 'secrets.yaml', weight: 10, label: 'a secrets file' },
  { keyword: 'private.key', weight: 10, label: 'a private key file' },
  { keyword: 'login data', weight: 25, label: "a browser's saved passwords (Login Data)" },
  { keyword: 'cookies.sqlite', weight: 25, label: "Firefox's cookie store" },
  { keyword: 'logins.json', weight: 25, label: "Firefox's saved passwords" },
  { keyword: 'key4.db', weight: 25, label: "Firefox's key database" },
  { keyword: 'keychains/', weight: 25, label: 'the macOS keychains' },
  { keyword: 'keychain-db', weight: 25, label: 'the macOS keychain' },
  { keyword: '.bitcoin', weight: 25, label: 'a Bitcoin wallet folder' },
  { keyword: '.ethereum', weight: 25, label: 'an Ethereum keystore folder' },
  { keyword: '.electrum', weight: 25, label: 'an Electrum wallet folder' },
  { keyword: 'user data/default', weight: 20, label: 'a Chromium browser profile' },
  { keyword: '.config/google-chrome', weight: 20, label: 'a Chrome browser profile' },
  { keyword: 'application support/google/chrome', weight: 20, label: 'a Chrome browser profile' },
  { keyword: '.mozilla/firefox', weight: 20, label: 'a Firefox browser profile' },
];

const PATHS = createAutomaton(SENSITIVE_PATHS.map((p) => p.keyword));

/** Whether a folded path token names a well-known secret location. */
export function isSensitivePath(folded: string): boolean {
  return findKeywords(PATHS, folded, 4).length > 0;
}

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/** Whether a keyword found at `[start, end)` of folded `text` stands on its own. */
function atBoundary(text: string, start: number, end: number): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : -1;
  const after = end < text.length ? text.charCodeAt(end) : -1;
  const first = text.charCodeAt(start);
  if (before >= 0 && (isAlnum(before) || (first !== 0x2e && first !== 0x2f && before === 0x5f))) {
    return false;
  }
  return after < 0 || !(isAlnum(after) || after === 0x5f);
}

const SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'secret-request',
    pattern: `${READ_VERBS} ~5 $secret`,
    weight: 12,
    message: 'asks to read or collect secrets',
    facet: 'secret',
  },
  {
    ruleId: 'secret-request',
    pattern: `${SEND_VERBS} ~6 $secret`,
    weight: 12,
    message: 'asks to send secrets somewhere',
    facet: 'secret',
  },
  {
    ruleId: 'secret-request',
    pattern:
      'content*|copies|copy|text ~2 of ~2 every|all|each|any ~3 file*|document*|message*|email*|note*|repositor*|secret*',
    weight: 15,
    message: 'asks for the contents of every file or message (bulk capture)',
    facet: 'secret',
  },
  {
    ruleId: 'secret-request',
    pattern:
      'ask|request|prompt|require|enter|provide|input|type|share|submit|paste|supply|give|confirm|send|collect|verify ~4 $critical',
    weight: 35,
    message: 'solicits a high-value secret (seed phrase, private key, card code)',
    facet: 'secret',
  },
  {
    ruleId: 'secret-request',
    pattern: 'ask|request|prompt ~3 user|them|customer|human ~4 $secret',
    weight: 20,
    message: 'asks the user for a secret',
    facet: 'secret',
  },
];

const BROWSER_STORES: readonly PhraseSpec[] = [
  {
    ruleId: 'sensitive-path',
    pattern:
      "chrome|chrome's|chromium|browser|browser's|browsers|firefox|edge|brave|safari|opera|vivaldi ~6 cookies|login+data|local+state|saved+passwords|keychain|keychains|web+data",
    weight: 25,
    message: "refers to a browser's cookie, password or key store",
    facet: 'secret',
  },
];

const PRIVATE_DATA: readonly PhraseSpec[] = [
  {
    ruleId: 'secret-request',
    pattern: `${READ_VERBS}|${SEND_VERBS} ~4 private|confidential ~1 repositor*|repo|repos|document*|files|emails|messages|notes|data|conversations`,
    weight: 15,
    message: 'asks to collect or send private data',
    facet: 'secret',
  },
  {
    ruleId: 'secret-request',
    pattern:
      'post|publish|share|send|leak|paste|upload ~2 their|them|its|the ~1 names|contents|content|list|data|text ~4 public|publicly|gist|pastebin',
    weight: 12,
    message: 'asks to publish something publicly',
    facet: 'sink',
  },
];

const PHRASES = compileSpecs([...SPECS, ...BROWSER_STORES, ...PRIVATE_DATA]);

/** Next to a sensitive path: its contents sent to a URL or e-mail address. */
const SENDS_OUT = compileSpecs([
  {
    ruleId: 'secret-request',
    pattern: `${SEND_VERBS}|sent|include*|attach*|pass ~10 to|at|into ~2 $sink`,
    weight: 15,
    message: 'sends a sensitive file to a destination',
    facet: 'sink',
  },
  {
    ruleId: 'secret-request',
    pattern: 'curl|wget|scp|nc|netcat|ncat|rsync ~8 $url',
    weight: 15,
    message: 'sends a sensitive file to a URL with a shell command',
    facet: 'sink',
  },
]);

/** The `sensitive-target` family over a definition's prose. */
export const sensitiveTarget: DefinitionRule = (input) => {
  const prose = proseStrings(input);
  const hits: RuleHit[] = phraseHits(PHRASES, prose);
  const seen = new Set<number>();
  for (const s of prose) {
    const text = s.text.folded.text;
    for (const hit of findKeywords(PATHS, text, 64)) {
      const anchor = SENSITIVE_PATHS[hit.keyword];
      if (anchor === undefined || seen.has(hit.keyword)) continue;
      const start = hit.end - anchor.keyword.length;
      if (!atBoundary(text, start, hit.end)) continue;
      seen.add(hit.keyword);
      hits.push({
        ruleId: 'sensitive-path',
        weight: anchor.weight,
        message: `refers to ${anchor.label}`,
        pointer: s.pointer,
        span: foldedSpan(s.text, start, hit.end),
        facet: 'secret',
      });
    }
  }
  if (hits.some((h) => h.ruleId === 'sensitive-path')) {
    const withPath = new Set(
      hits.filter((h) => h.ruleId === 'sensitive-path').map((h) => h.pointer),
    );
    hits.push(
      ...phraseHits(
        SENDS_OUT,
        prose.filter((s) => withPath.has(s.pointer)),
      ),
    );
  }
  return hits;
};
