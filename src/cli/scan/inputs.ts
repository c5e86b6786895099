/**
 * What `holdfast scan` reads from files: a saved `tools/list` result (`--file`) and a desktop
 * client's server list (`--client-config`). Both may come from anyone (a repository under review,
 * a server's own output), so both go through the strict parser: duplicate keys, excessive depth
 * and size are refused rather than resolved one way or another.
 */
import { ConfigError, SurfaceError } from '../../shared/errors.js';
import type { SurfaceLimits } from '../../surface/snapshot.js';
import { collectSection, isJsonObject, setOwn } from '../../surface/snapshot.js';
import type { StrictJsonLimits } from '../../surface/strict-json.js';
import { parseStrictJson } from '../../surface/strict-json.js';
import type { JsonObject, JsonValue } from '../../surface/types.js';
import { toTerminalSafe } from '../deps.js';
import { blankJsonComments } from './jsonc.js';

/**
 * Parses a saved tool list: a `tools/list` result (`{"tools": [...]}`), a JSON-RPC response
 * carrying one (`{"jsonrpc": "2.0", "id": 1, "result": {"tools": [...]}}`) or a bare array of
 * tools. Returns the tools keyed by name.
 * @throws SurfaceError `SURFACE_NOT_JSON`, `SURFACE_DUPLICATE_KEY`, `SURFACE_TOO_DEEP`,
 *   `SURFACE_TOO_LARGE` (also more than `maxItems` tools) or `SURFACE_MALFORMED` (none of the
 *   three shapes, a JSON-RPC error response, a tool without a string name, a name listed twice).
 */
export function parseToolList(
  text: string,
  limits: StrictJsonLimits & Pick<SurfaceLimits, 'maxItems'>,
): Record<string, JsonObject> {
  // Attacker-controlled: whatever a server once answered.
  const value = parseStrictJson(text, limits);
  const page = toToolsPage(value);
  return collectSection('tools', [page], { maxItems: limits.maxItems, maxPages: 1 });
}

function toToolsPage(value: JsonValue): JsonObject {
  if (Array.isArray(value)) return { tools: value };
  if (!isJsonObject(value)) throw malformed('is not an object or an array');
  if (value['jsonrpc'] !== undefined) {
    if (value['error'] !== undefined) throw malformed('is a JSON-RPC error response');
    const result = value['result'];
    if (!isJsonObject(result)) throw malformed('is a JSON-RPC message without a result object');
    return toToolsPage(result);
  }
  if (!Array.isArray(value['tools'])) throw malformed('has no "tools" array');
  return value;
}

function malformed(what: string): SurfaceError {
  return new SurfaceError(
    'SURFACE_MALFORMED',
    `the tool list ${what} (expected {"tools": [...]}, a JSON-RPC response carrying one, or an array of tools)`,
  );
}

/** How a server in a client configuration is reached. */
export type ServerLaunch =
  | {
      kind: 'stdio';
      command: string;
      args: string[];
      /** Extra environment for the child, from the configuration. Never printed. */
      env: Record<string, string>;
      cwd?: string;
    }
  | {
      kind: 'remote';
      url: URL;
      /** HTTP headers from the configuration. Never printed. */
      headers: Record<string, string>;
      transport: 'auto' | 'streamable-http' | 'sse';
    };

/** One server of a client configuration, by the name the client gives it. */
export interface ClientServer {
  name: string;
  launch: ServerLaunch;
}

/** Where clients keep their server lists: Claude Desktop/Cursor, VS Code `mcp.json`, VS Code settings. */
const CONTAINERS = [['mcpServers'], ['servers'], ['mcp', 'servers']] as const;

/**
 * Parses a desktop client's configuration: `{"mcpServers": {...}}` (Claude Desktop, Cursor,
 * Windsurf), `{"servers": {...}}` (VS Code `mcp.json`) or `{"mcp": {"servers": {...}}}` (VS Code
 * settings). Comments and trailing commas are accepted (JSONC); duplicate keys are not. Each
 * entry has a `command` (with optional `args`, `env`, `cwd`) or a `url` (with optional `headers`,
 * and `type: "sse"` for a legacy SSE server); other keys are the client's and are ignored.
 * @throws SurfaceError when the text is not JSON(C) within the limits; ConfigError
 *   `CONFIG_INVALID` listing every bad entry at once (paths such as `mcpServers.fs.args`).
 */
