/**
 * An incremental `text/event-stream` parser (HTML Living Standard §9.2.6 "Interpreting an event
 * stream") that works on the Buffers a socket delivers, so a reply is neither decoded as a whole
 * nor piped through web streams. The input is attacker-controlled: every scan is linear (each
 * `indexOf` result is used once), no regex runs, and what is held for one event is bounded by
 * `maxEventBytes`.
 *
 * Lines end in LF, CRLF or a lone CR (also when a CRLF pair is split between chunks). Comments and
 * unknown fields are skipped without being kept. An unfinished event at the end of a stream is
 * never dispatched, as the spec says.
 */

/** What the parser reports; the data Buffers may be views of the chunks given to `push`. */
export interface SseHandlers {
  /** A `message` event (no `event` field, or `event: message`) whose data is not empty. */
  onMessage: (data: Buffer) => void;
  /**
   * An event whose data grew past the limit: reported once, as soon as it does, with the start
   * of its data (at most `maxEventBytes`); the rest of the event is skipped without being kept.
   */
  onOversize: (prefix: Buffer) => void;
  /** A `retry` field: the reconnection time the server asks for, in milliseconds. */
  onRetry?: (ms: number) => void;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const NEWLINE = Buffer.from([LF]);
/** Longest id we keep; it goes back to the server in a `Last-Event-ID` header. */
const MAX_ID_LENGTH = 1024;

/** Splits a byte stream into events; see the module comment. */
export class SseParser {
  readonly #handlers: SseHandlers;
  readonly #maxBytes: number;
  /** Pieces of a line that started in an earlier chunk. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The current line has bytes we did not keep (a comment, or an oversize event). */
  #isLineSkipped = false;
  #isAfterCR = false;
  #isFirstChunk = true;
  /** The current event's data lines, with a newline piece between two lines. */
  #data: Buffer[] = [];
  #dataBytes = 0;
  #isMessage = true;
  #isOversize = false;
  #idBuffer: string | undefined;
  #lastEventId: string | undefined;

  constructor(maxEventBytes: number, handlers: SseHandlers) {
    this.#maxBytes = maxEventBytes;
    this.#handlers = handlers;
  }

  /**
   * The id of the last dispatched event (§9.2.6 "last event ID string"), for `Last-Event-ID`;
   * undefined when the server never set one or cleared it. Only printable ASCII ids of at most
   * 1 KiB are kept, so the value is always a valid header field value.
   */
  get lastEventId(): string | undefined {
    return this.#lastEventId === '' ? undefined : this.#lastEventId;
  }

