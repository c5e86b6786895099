import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { parseEntry } from '../../audit/entry.js';
import { createEntryReceipt } from '../../audit/entry-receipt.js';
import type { NoteVerifier } from '../../audit/note.js';
import { parseVerifierKey, verifierKeyOf } from '../../audit/note.js';
import { parseReceipt, verifyReceipt } from '../../audit/receipt.js';
import type { LogVerification } from '../../audit/verify-log.js';
import { verifyLog } from '../../audit/verify-log.js';
import { AuditError } from '../../shared/errors.js';
import {
  createSignedHeadGuard,
  loadOrCreateAuditKey,
  readAuditKey,
  SIGNED_HEAD_FILE,
} from '../../store/file/audit-key.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openAuditSigning, openStore, resolveHome, writeJson } from '../deps.js';

/** Options naming the log's public key: a vkey, or a file holding one; default: the home's key. */
export interface VkeyOptions extends GlobalOptions {
  vkey?: string;
}

/** Options of `holdfast audit verify`. */
export interface AuditVerifyOptions extends VkeyOptions {
  /** Checkpoint files kept elsewhere (or receipts) the log must also match. */
  checkpoint?: string[];
}

/** How reports name the signer's own record of its last checkpoint. */
const SIGNED_HEAD_SOURCE = 'the last checkpoint the key signed';

/** Logs larger than this get progress lines on stderr. */
const PROGRESS_FROM = 200_000;

/**
 * `holdfast audit verify`: recomputes the whole log and every checkpoint offline (exit 5 when
 * anything does not verify, naming the first bad entry).
 */
export async function auditVerifyCommand(
  options: AuditVerifyOptions,
  deps: CliDeps,
): Promise<number> {
  const verifier = loadVerifier(options, deps);
  if (verifier === undefined) return EXIT.USAGE;
  const external: { source: string; note: string }[] = [];
  for (const source of options.checkpoint ?? []) {
    const text = readUsageFile(source, deps);
    if (text === undefined) return EXIT.USAGE;
    external.push({ source, note: checkpointNoteOf(text) });
  }
  // The signer's memory of its last checkpoint: a truncation that also deleted the stored
  // checkpoints still has to match it.
  const signedHead = createSignedHeadGuard(resolveHome(options, deps.env)).read();
  if (signedHead !== undefined)
    external.push({ source: `${SIGNED_HEAD_SOURCE} (${SIGNED_HEAD_FILE})`, note: signedHead });
  const store = openStore(options, deps.env);
  let report: LogVerification;
  try {
    let lastTenth = 0;
    report = await verifyLog(store, {
      verifier,
      external,
      onProgress: (checked, total) => {
        const tenth = Math.floor((checked * 10) / Math.max(total, 1));
        if (total < PROGRESS_FROM || tenth === lastTenth) return;
        lastTenth = tenth;
        deps.stderr.write(`holdfast: verified ${checked} of ${total} entries\n`);
      },
    });
  } finally {
    await store.close();
  }
  if (options.json === true) {
    writeJson(deps, { origin: verifier.name, ...report });
  } else {
    deps.stdout.write(describeReport(report, verifier.name));
  }
  return report.ok ? EXIT.OK : EXIT.INVALID;
}

/** Options of `holdfast audit receipt`. */
export interface AuditReceiptOptions extends GlobalOptions {
  out?: string;
}

/**
 * `holdfast audit receipt N`: a `c2sp.org/tlog-proof@v1` receipt for entry N against the newest
 * checkpoint (signing one if none covers N yet), with the entry's exact bytes beside it. The
 * receipt is verified before it is written, so a damaged store never hands out a bad one.
 */
