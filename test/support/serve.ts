/**
 * Runs the real `holdfast serve` (built into dist/) as a separate process on a free loopback port,
 * and connects the official SDK client to it over Streamable HTTP — as an agent platform would.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { ClientCapabilities } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { stringify } from 'yaml';

import { HOLDFAST_BIN, runCliJson } from './holdfast.js';
import type { RugpullConfig } from './rugpull-config.js';
import { rugpullCommand } from './rugpull-config.js';

/** A running `holdfast serve`. */
export interface RunningServe extends AsyncDisposable {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: () => Record<string, unknown>[];
  /** Resolves when a log line satisfies `match`; rejects after `timeoutMs`. */
  waitForLog: (
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ) => Promise<void>;
}

/** Options of {@link startServe}. */
export interface StartServeOptions {
  home: string;
  /** The configuration, written as YAML into the home. */
  config: Record<string, unknown>;
  /** Extra environment for holdfast (e.g. the variables `servers.*.env` names). */
  env?: Record<string, string>;
}

/** Starts `holdfast serve` and resolves once it listens. */
export async function startServe(options: StartServeOptions): Promise<RunningServe> {
  const configPath = join(options.home, 'holdfast.yaml');
  const config = { ...options.config };
  const serve = { ...((config['serve'] as Record<string, unknown> | undefined) ?? {}) };
  serve['listen'] ??= '127.0.0.1:0';
  config['serve'] = serve;
  writeFileSync(configPath, stringify(config), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [HOLDFAST_BIN, '--home', options.home, 'serve', '--config', configPath],
    {
      env: { PATH: process.env['PATH'] ?? '', HOME: options.home, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let listening: ((url: string) => void) | undefined;
  const listened = new Promise<string>((resolve) => (listening = resolve));
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (text) => {
    try {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      if (line['msg'] === 'listening' && typeof line['url'] === 'string') listening?.(line['url']);
    } catch {
      lines.push({ msg: 'NOT JSON', text });
    }
    for (const wake of waiters) wake();
  });
  const exited = once(child, 'exit').then(() => {
    throw new Error(`holdfast serve exited early: ${stderr}`);
  });
  const url = await Promise.race([listened, exited]);
  void exited.catch(() => undefined);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };
  return {
    url,
    child,
    logs: () => [...lines],
    waitForLog: (match, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!lines.some(match)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log line in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    [Symbol.asyncDispose]: stop,
  };
}

/** Creates an agent key with the CLI and returns the secret token. */
export function createAgentKey(home: string, name: string): string {
  return runCliJson<{ key: string }>(['keys', 'create', name], home).key;
}

/** Creates a console user with the CLI, password given on stdin. */
export function addUser(home: string, name: string, role: string, password: string): void {
  const result = spawnSync(
    process.execPath,
    [HOLDFAST_BIN, '--home', home, 'users', 'add', name, '--role', role, '--password-stdin'],
    { input: `${password}\n`, encoding: 'utf8', timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`users add failed: ${result.stderr}`);
}

/** Mints an API token for a user with the CLI. */
export function createUserToken(home: string, name: string): string {
  return runCliJson<{ token: string }>(['users', 'token', name], home).token;
}

/** Options of {@link connectAgent}. */
export interface AgentOptions {
  key: string;
  name?: string;
  capabilities?: ClientCapabilities;
  onClient?: (client: Client) => void;
}

/** An SDK client connected to an endpoint of holdfast serve with an agent key. */
export async function connectAgent(
  url: string,
  options: AgentOptions,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport } & AsyncDisposable> {
  const client = new Client(
    { name: options.name ?? 'agent', version: '1.0.0' },
    { capabilities: options.capabilities ?? {} },
  );
  options.onClient?.(client);
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${options.key}` } },
  });
  await client.connect(transport);
  return {
    client,
    transport,
    [Symbol.asyncDispose]: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

/**
 * Every page of tools/list, following the gateway's cursors one request at a time (the SDK's
 * `listTools()` without a cursor would gather the pages itself).
 */
export async function listAllTools(client: Client): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = (await client.request({
      method: 'tools/list',
      params: cursor === undefined ? {} : { cursor },
    })) as { tools: { name: string }[]; nextCursor?: string };
    names.push(...page.tools.map((t) => t.name));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 1000);
  return { names, pages };
}

/** POSTs a bare `initialize` to an MCP endpoint with the given extra headers (raw HTTP). */
export function postInitialize(
  url: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'probe', version: '1' },
      },
    }),
  });
}

/**
 * The malicious notes server as a `servers:` entry: its behaviour travels in holdfast's
 * environment (`NOTES_RUGPULL`), which the entry maps to the server's `RUGPULL`.
 */
export function notesServer(config: RugpullConfig): {
  entry: Record<string, unknown>;
  env: Record<string, string>;
} {
  const command = rugpullCommand(config);
  return {
    entry: { command: command.command, args: command.args, env: { RUGPULL: 'NOTES_RUGPULL' } },
    env: { NOTES_RUGPULL: command.env['RUGPULL'] ?? '{}' },
  };
}

/** A `servers:` entry for a Streamable HTTP server on a loopback port. */
export function streamableEntry(port: number): Record<string, unknown> {
  return { url: `http://127.0.0.1:${port}/mcp`, transport: 'streamable-http' };
}
