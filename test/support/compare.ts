/**
 * Helpers for transparency tests: launch the installed reference MCP servers (no npx, no network)
 * and compare what a client sees directly with what it sees through Holdfast.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { Client } from '@modelcontextprotocol/client';

/** An upstream command as `connectDirect` and `connectThroughHoldfast` accept it. */
export interface ServerCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const require = createRequire(import.meta.url);

/** The absolute path of an installed package's (single) bin script. */
export function packageBin(pkg: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin =
    typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${pkg} declares no bin`);
  return join(dirname(manifestPath), bin);
}

/** `@modelcontextprotocol/server-everything` in stdio mode. */
export function everythingServer(): ServerCommand {
  return {
    command: process.execPath,
    args: [packageBin('@modelcontextprotocol/server-everything'), 'stdio'],
  };
}

/** `@modelcontextprotocol/server-filesystem` allowed to access `root` only. */
export function filesystemServer(root: string): ServerCommand {
  return {
    command: process.execPath,
    args: [packageBin('@modelcontextprotocol/server-filesystem'), root],
  };
}

/** `@modelcontextprotocol/server-memory` persisting its graph to `file`. */
export function memoryServer(file: string): ServerCommand {
  return {
    command: process.execPath,
    args: [packageBin('@modelcontextprotocol/server-memory')],
    env: { MEMORY_FILE_PATH: file },
  };
}

/** A temporary directory (real path, no symlinks) removed by the returned disposer. */
export function createTempDir(prefix: string): { dir: string; [Symbol.dispose](): void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Fills `dir` with the same few files for both sides of a filesystem comparison. */
export function seedFiles(dir: string): void {
  writeFileSync(join(dir, 'alpha.txt'), 'first line\nsecond line\n');
  writeFileSync(join(dir, 'beta.md'), '# Beta\n\nSome *markdown*.\n');
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'gamma.json'), '{"answer":42}\n');
}

/**
 * A list keyed by `key` (name or uri), so two listings compare as sets: order and page split are
 * allowed to differ, content is not. Duplicate keys fail loudly.
 */
export function byKey<T extends object>(
  items: readonly T[],
  key: 'name' | 'uri' | 'uriTemplate',
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) {
    const value = (item as Record<string, unknown>)[key];
    if (typeof value !== 'string') throw new Error(`item without a string ${key}`);
    if (Object.hasOwn(out, value)) throw new Error(`duplicate ${key} ${value}`);
    out[value] = item;
  }
  return out;
}

/** What the client kept from `initialize`. */
export function initializeView(client: Client): unknown {
  return {
    serverInfo: client.getServerVersion(),
    capabilities: client.getServerCapabilities(),
    instructions: client.getInstructions(),
    protocolVersion: client.getNegotiatedProtocolVersion(),
    era: client.getProtocolEra(),
  };
}

/** Every list the server advertises, keyed for set comparison (empty when not advertised). */
export async function listSurface(client: Client): Promise<Record<string, unknown>> {
  const caps = client.getServerCapabilities() ?? {};
  const bypass = { cacheMode: 'bypass' } as const;
  const surface: Record<string, unknown> = {};
  if (caps.tools !== undefined)
    surface['tools'] = byKey((await client.listTools(undefined, bypass)).tools, 'name');
  if (caps.prompts !== undefined)
    surface['prompts'] = byKey((await client.listPrompts(undefined, bypass)).prompts, 'name');
  if (caps.resources !== undefined) {
    surface['resources'] = byKey((await client.listResources(undefined, bypass)).resources, 'uri');
    surface['resourceTemplates'] = byKey(
      (await client.listResourceTemplates(undefined, bypass)).resourceTemplates,
      'uriTemplate',
    );
  }
  return surface;
}

/** The sorted tool names a client sees. */
export async function toolNames(client: Client): Promise<string[]> {
  const { tools } = await client.listTools(undefined, { cacheMode: 'bypass' });
  return tools.map((t) => t.name).sort();
}

/** Settles a promise into a comparable outcome: the result, or the error's code and message. */
export async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { result: await run() };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return { error: { code: e.code, message: e.message } };
  }
}

/** Replaces every occurrence of `from` in a JSON-serializable value (paths that differ per side). */
export function replaceText(value: unknown, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(value).split(from).join(to)) as unknown;
}

/**
 * Collects the params of every `notifications/progress` the client receives, token included.
 *
 * Works around an SDK client race: `Protocol` runs notification handlers in a microtask but settles
 * responses synchronously, so when progress notifications and the final response arrive in one
 * stdout read, the response deletes the `onprogress` callback before the queued notifications are
 * dispatched ("unknown token"), and `onprogress` misses them. This replaces the SDK's progress
 * handler, so callers still pass `onprogress` (to get a token) but read progress from here.
 */
export function collectProgress(client: Client): unknown[] {
  const seen: unknown[] = [];
  client.setNotificationHandler('notifications/progress', (notification) => {
    seen.push(notification.params);
  });
  return seen;
}
