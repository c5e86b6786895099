/**
 * Drives the real `holdfast` CLI (built into dist/) as a separate process, with the official SDK
 * client on its stdin/stdout — exactly how a desktop client uses it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

import type { ClientCapabilities } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import type { RugpullConfig } from './rugpull-config.js';
import { rugpullCommand } from './rugpull-config.js';

/** The built CLI entry point. */
export const HOLDFAST_BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A fresh, owner-only state directory; removed by the returned disposer. */
export function createTempHome(): { home: string; [Symbol.dispose](): void } {
  const home = mkdtempSync(join(tmpdir(), 'holdfast-test-'));
  return { home, [Symbol.dispose]: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs a holdfast command to completion. */
export function runCli(
  args: string[],
  home: string,
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [HOLDFAST_BIN, '--home', home, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a holdfast command with --json and parses its output. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
export function runCliJson<T>(args: string[], home: string): T {
  const result = runCli(['--json', ...args], home);
  if (result.stdout.trim() === '')
    throw new Error(`no JSON output (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Options of {@link connectThroughHoldfast}. */
export interface ConnectOptions {
  home: string;
  name?: string;
  /** Extra `holdfast run` options placed before `--`. */
  runArgs?: string[];
  clientName?: string;
  capabilities?: ClientCapabilities;
  /** The upstream: a rug-pull server config, or an explicit command. */
  server: RugpullConfig | { command: string; args: string[]; env?: Record<string, string> };
  /** Extra environment variables for the holdfast process. */
  env?: Record<string, string>;
  /** Called before connecting, to install request handlers (elicitation, sampling, roots). */
  onClient?: (client: Client) => void;
}

/** A connected client plus everything holdfast wrote to stderr. */
export interface Connected extends AsyncDisposable {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  /** Resolves when holdfast's stderr matches `pattern`; rejects after `timeoutMs`. */
  waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Every message the client received, serialized: proves what never reached it. */
  received: () => string;
}

/**
 * Records every message a connected transport delivers to the client from now on (wraps the
 * handler the SDK installed), plus what the client kept from the initialize result.
 */
export function recordIncoming(transport: StdioClientTransport, client: Client): () => string {
  const seen: string[] = [
    JSON.stringify({
      serverInfo: client.getServerVersion(),
      instructions: client.getInstructions(),
      capabilities: client.getServerCapabilities(),
    }),
  ];
  const handler = transport.onmessage;
  transport.onmessage = (message) => {
    seen.push(JSON.stringify(message));
    handler?.(message);
  };
  return () => seen.join('\n');
}

/** Spawns `holdfast run` around the upstream and connects the official SDK client to it. */
export async function connectThroughHoldfast(options: ConnectOptions): Promise<Connected> {
  const upstream = 'command' in options.server ? options.server : rugpullCommand(options.server);
  const env: Record<string, string> = {
    ...(upstream.env ?? {}),
    ...(options.env ?? {}),
    HOLDFAST_HOME: options.home,
  };
  const path = process.env['PATH'];
  if (path !== undefined) env['PATH'] ??= path;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      HOLDFAST_BIN,
      'run',
      '--name',
      options.name ?? 'notes',
      ...(options.runArgs ?? []),
      // An empty command means the run arguments name the upstream (`--url`).
      ...(upstream.command === '' ? [] : ['--', upstream.command, ...upstream.args]),
    ],
    env,
    stderr: 'pipe',
  });
  let stderrText = '';
  const stderr = transport.stderr as PassThrough | null;
  stderr?.on('data', (chunk: Buffer) => (stderrText += chunk.toString('utf8')));
  const client = new Client(
    { name: options.clientName ?? 'holdfast-tests', version: '1.0.0' },
    { capabilities: options.capabilities ?? {} },
  );
  options.onClient?.(client);
  await client.connect(transport);
  const received = recordIncoming(transport, client);
  return {
    client,
    transport,
    stderr: () => stderrText,
    waitForStderr: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderrText)) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          stderr?.off('data', check);
          reject(new Error(`stderr never matched ${String(pattern)}:\n${stderrText}`));
        }, timeoutMs);
        const check = (): void => {
          if (!pattern.test(stderrText)) return;
          clearTimeout(timer);
          stderr?.off('data', check);
          resolve();
        };
        stderr?.on('data', check);
      }),
    received,
    [Symbol.asyncDispose]: async () => {
      await client.close();
    },
  };
}

/** Connects the official SDK client directly to an upstream (the "direct" side of comparisons). */
export async function connectDirect(
  server: RugpullConfig | { command: string; args: string[]; env?: Record<string, string> },
  capabilities: ClientCapabilities = {},
): Promise<Client & AsyncDisposable> {
  const upstream = 'command' in server ? server : rugpullCommand(server);
  const env: Record<string, string> = { ...(upstream.env ?? {}) };
  const path = process.env['PATH'];
  if (path !== undefined) env['PATH'] ??= path;
  const transport = new StdioClientTransport({
    command: upstream.command,
    args: upstream.args,
    env,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'holdfast-tests', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.close() });
}

/** The text of a tool result's first text block. */
export function firstText(result: { content?: unknown }): string {
  const content = Array.isArray(result.content)
    ? (result.content as { type?: string; text?: string }[])
    : [];
  return content.find((block) => block.type === 'text')?.text ?? '';
}
