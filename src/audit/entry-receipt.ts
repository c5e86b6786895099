/**
 * A receipt for one entry (`holdfast audit receipt`, the console's download): a
 * `c2sp.org/tlog-proof@v1` proof of entry N against the newest checkpoint, signing one first when
 * none covers N yet. The receipt is verified before it is handed out, so a damaged store never
 * produces a receipt that does not verify.
 */
import { AuditError } from '../shared/errors.js';
import type { AuditStore, StoredCheckpoint } from '../store/ports.js';
import type { NoteVerifier } from './note.js';
import { formatReceipt, verifyReceipt } from './receipt.js';

/** Options for {@link createEntryReceipt}. */
export interface EntryReceiptOptions {
  /** Signs (and stores) a checkpoint over the whole log now; returns the newest one. */
  sign: () => Promise<StoredCheckpoint>;
  /** The log's verifier key; asked for after any signing (signing may create the key). */
  verifier: () => NoteVerifier;
}

/** A receipt and the exact entry bytes it proves, or the log's size when there is no entry N. */
export type EntryReceipt =
  | { kind: 'receipt'; index: number; receipt: string; entry: Buffer; size: number }
  | { kind: 'missing'; size: number };

/**
 * The receipt for entry `index`.
 * @throws AuditError `AUDIT_TAMPERED` when the entry is gone from the store, `AUDIT_UNAVAILABLE`
 * when no checkpoint covers it after signing, or the verification error of a receipt that does
 * not verify; StoreError on a store fault.
 */
export async function createEntryReceipt(
  store: Pick<AuditStore, 'auditHead' | 'listCheckpoints' | 'readEntries' | 'inclusionProof'>,
  index: number,
  options: EntryReceiptOptions,
): Promise<EntryReceipt> {
  const { size } = await store.auditHead();
  if (index >= size) return { kind: 'missing', size };
  let checkpoint = (await store.listCheckpoints()).at(-1);
  if (checkpoint === undefined || checkpoint.size <= index) checkpoint = await options.sign();
  if (checkpoint.size <= index) {
    throw new AuditError('AUDIT_UNAVAILABLE', `no signed checkpoint covers entry ${index} yet`);
  }
  const [row] = await store.readEntries(index, 1);
  if (row?.index !== index) throw new AuditError('AUDIT_TAMPERED', `entry ${index} is missing`);
  const proof = await store.inclusionProof(index, checkpoint.size);
  const receipt = formatReceipt({ index, proof, checkpoint: checkpoint.note });
  verifyReceipt(receipt, row.entry, options.verifier());
  return { kind: 'receipt', index, receipt, entry: row.entry, size: checkpoint.size };
}
