/**
 * Upstream transport for an MCP server run as a child process (stdio). We frame the child's stdout
 * ourselves instead of using the SDK's StdioClientTransport so that every line is checked before
 * anything parses it leniently: strict JSON (no duplicate keys, bounded depth and size) and a
 * JSON-RPC 2.0 shape. A bad line never reaches `onmessage`; `onerror` gets an
 * `UpstreamError('UPSTREAM_PROTOCOL')` whose details carry the reason and, when it can be found
 * cheaply, the JSON-RPC id, so the gateway can fail the pending request.
 */
import { type ChildProcess, spawn } from 'node:child_process';

import {
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';

import { SurfaceError, UpstreamError } from '../../shared/errors.js';
import { parseStrictJson } from '../../surface/strict-json.js';

/** Default cap on one message (one line): 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Default nesting limit for one message. */
export const DEFAULT_MAX_MESSAGE_DEPTH = 64;
const DEFAULT_KILL_GRACE_MS = 2000;
const NEWLINE = 0x0a;

/** The outcome of checking one message from upstream. */
export type WireVerdict =
  { ok: true; message: JSONRPCMessage } | { ok: false; reason: string; id?: string | number };

/**
 * Checks one message text from upstream (attacker-controlled): strict JSON within the limits,
 * then the JSON-RPC 2.0 shape. The returned message is the parsed value itself, not a re-built
 * copy, so unknown members survive for the gateway to relay.
 */
export function checkUpstreamText(
  text: string,
  limits: { maxDepth: number; maxBytes: number },
): WireVerdict {
  let value: unknown;
  try {
    value = parseStrictJson(text, limits);
  } catch (error) {
    const reason = error instanceof SurfaceError ? error.code : 'SURFACE_NOT_JSON';
    return withId({ ok: false, reason }, recoverJsonRpcId(text));
  }
  if (isJSONRPCRequest(value) || isJSONRPCNotification(value) || isJSONRPCResponse(value)) {
    return { ok: true, message: value };
  }
  const id = typeof value === 'object' && value !== null && 'id' in value ? value.id : undefined;
  return withId({ ok: false, reason: 'not-jsonrpc' }, id);
}

function withId(verdict: { ok: false; reason: string }, id: unknown): WireVerdict {
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id))
    ? { ...verdict, id }
    : verdict;
}

/**
 * Finds the top-level `"id"` of a JSON object text that failed strict parsing, or of the prefix of
 * an oversize one, without building the value: one forward scan, no recursion, no regex. Returns
 * undefined when there is no usable id (absent, not a string or integer, or given twice).
 */
export function recoverJsonRpcId(text: string): string | number | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  let id: string | number | undefined;
  let isSeen = false;
  for (i = skipSpace(text, i + 1); text.charCodeAt(i) === 0x22; i = skipSpace(text, i + 1)) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) break;
    const isIdKey = decodeSmall(text.slice(i, keyEnd)) === 'id';
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) break;
    i = skipSpace(text, i + 1);
    const valueEnd = valueEndAt(text, i);
    if (isIdKey) {
      if (isSeen) return undefined;
      isSeen = true;
      const value = valueEnd === -1 ? undefined : decodeSmall(text.slice(i, valueEnd));
      id =
        typeof value === 'string' || Number.isSafeInteger(value)
          ? (value as string | number)
          : undefined;
    }
    if (valueEnd === -1) break;
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== 0x2c) break;
  }
  return id;
}

function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return i;
}

/** Index just after the string whose quote is at `i`, or -1 if the text ends first. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/** Index just after the value starting at `i`, or -1 if the text ends first. */
function valueEndAt(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === 0x22) return stringEnd(text, i);
  if (first !== 0x7b && first !== 0x5b) {
    let j = i;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d)
        return j;
    }
    return -1; // a number cut by the end of a prefix may be longer than what we see
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) {
      j = stringEnd(text, j) - 1;
      if (j < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return j + 1;
  }
  return -1;
}

/** JSON.parse of a short token (a key or an id); anything long or invalid is undefined. */
function decodeSmall(token: string): unknown {
  if (token.length > 256) return undefined;
  try {
    return JSON.parse(token) as unknown;
  } catch {
    return undefined;
  }
}

/** The error reported through `onerror` for a rejected message; it never quotes the message. */
export function toProtocolError(verdict: { reason: string; id?: string | number }): UpstreamError {
  const details: Record<string, string | number> = { reason: verdict.reason };
  if (verdict.id !== undefined) details['id'] = verdict.id;
  return new UpstreamError('UPSTREAM_PROTOCOL', `Upstream message rejected (${verdict.reason})`, {
    details,
  });
}

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
  #drained: Promise<void> | undefined;
  // The current unfinished line, kept as a list of pieces (joined once, at its newline).
  #pieces: Buffer[] = [];
  #pendingBytes = 0;
  #isSkipping = false;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(options: ChildUpstreamOptions) {
    this.#options = options;
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_MESSAGE_DEPTH;
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
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
      this.#onChunk(chunk);
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
    if (stdin.write(`${JSON.stringify(message)}\n`)) return;
    this.#drained ??= new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        stdin.off('close', onClose);
        this.#drained = undefined;
        resolve();
      };
      const onClose = (): void => {
        stdin.off('drain', onDrain);
        reject(new UpstreamError('UPSTREAM_CLOSED', 'Upstream stdin closed before draining'));
      };
      stdin.once('drain', onDrain).once('close', onClose);
    });
    await this.#drained;
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

  /** Newline framing in linear time: each byte is looked at once and copied at most once. */
  #onChunk(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.#isSkipping) {
        // Rest of an oversize line: drop it unseen.
      } else if (this.#pendingBytes + piece.length > this.#maxBytes) {
        this.#rejectOversize(piece);
      } else if (newline === -1) {
        this.#pieces.push(piece);
        this.#pendingBytes += piece.length;
      } else {
        const line = this.#pieces.length === 0 ? piece : Buffer.concat([...this.#pieces, piece]);
        this.#pieces = [];
        this.#pendingBytes = 0;
        this.#onLine(line);
      }
      if (newline === -1) break;
      this.#isSkipping = false;
      start = newline + 1;
    }
  }

  #rejectOversize(piece: Buffer): void {
    // Look for the id in what we already hold (at most maxBytes plus one chunk), then let it go.
    const prefix = Buffer.concat([...this.#pieces, piece]).toString('utf8');
    this.#pieces = [];
    this.#pendingBytes = 0;
    this.#isSkipping = true;
    const verdict = withId({ ok: false, reason: 'oversize' }, recoverJsonRpcId(prefix));
    if (!verdict.ok) this.onerror?.(toProtocolError(verdict));
  }

  #onLine(line: Buffer): void {
    const length =
      line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (length === 0) return;
    let text: string;
    try {
      text = this.#decoder.decode(line.subarray(0, length));
    } catch {
      this.onerror?.(toProtocolError({ reason: 'SURFACE_NOT_JSON' }));
      return;
    }
    const verdict = checkUpstreamText(text, { maxDepth: this.#maxDepth, maxBytes: this.#maxBytes });
    if (!verdict.ok) {
      this.onerror?.(toProtocolError(verdict));
      return;
    }
    try {
      this.onmessage?.(verdict.message);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
