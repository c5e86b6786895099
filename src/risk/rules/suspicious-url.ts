/**
 * Family `suspicious-url`: where a definition would have data sent.
 *
 * - `exfil-host` (25): webhook, request-bin, paste, tunnel and out-of-band hosts (ngrok,
 *   webhook.site, pipedream, pastebin, interact.sh, Discord webhooks, Telegram bots…).
 * - `raw-ip-url` (8–15): a URL to a literal IP address (loopback is ignored).
 * - `url-userinfo` (15): `https://trusted.example@evil.example/` tricks.
 * - `hostile-host` (20): host names that announce themselves (`attacker.`, `exfil.`, `evil.`).
 * - `send-to-destination` (15): a verb of sending whose destination is a URL or e-mail address
 *   ("send … to https://…", "BCC x@y").
 * Plain documentation links are not findings.
 */

import type { DefinitionRule, DefinitionString, RuleHit } from '../rule.js';
import { proseStrings } from '../rule.js';
import { tokenSpan } from '../text/analyzed.js';
import { SEND_VERBS } from '../text/lexicon.js';
import { compileSpecs, phraseHits, type PhraseSpec } from './phrase-rule.js';
import { classifyHost, hostOf } from './url-hosts.js';

const SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'send-to-destination',
    pattern: `${SEND_VERBS} ~12 to|at|via|towards|onto|into|using|through ~4 $sink`,
    weight: 15,
    message: 'asks for data to be sent to an outside address',
    facet: 'sink',
  },
  {
    ruleId: 'send-to-destination',
    pattern: "bcc|cc|bcc'd|cc'd|copy ~2 $email",
    weight: 20,
    message: 'adds a hidden recipient',
    facet: 'sink',
  },
];
const PHRASES = compileSpecs(SPECS);

function urlHits(s: DefinitionString): RuleHit[] {
  const hits: RuleHit[] = [];
  s.text.tokens.forEach((token, k) => {
    if (token.kind !== 'url' && token.kind !== 'email') return;
    const domain = token.text.slice(token.text.indexOf('@') + 1);
    const host =
      token.kind === 'url'
        ? hostOf(token.text)
        : { host: domain, hostAndPath: domain, hasUserinfo: false };
    if (host === undefined) return;
    const verdict = classifyHost(host.host, host.hasUserinfo, host.hostAndPath);
    if (verdict === undefined || hits.length >= 8) return;
    hits.push({
      ruleId: verdict.ruleId,
      weight: verdict.weight,
      message: verdict.message,
      pointer: s.pointer,
      span: tokenSpan(s.text, k, k),
      facet: 'sink',
    });
  });
  return hits;
}

/** The `suspicious-url` family over a definition's prose (and URL fields for hosts). */
export const suspiciousUrl: DefinitionRule = (input) => {
  const prose = proseStrings(input);
  const urlFields = input.strings.filter((s) => s.role === 'name');
  return [...phraseHits(PHRASES, prose), ...prose.flatMap(urlHits), ...urlFields.flatMap(urlHits)];
};
