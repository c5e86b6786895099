/**
 * The exact bytes each checked message arrived as. The gateway relays the message object it
 * received, untouched, so a transport can write those bytes instead of re-serializing: relay is
 * byte-for-byte (DESIGN §3) and skips a JSON.stringify and a UTF-8 encode per hop. Safe because a
 * message only gets here after strict parsing (no duplicate keys), so every reader of the bytes
 * sees the value Holdfast checked. Objects Holdfast builds itself have no entry.
 */
const RAW = new WeakMap<object, Buffer>();

/** Records the bytes a parsed message came from (without the newline). */
export function rememberRawBytes(message: object, bytes: Buffer): void {
  RAW.set(message, bytes);
}

/** The bytes `message` arrived as, if it is a relayed message. */
export function rawBytesOf(message: object): Buffer | undefined {
  return RAW.get(message);
}

const NEWLINE = Buffer.from('\n');
/** One shared wait per stream under backpressure, however many senders are waiting. */
const DRAINS = new WeakMap<NodeJS.WritableStream, Promise<boolean>>();

/**
 * Writes one message as a line: its original bytes when it has them, else its JSON. Returns what
 * `stream.write` returned (false: wait for 'drain').
 */
export function writeMessageLine(stream: NodeJS.WritableStream, message: object): boolean {
  const raw = rawBytesOf(message);
  if (raw === undefined) return stream.write(`${JSON.stringify(message)}\n`);
  const writable = stream as NodeJS.WritableStream & { cork?: () => void; uncork?: () => void };
  writable.cork?.();
  stream.write(raw);
  const ok = stream.write(NEWLINE);
  writable.uncork?.();
  return ok;
}

/**
 * Writes one message line and, under backpressure, waits for 'drain'. Resolves true once the
 * stream took the line, false if the stream closed before draining.
 */
export async function sendMessageLine(
  stream: NodeJS.WritableStream,
  message: object,
): Promise<boolean> {
  if (writeMessageLine(stream, message)) return true;
  let drained = DRAINS.get(stream);
  if (drained === undefined) {
    drained = new Promise<boolean>((resolve) => {
      const settle = (ok: boolean) => (): void => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        DRAINS.delete(stream);
        resolve(ok);
      };
      const onDrain = settle(true);
      const onClose = settle(false);
      stream.once('drain', onDrain).once('close', onClose);
    });
    DRAINS.set(stream, drained);
  }
  return drained;
}
