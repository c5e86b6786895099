import type { JSONRPCMessage } from '@modelcontextprotocol/client';

import { rememberRawBytes } from '../raw-bytes.js';
import type { WireVerdict } from '../wire-check.js';
import { checkUpstreamText, recoverJsonRpcId } from '../wire-check.js';

const NEWLINE = 0x0a;
const TAIL_BYTES = 256;

/** The last TAIL_BYTES of `kept` followed by `piece`, copying at most TAIL_BYTES. */
function lastBytes(kept: Buffer, piece: Buffer): Buffer {
  if (piece.length >= TAIL_BYTES) return Buffer.from(piece.subarray(piece.length - TAIL_BYTES));
  return Buffer.concat([kept, piece]).subarray(-TAIL_BYTES);
}

/**
 * The top-level id of an object whose last member is `"id": <string|integer>`, optionally
 * followed by `"jsonrpc":"2.0"`, read from the end of the line only. A nested `"id"` cannot match:
 * it would be followed by at least two closing braces.
 */
export function recoverTrailingId(tail: Buffer): string | number | undefined {
  let text = tail.toString('utf8').trimEnd();
  if (!text.endsWith('}')) return undefined;
  text = text.slice(0, -1).trimEnd();
  const jsonrpc = /,\s*"jsonrpc"\s*:\s*"2\.0"$/.exec(text);
  if (jsonrpc !== null) text = text.slice(0, jsonrpc.index);
  const at = text.lastIndexOf('"id"');
  if (at === -1) return undefined;
  const rest = text.slice(at + 4).trimStart();
  if (!rest.startsWith(':')) return undefined;
  const raw = rest.slice(1).trim();
  if (/^-?\d{1,15}$/.test(raw)) return Number(raw);
  if (/^"[^"\\]{0,200}"$/.test(raw)) return raw.slice(1, -1);
  return undefined;
}

/** A line the reader refused: why, and the JSON-RPC id when it could be found cheaply. */
export type RejectedLine = Extract<WireVerdict, { ok: false }>;

/** Options for {@link LineReader}. */
export interface LineReaderOptions {
  maxBytes: number;
  maxDepth: number;
  onMessage: (message: JSONRPCMessage) => void;
  onReject: (rejected: RejectedLine) => void;
}

/**
 * Newline-delimited JSON-RPC framing for input Holdfast does not trust, in linear time: each byte
 * is looked at once and copied at most once. A line longer than `maxBytes` is dropped unseen
 * (never buffered whole); every complete line is checked with `checkUpstreamText` before anyone
 * parses it leniently. Rejected lines never reach `onMessage`.
 */
export class LineReader {
  readonly #options: LineReaderOptions;
  // The current unfinished line, kept as a list of pieces (joined once, at its newline).
  #pieces: Buffer[] = [];
  #pendingBytes = 0;
  #isSkipping = false;
  /** While skipping an oversize line without an id in its prefix: its last bytes, for the id. */
  #tail: Buffer | undefined;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(options: LineReaderOptions) {
    this.#options = options;
  }

  /** Feeds bytes as they arrive. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.#isSkipping) {
        // Rest of an oversize line: drop it unseen, keeping only its last bytes if needed.
        if (this.#tail !== undefined) this.#tail = lastBytes(this.#tail, piece);
        if (newline !== -1) this.#finishOversize();
      } else if (this.#pendingBytes + piece.length > this.#options.maxBytes) {
        this.#rejectOversize(piece);
        if (newline !== -1) this.#finishOversize();
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
    const id = recoverJsonRpcId(prefix);
    if (id !== undefined) {
      this.#options.onReject({ ok: false, reason: 'oversize', id });
      return;
    }
    // Serializers often write `id` after `result`: look for it at the end of the line.
    this.#tail = lastBytes(Buffer.alloc(0), piece);
  }

  /** At the end of an oversize line whose prefix had no id: report it with the trailing id. */
  #finishOversize(): void {
    if (this.#tail === undefined) return;
    const id = recoverTrailingId(this.#tail);
    this.#tail = undefined;
    this.#options.onReject(
      id === undefined ? { ok: false, reason: 'oversize' } : { ok: false, reason: 'oversize', id },
    );
  }

  #onLine(line: Buffer): void {
    const length =
      line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (length === 0) return;
    let text: string;
    try {
      text = this.#decoder.decode(line.subarray(0, length));
    } catch {
      this.#options.onReject({ ok: false, reason: 'SURFACE_NOT_JSON' });
      return;
    }
    const { maxDepth, maxBytes } = this.#options;
    const verdict = checkUpstreamText(text, { maxDepth, maxBytes });
    if (verdict.ok) {
      rememberRawBytes(verdict.message, line.subarray(0, length));
      this.#options.onMessage(verdict.message);
    } else this.#options.onReject(verdict);
  }
}
