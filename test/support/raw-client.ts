/**
 * A raw JSON-RPC line client over a spawned `holdfast run` process: it writes any bytes to the
 * gateway's stdin (malformed, oversized, deeply nested lines — things the SDK client never sends)
 * and keeps every line the gateway wrote to stdout, so tests can prove what was and was not
 * forwarded. Every wait is bounded and driven by process events, never by sleeps.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { HOLDFAST_BIN } from './holdfast.js';
import type { RugpullConfig } from './rugpull-config.js';
import { rugpullCommand } from './rugpull-config.js';

/** Default bound of every wait in this module. */
export const DEFAULT_WAIT_MS = 20_000;

/** One JSON-RPC response as the raw client saw it. */
export interface RawResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link spawnHoldfast}. */
export interface RawSpawnOptions {
  home: string;
  name?: string;
  /** Extra `holdfast run` options placed before `--`. */
  runArgs?: string[];
  server: RugpullConfig | { command: string; args: string[]; env?: Record<string, string> };
}

/** A running `holdfast run` driven line by line. */
export interface RawHoldfast extends AsyncDisposable {
  readonly process: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Settles when the gateway process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Writes `text` plus a newline; resolves once written (or once the pipe has failed). */
  writeLine(text: string): Promise<void>;
  /** Sends one JSON-RPC message. */
  send(message: Record<string, unknown>): Promise<void>;
  /** Sends a request and waits (bounded) for the response with the same id. */
  request(
    method: string,
    params?: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<RawResponse>;
  /** Waits (bounded) for the response to `id`. */
  response(id: string | number, timeoutMs?: number): Promise<RawResponse>;
  /** `initialize` then `notifications/initialized`; returns the initialize response. */
  initialize(timeoutMs?: number): Promise<RawResponse>;
  /** Every complete line the gateway wrote to stdout, in order. */
  lines(): string[];
  /** Everything the gateway wrote to stderr. */
  stderr(): string;
  /** Waits (bounded) until stderr matches `pattern`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Waits (bounded) for the gateway to exit. */
  waitForExit(timeoutMs?: number): Promise<ProcessExit>;
  /** Pids of the gateway's direct children right now. */
  children(): number[];
  /** Ends the gateway's stdin (EOF). */
  endStdin(): void;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/** Spawns `holdfast run` around `server` with pipes on all three streams. */
export function spawnHoldfast(options: RawSpawnOptions): RawHoldfast {
  const upstream = 'command' in options.server ? options.server : rugpullCommand(options.server);
  const env: Record<string, string> = { ...(upstream.env ?? {}), HOLDFAST_HOME: options.home };
  const path = process.env['PATH'];
  if (path !== undefined) env['PATH'] ??= path;
  const child = spawn(
    process.execPath,
    [
      HOLDFAST_BIN,
      'run',
      '--name',
      options.name ?? 'notes',
      ...(options.runArgs ?? []),
      '--',
      upstream.command,
      ...upstream.args,
    ],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('holdfast did not spawn');

  const stdoutLines: string[] = [];
  let partial = '';
  let stderrText = '';
  let exit: ProcessExit | undefined;
  const waiters = new Set<Waiter>();
  const poke = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.check()) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    stdoutLines.push(...parts);
    poke();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrText += chunk;
    poke();
  });
  // A gateway that has exited makes our writes fail with EPIPE: that is an outcome, not a crash.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
      poke();
    });
  });

  /** Resolves when `check` holds; rejects after `timeoutMs`, naming `what`. */
  const waitUntil = (check: () => boolean, what: string, timeoutMs: number): Promise<void> => {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; stderr so far:\n${stderrText}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      waiters.add(waiter);
    });
  };

  const findResponse = (id: string | number): RawResponse | undefined => {
    for (const line of stdoutLines) {
      const message = tryParse(line);
      if (
        message?.['id'] === id &&
        !('method' in message) &&
        ('result' in message || 'error' in message)
      ) {
        return message as unknown as RawResponse;
      }
    }
    return undefined;
  };

  const writeLine = (text: string): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.stdin.destroyed || !child.stdin.writable) {
        resolve();
        return;
      }
      child.stdin.write(`${text}\n`, () => resolve());
    });

  let nextId = 1;
  const response = async (
    id: string | number,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RawResponse> => {
    await waitUntil(
      () => findResponse(id) !== undefined || exit !== undefined,
      `the response to ${JSON.stringify(id)}`,
      timeoutMs,
    );
    const found = findResponse(id);
    if (found === undefined) {
      throw new Error(
        `holdfast exited (${JSON.stringify(exit)}) without answering ${JSON.stringify(id)}; stderr:\n${stderrText}`,
      );
    }
    return found;
  };

  const send = (message: Record<string, unknown>): Promise<void> =>
    writeLine(JSON.stringify(message));

  const request = async (
    method: string,
    params: Record<string, unknown> = {},
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RawResponse> => {
    const id = `raw-${nextId++}`;
    await send({ jsonrpc: '2.0', id, method, params });
    return response(id, timeoutMs);
  };

  const waitForExit = async (timeoutMs = DEFAULT_WAIT_MS): Promise<ProcessExit> => {
    await waitUntil(() => exit !== undefined, 'holdfast to exit', timeoutMs);
    return exited;
  };

  return {
    process: child,
    pid,
    exited,
    writeLine,
    send,
    request,
    response,
    async initialize(timeoutMs = DEFAULT_WAIT_MS) {
      const result = await request(
        'initialize',
        {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'holdfast-raw-tests', version: '1.0.0' },
        },
        timeoutMs,
      );
      await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return result;
    },
    lines: () => [...stdoutLines],
    stderr: () => stderrText,
    waitForStderr: (pattern, timeoutMs = DEFAULT_WAIT_MS) =>
      waitUntil(() => pattern.test(stderrText), `stderr to match ${String(pattern)}`, timeoutMs),
    waitForExit,
    children: () => childPids(pid),
    endStdin: () => {
      child.stdin.end();
    },
    [Symbol.asyncDispose]: async () => {
      if (exit !== undefined) return;
      child.stdin.end();
      try {
        await waitForExit(5_000);
      } catch {
        child.kill('SIGKILL');
        await waitForExit(5_000);
      }
    },
  };
}

/** The value of a stdout line if it is a JSON object, else undefined. */
export function tryParse(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Pids of the direct children of `pid` (empty when it has none or is gone). */
export function childPids(pid: number): number[] {
  const result = spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map(Number);
}

/**
 * `running` while the process exists and has not exited, `zombie` once it has exited but is not
 * yet reaped by its parent, `gone` once it no longer exists.
 */
export function processState(pid: number): 'running' | 'zombie' | 'gone' {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 'gone';
  }
  // Format: "pid (comm) S ..."; comm may contain spaces or parentheses, so split at the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X' ? 'zombie' : 'running';
}
