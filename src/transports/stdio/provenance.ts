import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

import type { JsonObject } from '../../surface/types.js';
import type { FileHashCache } from './hash-cache.js';

/** Everything provenance needs from the environment, so tests can supply their own. */
export interface ProvenanceInput {
  command: string;
  args: readonly string[];
  /** Names of the environment variables passed to the server (values are never read here). */
  envNames: readonly string[];
  cwd: string;
  /** The PATH used to resolve the command. */
  path: string;
  /** Digests of files seen before, by identity (see hash-cache.ts). */
  hashCache?: FileHashCache;
}

const SECRET_NAME =
  /(token|secret|passw(or)?d|api[-_]?key|auth|bearer|credential|private[-_]?key|session|cookie)/i;
const REDACTED = '<redacted>';
const MAX_HASHED_BYTES = 256 * 1024 * 1024;

/**
 * Launch provenance for a stdio server (DESIGN §4): command, arguments with secrets redacted,
 * environment variable names (never values), the resolved executable and its SHA-256, the
 * SHA-256 of script files named in the arguments, and the package spec when launched via npx/uvx.
 */
export function toLaunchProvenance(input: ProvenanceInput): JsonObject {
  const executable = resolveExecutable(input.command, input.path, input.cwd);
  const args = redactArgs(input.args);
  const files: JsonObject = {};
  for (const arg of input.args) {
    if (arg.startsWith('-') || looksSecret(arg)) continue;
    const path = resolve(input.cwd, arg);
    const digest = hashFile(path, input.hashCache);
    if (digest !== undefined) files[arg] = digest;
  }
  const provenance: JsonObject = {
    kind: 'stdio',
    command: input.command,
    args,
    envNames: [...new Set(input.envNames)].sort(),
    executable:
      executable === undefined
        ? null
        : { path: executable, sha256: hashFile(executable, input.hashCache) ?? null },
    files,
  };
  const pkg = packageSpec(input.command, input.args);
  if (pkg !== undefined) provenance['package'] = pkg;
  return provenance;
}

/** Launch provenance for a remote server: its URL without credentials, query or fragment. */
export function toRemoteProvenance(url: URL, transport: string): JsonObject {
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  const queryNames = [...new Set(clean.searchParams.keys())].sort();
  clean.search = '';
  clean.hash = '';
  return { kind: 'remote', url: clean.href, queryNames, transport };
}

/**
 * Replaces arguments that may carry secrets: values after or inside `--token=`-like flags, URLs
 * with credentials or query strings, and long high-entropy strings.
 */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let redactNext = false;
  for (const arg of args) {
    if (redactNext) {
      out.push(REDACTED);
      redactNext = false;
      continue;
    }
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && SECRET_NAME.test(eq === -1 ? arg : arg.slice(0, eq))) {
      if (eq === -1) {
        out.push(arg);
        redactNext = true;
      } else {
        out.push(`${arg.slice(0, eq + 1)}${REDACTED}`);
      }
      continue;
    }
    if (eq > 0 && !arg.startsWith('-') && SECRET_NAME.test(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq + 1)}${REDACTED}`);
      continue;
    }
    out.push(looksSecret(arg) ? REDACTED : redactUrl(arg));
  }
  return out;
}

function redactUrl(arg: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return arg;
  try {
    const url = new URL(arg);
    if (url.username === '' && url.password === '' && url.search === '') return arg;
    if (url.username !== '') url.username = 'redacted';
    if (url.password !== '') url.password = 'redacted';
    if (url.search !== '') url.search = '?redacted';
    return url.href;
  } catch {
    return arg;
  }
}

/** A long token-shaped string (no spaces or path separators, mixed classes) is treated as secret. */
function looksSecret(arg: string): boolean {
  if (arg.length < 24 || /[\s/\\]/.test(arg)) return false;
  if (/^(sk|ghp|gho|ghs|github_pat|xox[abp]|glpat|AKIA|eyJ)[-_A-Za-z0-9]/.test(arg)) return true;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(arg)).length;
  return classes === 3 && !arg.includes('@') && !arg.includes('.');
}

function resolveExecutable(command: string, pathVar: string, cwd: string): string | undefined {
  const candidates =
    command.includes('/') || isAbsolute(command)
      ? [resolve(cwd, command)]
      : pathVar
          .split(delimiter)
          .filter((dir) => dir !== '')
          .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return realpathSync(candidate);
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function hashFile(path: string, cache: FileHashCache | undefined): string | undefined {
  try {
    const stat = statSync(path, { bigint: true });
    if (!stat.isFile() || stat.size > MAX_HASHED_BYTES) return undefined;
    const key = `${path}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    const known = cache?.get(key);
    if (known !== undefined) return known;
    const digest = `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    cache?.set(key, digest);
    return digest;
  } catch {
    return undefined;
  }
}

function packageSpec(command: string, args: readonly string[]): string | undefined {
  const base = command.split(/[\\/]/).pop() ?? command;
  if (base !== 'npx' && base !== 'uvx' && base !== 'bunx' && base !== 'pnpx') return undefined;
  return args.find((arg) => !arg.startsWith('-'));
}