export function parseClientConfig(
  text: string,
  source: string,
  limits: StrictJsonLimits,
): ClientServer[] {
  const root = parseStrictJson(blankJsonComments(text), limits);
  if (!isJsonObject(root)) throw invalid(source, [{ path: '(root)', message: 'not an object' }]);
  const issues: { path: string; message: string }[] = [];
  const servers: ClientServer[] = [];
  const seen = new Set<string>();
  let found = false;
  for (const container of CONTAINERS) {
    const entries = lookup(root, container);
    if (entries === undefined) continue;
    const path = container.join('.');
    found = true;
    if (!isJsonObject(entries)) {
      issues.push({ path, message: 'not an object' });
      continue;
    }
    for (const [name, entry] of Object.entries(entries)) {
      // Names are printed in messages: escape anything that is not plain ASCII.
      const at = `${path}.${toTerminalSafe(name)}`;
      if (seen.has(name)) {
        issues.push({ path: at, message: 'the same server name appears twice' });
        continue;
      }
      seen.add(name);
      const launch = toLaunch(entry, at, issues);
      if (launch !== undefined) servers.push({ name, launch });
    }
  }
  if (!found) {
    issues.push({ path: '(root)', message: 'no "mcpServers", "servers" or "mcp.servers" object' });
  }
  if (issues.length > 0) throw invalid(source, issues);
  return servers;
}

function lookup(root: JsonObject, path: readonly string[]): JsonValue | undefined {
  let value: JsonValue | undefined = root;
  for (const key of path) {
    if (!isJsonObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

type Issues = { path: string; message: string }[];

function toLaunch(entry: JsonValue, path: string, issues: Issues): ServerLaunch | undefined {
  if (!isJsonObject(entry)) {
    issues.push({ path, message: 'not an object' });
    return undefined;
  }
  const { command, url } = entry;
  if (typeof command === 'string' && command !== '' && url === undefined) {
    return toStdioLaunch(entry, command, path, issues);
  }
  if (typeof url === 'string' && command === undefined)
    return toRemoteLaunch(entry, url, path, issues);
  issues.push({ path, message: 'needs either a non-empty "command" or a "url" (not both)' });
  return undefined;
}

function toStdioLaunch(
  entry: JsonObject,
  command: string,
  path: string,
  issues: Issues,
): ServerLaunch | undefined {
  const before = issues.length;
  const args = entry['args'] ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    issues.push({ path: `${path}.args`, message: 'must be an array of strings' });
  }
  const env = toStringRecord(entry['env'], `${path}.env`, issues);
  const cwd = entry['cwd'];
  if (cwd !== undefined && typeof cwd !== 'string') {
    issues.push({ path: `${path}.cwd`, message: 'must be a string' });
  }
  if (issues.length > before) return undefined;
  const launch: ServerLaunch = { kind: 'stdio', command, args: args as string[], env };
  if (typeof cwd === 'string') launch.cwd = cwd;
  return launch;
}

function toRemoteLaunch(
  entry: JsonObject,
  url: string,
  path: string,
  issues: Issues,
): ServerLaunch | undefined {
  const before = issues.length;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      issues.push({ path: `${path}.url`, message: 'must be an http: or https: URL' });
    }
  } catch {
    // The value may hold a token: never echo it.
    issues.push({ path: `${path}.url`, message: 'not a valid URL' });
  }
  const headers = toStringRecord(entry['headers'], `${path}.headers`, issues);
  if (parsed === undefined || issues.length > before) return undefined;
  return {
    kind: 'remote',
    url: parsed,
    headers,
    transport: entry['type'] === 'sse' ? 'sse' : 'auto',
  };
}

function toStringRecord(
  value: JsonValue | undefined,
  path: string,
  issues: Issues,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  if (!isJsonObject(value)) {
    issues.push({ path, message: 'must be an object of strings' });
    return out;
  }
  for (const [key, v] of Object.entries(value)) {
    // Values are secrets as often as not: report the key only.
    if (typeof v === 'string') setOwn(out, key, v);
    else issues.push({ path: `${path}.${toTerminalSafe(key)}`, message: 'must be a string' });
  }
  return out;
}

function invalid(source: string, issues: Issues): ConfigError {
  return new ConfigError(
    'CONFIG_INVALID',
    `${source}: ${issues.length} invalid field(s):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    issues,
  );
}
