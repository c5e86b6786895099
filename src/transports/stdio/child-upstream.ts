/**
 * Upstream transport for an MCP server run as a child process (stdio). We frame the child's stdout
 * ourselves instead of using the SDK's StdioClientTransport so that every line is checked before
 * anything parses it leniently: strict JSON (no duplicate keys, bounded depth and size) and a
 * JSON-RPC 2.0 shape. A bad line never reaches `onmessage`; `onerror` gets an
 * `UpstreamError('UPSTREAM_PROTOCOL')` whose details carry the reason and, when it can be found
 * cheaply, the JSON-RPC id, so the gateway can fail the pending request.
 */
import { type ChildProcess, spawn } from 'node:child_process';

import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';

import { UpstreamError } from '../../shared/errors.js';
import { sendMessageLine } from '../raw-bytes.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_MESSAGE_DEPTH,
  toProtocolError,
} from '../wire-check.js';
import { LineReader } from './line-reader.js';

const DEFAULT_KILL_GRACE_MS = 2000;

/** Options for {@link createChildUpstream}. */
export interface ChildUpstreamOptions {
  command: string;
  args: string[];
  /** The child's whole environment (nothing is inherited; the CLI decides what goes in). */
  env: Record<string, string>;
  cwd?: string;
  /** Longest accepted line in bytes, newline excluded. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Deepest accepted nesting. Default 64. */
  maxDepth?: number;
  /** Where the server's stderr goes. Default `inherit` (ours). */
  stderr?: 'inherit' | 'pipe' | 'ignore';
  /** Wait after ending stdin before SIGTERM, and again before SIGKILL. Default 2000 ms. */
  killGraceMs?: number;
}

/** How the child ended: exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** An SDK `Transport` over a child process's stdin/stdout. */
export interface ChildUpstream extends Transport {
  /** The child's pid once spawned. */
  readonly pid: number | undefined;
  /** Settles once the child has ended (or failed to spawn: both fields null). */
  readonly exited: Promise<ChildExit>;
  /** The child's stderr when `stderr: 'pipe'` was chosen. */
  readonly stderr: NodeJS.ReadableStream | null;
}

/** Creates the transport; the child is spawned by `start()` (which `Client.connect` calls). */
export function createChildUpstream(options: ChildUpstreamOptions): ChildUpstream {
  return new ChildUpstreamTransport(options);
}

class ChildUpstreamTransport implements ChildUpstream {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  readonly exited: Promise<ChildExit>;

  readonly #options: ChildUpstreamOptions;
  readonly #maxBytes: number;
  readonly #maxDepth: number;
  #child: ChildProcess | undefined;
  #resolveExit!: (exit: ChildExit) => void;
  #isFinished = false;
  #isClosing = false;
  #isStdinClosed = false;
  readonly #reader: LineReader;

  constructor(options: ChildUpstreamOptions) {
    this.#options = options;
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_MESSAGE_DEPTH;
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
    this.#reader = new LineReader({
      maxBytes: this.#maxBytes,
      maxDepth: this.#maxDepth,
      onMessage: (message) => {
        try {
          this.onmessage?.(message);
        } catch (error) {
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        }
      },
      onReject: (rejected) => this.onerror?.(toProtocolError(rejected)),
    });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.#child?.stderr ?? null;
  }

  /** Spawns the child (no shell). Rejects, after `onerror` and `onclose`, if it cannot start. */
  start(): Promise<void> {
    if (this.#child) throw new Error('ChildUpstream already started');
    const { command, args, env, cwd, stderr = 'inherit' } = this.#options;
    const child = spawn(command, args, {
      env,
      ...(cwd === undefined ? {} : { cwd }),
      stdio: ['pipe', 'pipe', stderr],
      shell: false,
      windowsHide: true,
    });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
    });
    child.stdout?.on('error', (error) => {
      this.onerror?.(
        new UpstreamError('UPSTREAM_CLOSED', 'Upstream stdout failed', { cause: error }),
      );
    });
    // EPIPE and friends arrive here once the child has gone; `send` then rejects.
    child.stdin?.on('error', () => (this.#isStdinClosed = true));
    child.stdin?.on('close', () => (this.#isStdinClosed = true));
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.#finish(code, signal);
    });
    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        resolve();
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return; // e.g. a failed kill: the close path reports exits.
        const errno = typeof error.code === 'string' ? error.code : 'unknown';
        const failure = new UpstreamError(
          'UPSTREAM_SPAWN_FAILED',
          `Failed to start the upstream server (${errno})`,
          { details: { errno } },
        );
        this.onerror?.(failure);
        this.#finish(null, null);
        reject(failure);
      });
    });
  }

  /** Writes one line; resolves at once, or after 'drain' when stdin's buffer is full. */
  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (!stdin || this.#isStdinClosed || this.#isClosing || !stdin.writable) {
      throw new UpstreamError('UPSTREAM_CLOSED', 'Upstream stdin is closed');
    }
    // A failed write (EPIPE) also emits 'error' and 'close' on stdin, which the listeners handle.
    if (!(await sendMessageLine(stdin, message))) {
      throw new UpstreamError('UPSTREAM_CLOSED', 'Upstream stdin closed before draining');
    }
  }

  /** Ends stdin, then SIGTERM after the grace period, then SIGKILL after another. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child || this.#isFinished) {
      this.#finish(null, null);
      return;
    }
    this.#isClosing = true;
    const grace = this.#options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    child.stdin?.end();
    let killTimer: NodeJS.Timeout | undefined;
    const termTimer = setTimeout(() => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), grace).unref();
    }, grace).unref();
    await this.exited;
    clearTimeout(termTimer);
    clearTimeout(killTimer);
  }

  #finish(code: number | null, signal: string | null): void {
    if (this.#isFinished) return;
    this.#isFinished = true;
    this.#isStdinClosed = true;
    if (!this.#isClosing && this.#child?.pid !== undefined) {
      const details: Record<string, string | number> = {};
      if (code !== null) details['code'] = code;
      if (signal !== null) details['signal'] = signal;
      this.onerror?.(new UpstreamError('UPSTREAM_EXITED', 'Upstream server exited', { details }));
    }
    this.#resolveExit({ code, signal });
    this.onclose?.();
  }
}
