/** Options shared by the commands that launch or reach a server (`run`, `scan`). */
import { basename } from 'node:path';

/**
 * A name for an unnamed server command: the npx/uvx/bunx/pnpx package, else the script, else the
 * command's base name (as `holdfast run` derives it).
 */
export function deriveServerName(command: string, args: readonly string[]): string {
  const base = basename(command);
  const pick = ['npx', 'uvx', 'bunx', 'pnpx'].includes(base)
    ? args.find((a) => !a.startsWith('-'))
    : args.find((a) => /\.(m?js|ts|py)$/.test(a));
  const raw = pick === undefined ? base : basename(pick.replace(/@[^@/]*$/, ''));
  const cleaned = raw
    .replace(/\.(m?js|ts|py)$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'server' : cleaned.slice(0, 64);
}

/** Parses `--header "Name: value"` options; undefined when one has no name. */
export function parseHeaderOptions(values: readonly string[]): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) return undefined;
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}
