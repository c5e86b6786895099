/**
 * Host classification for URLs found in definitions and outputs: exfiltration services, raw IP
 * addresses, user-info tricks and self-announcing hostile names. Pure string work on already
 * folded (lower-case) text; no DNS.
 */

/** Services that receive arbitrary data for whoever set them up (suffix match on the host). */
export const EXFIL_HOSTS: readonly string[] = [
  'ngrok.io',
  'ngrok.app',
  'ngrok-free.app',
  'ngrok.dev',
  'webhook.site',
  'requestbin.com',
  'requestbin.net',
  'pipedream.net',
  'hookbin.com',
  'beeceptor.com',
  'requestcatcher.com',
  'mockbin.org',
  'pastebin.com',
  'hastebin.com',
  'paste.ee',
  'ghostbin.com',
  'transfer.sh',
  'file.io',
  '0x0.st',
  'burpcollaborator.net',
  'oastify.com',
  'interact.sh',
  'oast.pro',
  'oast.live',
  'oast.site',
  'oast.online',
  'oast.fun',
  'oast.me',
  'canarytokens.com',
  'trycloudflare.com',
  'serveo.net',
  'loca.lt',
  'localtunnel.me',
  'localhost.run',
  'dnslog.cn',
  'ceye.io',
];
/** Host + path prefixes of webhook endpoints on otherwise ordinary hosts. */
const WEBHOOK_PATHS: readonly string[] = [
  'discord.com/api/webhooks',
  'discordapp.com/api/webhooks',
  'api.telegram.org/bot',
  'hooks.slack.com/services',
];
const HOSTILE_LABELS = new Set([
  'attacker',
  'attackers',
  'exfil',
  'exfiltrate',
  'evil',
  'malicious',
  'steal',
  'stealer',
  'pwned',
  'pwnd',
  'c2',
  'hacker',
]);

/** A URL's host (lower-case, without port) and whether it carried user-info. */
export interface UrlHost {
  readonly host: string;
  readonly hostAndPath: string;
  readonly hasUserinfo: boolean;
}

/** The host of a URL token (`scheme://host/…` or `www.host/…`), or undefined. */
export function hostOf(url: string): UrlHost | undefined {
  const scheme = url.indexOf('://');
  const rest = scheme >= 0 ? url.slice(scheme + 3) : url;
  let end = rest.length;
  for (const sep of ['/', '?', '#', '\\']) {
    const at = rest.indexOf(sep);
    if (at >= 0 && at < end) end = at;
  }
  let authority = rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  const hasUserinfo = at >= 0;
  if (hasUserinfo) authority = authority.slice(at + 1);
  let host = authority;
  if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1);
  else if (host.includes(':')) host = host.slice(0, host.indexOf(':'));
  if (host === '') return undefined;
  return { host, hostAndPath: host + rest.slice(end), hasUserinfo };
}

function ipv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    if (p === '' || p.length > 3) return undefined;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
    }
    nums.push(Number(p));
  }
  return nums.every((n) => n <= 255) ? nums : undefined;
}

function labelsOf(host: string): string[] {
  const labels: string[] = [];
  let from = 0;
  for (let i = 0; i <= host.length; i++) {
    const c = host.charAt(i);
    if (i === host.length || c === '.' || c === '-') {
      labels.push(host.slice(from, i));
      from = i + 1;
    }
  }
  return labels;
}

/** A verdict on a host, or undefined when it is unremarkable. */
export interface HostVerdict {
  readonly ruleId: string;
  readonly weight: number;
  readonly message: string;
}

/** Classifies a host (and optional path) found in a URL or e-mail address. */
export function classifyHost(
  host: string,
  hasUserinfo: boolean,
  hostAndPath = host,
): HostVerdict | undefined {
  if (EXFIL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`))) {
    return {
      ruleId: 'exfil-host',
      weight: 25,
      message: `points at a data-capture service (${host})`,
    };
  }
  if (WEBHOOK_PATHS.some((p) => hostAndPath.startsWith(p))) {
    return { ruleId: 'exfil-host', weight: 25, message: `points at a webhook endpoint (${host})` };
  }
  if (host === '169.254.169.254' || host === 'metadata.google.internal') {
    return {
      ruleId: 'raw-ip-url',
      weight: 25,
      message: 'points at a cloud metadata endpoint (instance credentials)',
    };
  }
  const ip = ipv4(host);
  if (ip !== undefined) {
    const [a = 0, b = 0] = ip;
    if (a === 127 || a === 0) return undefined;
    const isPrivate =
      a === 10 ||
      (a === 192 && b === 168) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 169 && b === 254);
    return isPrivate
      ? { ruleId: 'raw-ip-url', weight: 8, message: 'points at a private IP address' }
      : { ruleId: 'raw-ip-url', weight: 15, message: 'points at a raw public IP address' };
  }
  if (host.startsWith('[') && host !== '[::1]') {
    return { ruleId: 'raw-ip-url', weight: 10, message: 'points at a raw IPv6 address' };
  }
  if (hasUserinfo) {
    return {
      ruleId: 'url-userinfo',
      weight: 15,
      message: 'URL hides its real host behind user-info (a@b)',
    };
  }
  if (labelsOf(host).some((label) => HOSTILE_LABELS.has(label))) {
    return {
      ruleId: 'hostile-host',
      weight: 20,
      message: `host name announces hostile intent (${host})`,
    };
  }
  return undefined;
}
