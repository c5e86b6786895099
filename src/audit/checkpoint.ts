/**
 * Transparency log checkpoints (c2sp.org/tlog-checkpoint): the note text
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n]…
 *
 * signed as a C2SP note whose key name is the origin.
 */
import { AuditError } from '../shared/errors.js';
import { HASH_SIZE } from './merkle.js';
import {
  decodeCanonicalBase64,
  isNoteSafe,
  type NoteSigner,
  type NoteVerifier,
  openNote,
} from './note.js';

/** A log's signed tree head. */
export interface Checkpoint {
  /** The log identity; also the name of the key that signs it. */
  origin: string;
  /** Number of leaves in the tree (a safe integer). */
  size: number;
  /** RFC 6962 Merkle tree hash of the first `size` leaves. */
  root: Buffer;
  /** Opaque extension lines (tlog-checkpoint "Note text" 4), each non-empty; usually none. */
  extensions: string[];
}

/** tlog-checkpoint "Note text" 2: ASCII decimal without leading zeroes. */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** Formats the checkpoint note text; throws RangeError for a checkpoint that cannot be encoded. */
export function formatCheckpoint(c: Checkpoint): string {
  for (const line of [c.origin, ...c.extensions]) {
    if (line === '' || line.includes('\n') || !isNoteSafe(line)) {
      throw new RangeError('checkpoint lines must be non-empty, single-line and control-free');
    }
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) {
    throw new RangeError('checkpoint size must be a non-negative safe integer');
  }
  if (c.root.length !== HASH_SIZE)
    throw new RangeError(`checkpoint root must be ${HASH_SIZE} bytes`);
  const lines = [c.origin, String(c.size), c.root.toString('base64'), ...c.extensions];
  return lines.map((line) => `${line}\n`).join('');
}

/** Parses checkpoint note text strictly; throws AuditError('AUDIT_MALFORMED'). */
export function parseCheckpoint(text: string): Checkpoint {
  // Attacker-controlled input: tlog-checkpoint "Note text".
  if (!text.endsWith('\n') || !isNoteSafe(text)) {
    throw malformed('checkpoint text must end in newline and have no control characters');
  }
  const [origin, sizeLine, rootLine, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    throw malformed('checkpoint needs origin, size and root lines');
  }
  if (origin === '' || extensions.includes('')) throw malformed('checkpoint has an empty line');
  const size = parseDecimal(sizeLine);
  if (size === undefined) throw malformed('checkpoint size is not a canonical decimal');
  const root = decodeCanonicalBase64(rootLine);
  if (root?.length !== HASH_SIZE) throw malformed('checkpoint root is not a base64 SHA-256 hash');
  return { origin, size, root, extensions };
}

/** Signs the checkpoint; its origin must equal the signer's key name (RangeError otherwise). */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  if (c.origin !== signer.name) throw new RangeError('checkpoint origin must equal the key name');
  return signer.sign(formatCheckpoint(c));
}

/**
 * openNote + parseCheckpoint + origin === verifier.name. A well-signed checkpoint for another
 * origin is refused with AUDIT_BAD_SIGNATURE: the key does not speak for that log.
 */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  const checkpoint = parseCheckpoint(openNote(note, verifier));
  if (checkpoint.origin !== verifier.name) {
    throw new AuditError('AUDIT_BAD_SIGNATURE', 'checkpoint origin differs from the key name');
  }
  return checkpoint;
}

/**
 * Parses a canonical ASCII decimal (no sign, no leading zeroes) up to Number.MAX_SAFE_INTEGER.
 * Shared with receipt.ts for the `index` line.
 */
export function parseDecimal(text: string): number | undefined {
  if (text.length > 16 || !DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function malformed(message: string): AuditError {
  return new AuditError('AUDIT_MALFORMED', message);
}
