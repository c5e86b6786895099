/**
 * Receipts in the c2sp.org/tlog-proof@v1 format: an offline-verifiable proof that an entry is in
 * the log, made of its index, an RFC 6962 inclusion proof and the signed checkpoint it leads to.
 *
 *     c2sp.org/tlog-proof@v1
 *     [extra <base64>]
 *     index <decimal>
 *     <base64 hash>            (zero or more, leaf's sibling first)
 *                              (an empty line)
 *     <signed checkpoint note, verbatim>
 */
import { AuditError } from '../shared/errors.js';
import { type Checkpoint, openCheckpoint, parseDecimal } from './checkpoint.js';
import { HASH_SIZE, leafHash, verifyInclusion } from './merkle.js';
import { decodeCanonicalBase64, type NoteVerifier } from './note.js';

/** A parsed receipt. */
export interface Receipt {
  /** Zero-based index of the entry in the log. */
  index: number;
  /** RFC 6962 §2.1.1 inclusion path, from the leaf's sibling up to the root's child. */
  proof: Buffer[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
  /** Opaque, unauthenticated extra data (tlog-proof "Format"); never trust it. */
  extra?: Buffer;
}

/** tlog-proof "Format": the first line. */
export const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1';
const EXTRA_PREFIX = 'extra ';
const INDEX_PREFIX = 'index ';
/** An inclusion proof in a tree of at most 2^53 leaves has at most 53 hashes. */
const MAX_PROOF_HASHES = 64;

/** Formats a receipt; throws RangeError for one that cannot be encoded. */
export function formatReceipt(r: Receipt): string {
  if (!Number.isSafeInteger(r.index) || r.index < 0) {
    throw new RangeError('receipt index must be a non-negative safe integer');
  }
  if (r.proof.length > MAX_PROOF_HASHES || r.proof.some((hash) => hash.length !== HASH_SIZE)) {
    throw new RangeError(
      `receipt proof must be at most ${MAX_PROOF_HASHES} ${HASH_SIZE}-byte hashes`,
    );
  }
  if (r.extra?.length === 0) throw new RangeError('receipt extra data must be non-empty');
  if (!r.checkpoint.endsWith('\n')) throw new RangeError('receipt checkpoint must end in newline');
  const lines = [RECEIPT_HEADER];
  if (r.extra !== undefined) lines.push(EXTRA_PREFIX + r.extra.toString('base64'));
  lines.push(INDEX_PREFIX + String(r.index));
  for (const hash of r.proof) lines.push(hash.toString('base64'));
  lines.push('');
  return lines.map((line) => `${line}\n`).join('') + r.checkpoint;
}

/**
 * Parses a receipt strictly (canonical base64, canonical decimals, no stray lines); the checkpoint
 * is returned verbatim and checked only by verifyReceipt. Throws AuditError('AUDIT_MALFORMED').
 */
export function parseReceipt(text: string): Receipt {
  // Attacker-controlled input: tlog-proof "Format", line by line.
  let rest = text;
  const nextLine = (): string => {
    const end = rest.indexOf('\n');
    if (end < 0) throw malformed('receipt ends before its checkpoint');
    const line = rest.slice(0, end);
    rest = rest.slice(end + 1);
    return line;
  };

  if (nextLine() !== RECEIPT_HEADER) throw malformed(`receipt must start with ${RECEIPT_HEADER}`);
  let line = nextLine();
  let extra: Buffer | undefined;
  if (line.startsWith(EXTRA_PREFIX)) {
    extra = decodeCanonicalBase64(line.slice(EXTRA_PREFIX.length));
    if (extra === undefined || extra.length === 0) throw malformed('receipt extra is not base64');
    line = nextLine();
  }
  if (!line.startsWith(INDEX_PREFIX)) throw malformed('receipt has no index line');
  const index = parseDecimal(line.slice(INDEX_PREFIX.length));
  if (index === undefined) throw malformed('receipt index is not a canonical decimal');

  const proof: Buffer[] = [];
  for (line = nextLine(); line !== ''; line = nextLine()) {
    const hash = decodeCanonicalBase64(line);
    if (hash?.length !== HASH_SIZE) throw malformed('receipt proof line is not a base64 hash');
    if (proof.length === MAX_PROOF_HASHES) throw malformed('receipt proof is too long');
    proof.push(hash);
  }
  if (rest === '' || !rest.endsWith('\n')) throw malformed('receipt checkpoint is missing');
  return extra === undefined
    ? { index, proof, checkpoint: rest }
    : { index, proof, checkpoint: rest, extra };
}

/**
 * Verifies a receipt for `entry` (the exact entry bytes): the checkpoint's signature and origin
 * by `verifier`, then RFC 9162 §2.1.3.2 inclusion of leafHash(entry) at receipt.index in the
 * checkpoint's tree. Returns the index and checkpoint; throws AuditError (AUDIT_MALFORMED,
 * AUDIT_BAD_SIGNATURE, AUDIT_KEY or AUDIT_BAD_PROOF).
 */
export function verifyReceipt(
  text: string,
  entry: Uint8Array,
  verifier: NoteVerifier,
): { index: number; checkpoint: Checkpoint } {
  const receipt = parseReceipt(text);
  const checkpoint = openCheckpoint(receipt.checkpoint, verifier);
  if (receipt.index >= checkpoint.size) {
    throw new AuditError('AUDIT_BAD_PROOF', 'receipt index is outside the checkpointed tree', {
      details: { index: receipt.index, size: checkpoint.size },
    });
  }
  verifyInclusion(leafHash(entry), receipt.index, checkpoint.size, receipt.proof, checkpoint.root);
  return { index: receipt.index, checkpoint };
}

function malformed(message: string): AuditError {
  return new AuditError('AUDIT_MALFORMED', message);
}