export async function auditReceiptCommand(
  index: number,
  options: AuditReceiptOptions,
  deps: CliDeps,
): Promise<number> {
  const home = resolveHome(options, deps.env);
  const store = openStore(options, deps.env);
  try {
    let vkey = '';
    const made = await createEntryReceipt(store, index, {
      sign: () => store.addCheckpoint(openAuditSigning(home)),
      verifier: () => {
        // The key exists: the checkpoint was signed with it (now or earlier).
        vkey = verifierKeyOf(loadOrCreateAuditKey(home));
        return parseVerifierKey(vkey);
      },
    });
    if (made.kind === 'missing') {
      deps.stderr.write(
        `holdfast: the audit log has ${made.size} entries; there is no entry ${index}\n`,
      );
      return EXIT.NOT_FOUND;
    }
    const { receipt, entry, size: checkpointSize } = made;
    const receiptPath = options.out ?? `holdfast-audit-${index}.tlog-proof`;
    const entryPath = entryPathFor(receiptPath);
    for (const path of [receiptPath, entryPath]) {
      if (existsSync(path)) {
        deps.stderr.write(`holdfast: ${path} exists; not overwriting it (choose --out)\n`);
        return EXIT.USAGE;
      }
    }
    writeFileSync(receiptPath, receipt, { flag: 'wx' });
    writeFileSync(entryPath, entry, { flag: 'wx' });
    if (options.json === true) {
      writeJson(deps, { index, size: checkpointSize, receipt: receiptPath, entry: entryPath });
    } else {
      deps.stdout.write(
        `Wrote ${receiptPath} (entry ${index} of a checkpointed log of ${checkpointSize}) and ${entryPath}.\n` +
          `Check it anywhere with: holdfast audit verify-receipt ${receiptPath} --vkey '${vkey}'\n` +
          '(better: with a copy of that key you kept somewhere the state directory cannot change it)\n',
      );
    }
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

/** Options of `holdfast audit verify-receipt`. */
export interface VerifyReceiptOptions extends VkeyOptions {
  entry?: string;
}

/** `holdfast audit verify-receipt FILE`: checks one receipt offline against the log's key. */
export function auditVerifyReceiptCommand(
  file: string,
  options: VerifyReceiptOptions,
  deps: CliDeps,
): number {
  const verifier = loadVerifier(options, deps);
  if (verifier === undefined) return EXIT.USAGE;
  const entryText = readUsageFile(options.entry ?? entryPathFor(file), deps);
  const receiptText = readUsageFile(file, deps);
  if (entryText === undefined || receiptText === undefined) return EXIT.USAGE;
  const entry = Buffer.from(entryText, 'utf8');
  try {
    const { index, checkpoint } = verifyReceipt(receiptText, entry, verifier);
    const summary = parseEntry(entry);
    if (summary.index !== index) {
      throw new AuditError('AUDIT_BAD_PROOF', `the entry says it is entry ${summary.index}`);
    }
    if (options.json === true) {
      writeJson(deps, { ok: true, origin: checkpoint.origin, index, size: checkpoint.size });
    } else {
      deps.stdout.write(
        `OK: entry ${index} (${summary.kind}) is in log ${checkpoint.origin} at size ${checkpoint.size}.\n`,
      );
    }
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    if (options.json === true)
      writeJson(deps, { ok: false, code: error.code, message: error.message });
    else deps.stdout.write(`FAILED (${error.code}): ${error.message}\n`);
    return EXIT.INVALID;
  }
}

/** `x.tlog-proof` → `x.entry.json`; any other name gets `.entry.json` appended. */
function entryPathFor(receiptPath: string): string {
  return `${receiptPath.replace(/\.tlog-proof$/, '')}.entry.json`;
}

/** A checkpoint file holds a signed note; a receipt holds one after its proof. */
function checkpointNoteOf(text: string): string {
  return text.startsWith('c2sp.org/tlog-proof@v1\n') ? parseReceipt(text).checkpoint : text;
}

/** A file named on the command line, or undefined (said on stderr) when it cannot be read. */
function readUsageFile(path: string, deps: CliDeps): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    deps.stderr.write(`holdfast: cannot read ${path} (${code})\n`);
    return undefined;
  }
}

/** The verifier from `--vkey` (text, or a file holding it), else the key in the home. */
function loadVerifier(options: VkeyOptions, deps: CliDeps): NoteVerifier | undefined {
  let vkey = options.vkey;
  if (vkey !== undefined && existsSync(vkey)) vkey = readUsageFile(vkey, deps)?.trim();
  if (vkey === undefined && options.vkey !== undefined) return undefined;
  if (vkey === undefined) {
    const skey = readAuditKey(resolveHome(options, deps.env));
    if (skey === undefined) {
      deps.stderr.write('holdfast: no audit key in the state directory; pass --vkey KEY\n');
      return undefined;
    }
    vkey = verifierKeyOf(skey);
    deps.stderr.write(
      'holdfast: checking against the key in the state directory; pass --vkey with a key you obtained independently to rule out a replaced key\n',
    );
  }
  try {
    return parseVerifierKey(vkey);
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    deps.stderr.write(`holdfast: --vkey is not a verifier key: ${error.message}\n`);
    return undefined;
  }
}

function describeReport(report: LogVerification, origin: string): string {
  const cps = `${report.checkpoints} checkpoint(s)${report.external > 0 ? ` and ${report.external} external` : ''}`;
  if (report.ok) {
    const tail =
      report.uncheckpointed > 0
        ? `; ${report.uncheckpointed} newest entries are not yet covered by a checkpoint (they are checked against their own leaf hashes; holdfast audit checkpoint signs one)`
        : '';
    return `Audit log ${origin} verifies: ${report.size} entries, root ${report.root}, ${cps} consistent${tail}.\n`;
  }
  const lines = [
    `Audit log ${origin} does NOT verify: ${report.problemCount} problem(s)` +
      (report.firstBadIndex === undefined ? '' : `; first bad entry: ${report.firstBadIndex}`),
  ];
  for (const p of report.problems) {
    const where = p.index === undefined ? '' : ` at entry ${p.index}`;
    lines.push(`  ${p.code}${where}: ${p.message}`);
  }
  if (report.problemCount > report.problems.length) {
    lines.push(
      `  … and ${report.problemCount - report.problems.length} more of the same kinds, not listed`,
    );
  }
  return `${lines.join('\n')}\n`;
}
