import { createWriteStream } from 'node:fs';

import { openCheckpoint } from '../../audit/checkpoint.js';
import type { AuditEntry } from '../../audit/entry.js';
import { parseEntry } from '../../audit/entry.js';
import { parseVerifierKey, verifierKeyOf } from '../../audit/note.js';
import type { AuditError } from '../../shared/errors.js';
import { loadOrCreateAuditKey } from '../../store/file/audit-key.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import {
  EXIT,
  openAuditSigning,
  openStore,
  resolveHome,
  toTerminalSafe,
  writeJson,
} from '../deps.js';

/** Entries read per store call when scanning the log. */
const CHUNK = 10_000;

/** `holdfast audit key`: the log's public key (C2SP vkey), created with the log on first use. */
export function auditKeyCommand(options: GlobalOptions, deps: CliDeps): number {
  const home = resolveHome(options, deps.env);
  const vkey = verifierKeyOf(loadOrCreateAuditKey(home));
  if (options.json === true) {
    writeJson(deps, { origin: parseVerifierKey(vkey).name, vkey });
  } else {
    deps.stdout.write(`${vkey}\n`);
  }
  return EXIT.OK;
}

/** `holdfast audit checkpoint`: signs a checkpoint over the whole log now and prints it. */
export async function auditCheckpointCommand(
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  const home = resolveHome(options, deps.env);
  const store = openStore(options, deps.env);
  try {
    const stored = await store.addCheckpoint(openAuditSigning(home));
    // The newest stored checkpoint may be returned as is: never hand on one that does not verify.
    const verifier = parseVerifierKey(verifierKeyOf(loadOrCreateAuditKey(home)));
    try {
      openCheckpoint(stored.note, verifier);
    } catch (error) {
      deps.stderr.write(
        `holdfast: the newest stored checkpoint does not verify (${(error as AuditError).code}); run holdfast audit verify\n`,
      );
      return EXIT.INVALID;
    }
    if (options.json === true) writeJson(deps, stored);
    else deps.stdout.write(stored.note);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

/** Options of `holdfast audit show`. */
export interface AuditShowOptions extends GlobalOptions {
  from?: number;
  limit?: number;
  server?: string;
  kind?: string;
}

/**
 * `holdfast audit show`: entries as readable lines (or `--json`), the newest `--limit` of those
 * matching the filters, or `--limit` entries from `--from` on.
 */
export async function auditShowCommand(options: AuditShowOptions, deps: CliDeps): Promise<number> {
  const limit = options.limit ?? 50;
  const store = openStore(options, deps.env);
  try {
    const { size } = await store.auditHead();
    const isFiltered = options.server !== undefined || options.kind !== undefined;
    const from = options.from ?? (isFiltered ? 0 : Math.max(0, size - limit));
    const matches = (e: AuditEntry): boolean =>
      (options.server === undefined || e.server === options.server) &&
      (options.kind === undefined || e.kind === options.kind);
    let shown: AuditEntry[] = [];
    for (let start = from; start < size; start += CHUNK) {
      const rows = await store.readEntries(start, CHUNK);
      if (rows.length === 0) break;
      shown.push(...rows.map((row) => parseEntry(row.entry)).filter(matches));
      // From an explicit start, the first `limit`; otherwise the newest `limit`.
      if (options.from !== undefined && shown.length >= limit) break;
      if (options.from === undefined && shown.length > limit) shown = shown.slice(-limit);
    }
    shown = options.from === undefined ? shown.slice(-limit) : shown.slice(0, limit);
    if (options.json === true) {
      writeJson(deps, { size, entries: shown });
      return EXIT.OK;
    }
    if (shown.length === 0) deps.stdout.write(`No entries to show (the log has ${size}).\n`);
    for (const entry of shown) deps.stdout.write(`${formatEntry(entry)}\n`);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

/** Options of `holdfast audit export`. */
export interface AuditExportOptions extends GlobalOptions {
  out?: string;
  from?: number;
}

/**
 * `holdfast audit export`: every entry from `--from` on as JSON Lines, each line the exact stored
 * (canonical) bytes, so a line's SHA-256 leaf hash is the one in the tree.
 */
export async function auditExportCommand(
  options: AuditExportOptions,
  deps: CliDeps,
): Promise<number> {
  const store = openStore(options, deps.env);
  const out =
    options.out === undefined ? undefined : createWriteStream(options.out, { flags: 'wx' });
  const write = (chunk: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      if (out === undefined) {
        deps.stdout.write(chunk.toString('utf8'));
        resolve();
      } else {
        out.write(chunk, (error) => (error == null ? resolve() : reject(error)));
      }
    });
  try {
    const { size } = await store.auditHead();
    let count = 0;
    for (let start = options.from ?? 0; start < size; start += CHUNK) {
      const rows = await store.readEntries(start, CHUNK);
      if (rows.length === 0) break;
      await write(Buffer.concat(rows.flatMap((row) => [row.entry, Buffer.from('\n')])));
      count += rows.length;
    }
    if (out !== undefined) await new Promise<void>((resolve) => out.end(resolve));
    deps.stderr.write(`holdfast: exported ${count} entries of ${size}\n`);
    return EXIT.OK;
  } finally {
    out?.destroy();
    await store.close();
  }
}

/** One entry as a line: index, time, kind, server, then its data as key=value pairs. */
function formatEntry(entry: AuditEntry): string {
  const data = Object.entries(entry.data)
    .filter(([, value]) => value !== null)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' ? toTerminalSafe(value) : String(value)}`,
    )
    .join(' ');
  const when = new Date(entry.at).toISOString();
  return `#${entry.index}  ${when}  ${entry.kind}  ${toTerminalSafe(entry.server)}  ${data}`;
}
