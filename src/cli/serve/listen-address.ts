import { ConfigError } from '../../shared/errors.js';

/** Where `holdfast serve` listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `HOST:PORT` (`[::1]:8750` for IPv6; port 0 picks a free one).
 * @throws ConfigError for anything else.
 */
export function toListenAddress(text: string): ListenAddress {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || host === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('CONFIG_INVALID', `--listen must be HOST:PORT, got "${text}"`, [
      { path: 'serve.listen', message: 'must be HOST:PORT' },
    ]);
  }
  return { host, port };
}

/** Whether a listen host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The URL clients use: `serve.public_url`, else the listen address. */
export function toPublicUrl(configured: string | undefined, address: ListenAddress): string {
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}