  /** Feeds the next chunk of the body. */
  push(chunk: Buffer): void {
    const end = chunk.length;
    let pos = 0;
    if (this.#isFirstChunk) {
      this.#isFirstChunk = false;
      // One UTF-8 byte order mark at the start of the stream is ignored (§9.2.6).
      if (end >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    if (this.#isAfterCR) {
      this.#isAfterCR = false;
      if (end > 0 && chunk[0] === LF) pos = 1; // the LF of a CRLF split between chunks
    }
    let cr = chunk.indexOf(CR, pos);
    let lf = chunk.indexOf(LF, pos);
    while (cr !== -1 || lf !== -1) {
      const isCR = cr !== -1 && (lf === -1 || cr < lf);
      const eol = isCR ? cr : lf;
      this.#endLine(chunk, pos, eol);
      pos = eol + 1;
      if (isCR) {
        if (pos === end) this.#isAfterCR = true;
        else if (chunk[pos] === LF) pos++;
      }
      if (cr !== -1 && cr < pos) cr = chunk.indexOf(CR, pos);
      if (lf !== -1 && lf < pos) lf = chunk.indexOf(LF, pos);
    }
    if (pos < end) this.#holdPartial(chunk, pos, end);
  }

  #holdPartial(chunk: Buffer, start: number, end: number): void {
    if (this.#isLineSkipped) return;
    if (this.#isOversize || (this.#pendingBytes === 0 && chunk[start] === COLON)) {
      this.#isLineSkipped = true; // a comment, or a line of an event already dropped
      this.#pending = [];
      this.#pendingBytes = 0;
      return;
    }
    this.#pending.push(chunk.subarray(start, end));
    this.#pendingBytes += end - start;
    if (this.#dataBytes + this.#pendingBytes > this.#maxBytes) {
      const line = Buffer.concat(this.#pending);
      this.#setOversize(this.#dataBytes > 0 ? undefined : dataValueOf(line, 0, line.length));
      this.#isLineSkipped = true;
    }
  }

  #endLine(chunk: Buffer, start: number, end: number): void {
    if (this.#isLineSkipped) {
      this.#isLineSkipped = false;
      return; // not blank: it had bytes in an earlier chunk
    }
    if (this.#pendingBytes === 0) {
      this.#line(chunk, start, end);
      return;
    }
    this.#pending.push(chunk.subarray(start, end));
    const line = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#line(line, 0, line.length);
  }

  /** One complete line, `buf[start, end)`, without its terminator. */
  #line(buf: Buffer, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    if (this.#isOversize || buf[start] === COLON) return;
    // The fields we use have names of at most 5 bytes: look for the colon no further than that.
    let colon = start;
    const stop = Math.min(end, start + 6);
    while (colon < stop && buf[colon] !== COLON) colon++;
    if (colon === stop && colon !== end) return; // a longer field name: unknown, ignored
    const nameLength = colon - start;
    let value = colon === end ? end : colon + 1;
    if (value < end && buf[value] === SPACE) value++;
    if (nameLength === 4 && isName(buf, start, 'data')) this.#addData(buf, value, end);
    else if (nameLength === 5 && isName(buf, start, 'event')) {
      this.#isMessage = end === value || (end - value === 7 && isName(buf, value, 'message'));
    } else if (nameLength === 2 && isName(buf, start, 'id')) this.#setId(buf, value, end);
    else if (nameLength === 5 && isName(buf, start, 'retry')) this.#setRetry(buf, value, end);
  }

  #addData(buf: Buffer, start: number, end: number): void {
    const separator = this.#data.length > 0 ? 1 : 0;
    if (this.#dataBytes + separator + end - start > this.#maxBytes) {
      this.#setOversize(buf.subarray(start, end));
      return;
    }
    if (separator === 1) this.#data.push(NEWLINE);
    this.#data.push(buf.subarray(start, end));
    this.#dataBytes += separator + end - start;
  }

  #setId(buf: Buffer, start: number, end: number): void {
    if (end - start > MAX_ID_LENGTH) return;
    for (let i = start; i < end; i++) {
      const c = buf[i] ?? 0;
      if (c < 0x20 || c > 0x7e) return; // NUL is ignored by the spec; the rest would not fit a header
    }
    this.#idBuffer = buf.toString('latin1', start, end);
  }

  #setRetry(buf: Buffer, start: number, end: number): void {
    if (start === end || end - start > 10) return;
    let ms = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i] ?? 0;
      if (c < 0x30 || c > 0x39) return;
      ms = ms * 10 + c - 0x30;
    }
    this.#handlers.onRetry?.(ms);
  }

  /** Reports the event now and skips the rest of it; `tail` is data not yet in `#data`. */
  #setOversize(tail: Buffer | undefined): void {
    let pieces = this.#data;
    if (tail !== undefined) pieces = pieces.length === 0 ? [tail] : [...pieces, NEWLINE, tail];
    const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const prefix = Buffer.concat(pieces, Math.min(size, this.#maxBytes));
    this.#isOversize = true;
    this.#data = [];
    this.#dataBytes = 0;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#handlers.onOversize(prefix);
  }

  /** A blank line (§9.2.6 "dispatch the event"). */
  #dispatch(): void {
    this.#lastEventId = this.#idBuffer;
    const data = this.#data;
    const isMessage = this.#isMessage && !this.#isOversize && this.#dataBytes > 0;
    this.#data = [];
    this.#dataBytes = 0;
    this.#isMessage = true;
    this.#isOversize = false;
    if (!isMessage) return;
    const only = data.length === 1 ? data[0] : undefined;
    this.#handlers.onMessage(only ?? Buffer.concat(data));
  }
}

/** Whether `buf` holds the ASCII `name` at `start` (the caller has checked the length). */
function isName(buf: Buffer, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (buf[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** The value of a `data` line held in `line`, or undefined if it is another field. */
function dataValueOf(line: Buffer, start: number, end: number): Buffer | undefined {
  if (end - start < 5 || !isName(line, start, 'data') || line[start + 4] !== COLON)
    return undefined;
  const value = line[start + 5] === SPACE ? start + 6 : start + 5;
  return line.subarray(value, end);
}
