/**
 * The one rule of a log's signer: never sign two inconsistent checkpoints (DESIGN §10). Before a new
 * tree head is signed it must extend both the newest checkpoint in the store and the last one this
 * key signed (kept beside the key, so a store rolled back or rewritten by someone else is refused).
 */
import { AuditError } from '../shared/errors.js';
import type { CheckpointSigning, TreeHead } from '../store/ports.js';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import { EMPTY_ROOT, hashEquals, verifyConsistency } from './merkle.js';
import type { NoteSigner, NoteVerifier } from './note.js';

/** Where the signer keeps the last checkpoint it signed (a file beside the key). */
export interface SignedHeadGuard {
  /** The last signed note, or undefined before the first. */
  read(): string | undefined;
  /** Durably replaces the last signed note. */
  write(note: string): void;
}

/** A {@link CheckpointSigning} for `signer` that refuses any head inconsistent with earlier ones. */
export function createCheckpointSigning(
  signer: NoteSigner,
  verifier: NoteVerifier,
  guard: SignedHeadGuard,
): CheckpointSigning {
  return (head, previous, prove) => {
    const remembered = guard.read();
    for (const [note, where] of [
      [previous?.note, 'the newest stored checkpoint'],
      [remembered, 'the last checkpoint this key signed'],
    ] as const) {
      if (note !== undefined) assertExtends(head, note, where, verifier, prove);
    }
    const signed = signCheckpoint(
      { origin: signer.name, size: head.size, root: head.root, extensions: [] },
      signer,
    );
    guard.write(signed);
    return signed;
  };
}

function assertExtends(
  head: TreeHead,
  note: string,
  where: string,
  verifier: NoteVerifier,
  prove: (oldSize: number) => Buffer[],
): void {
  const old = openCheckpoint(note, verifier);
  const refuse = (why: string, cause?: unknown): AuditError =>
    new AuditError('AUDIT_INCONSISTENT', `refusing to sign: ${why} ${where}`, {
      cause,
      details: { size: head.size, checkpointSize: old.size },
    });
  if (old.size > head.size) throw refuse('the log is shorter than');
  if (old.size === 0) {
    // Every tree extends the empty one; RFC 9162 defines no proof for it, only its root.
    if (!hashEquals(old.root, EMPTY_ROOT)) throw refuse('the empty log has another root in');
    return;
  }
  try {
    verifyConsistency(old.size, head.size, prove(old.size), old.root, head.root);
  } catch (error) {
    throw refuse('the log is not an append-only extension of', error);
  }
}
