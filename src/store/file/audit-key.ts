/**
 * The audit log's signing key and its memory of the last checkpoint it signed, as owner-only files
 * in the state directory (docs/audit-log.md §4). The key never leaves these files: no log line or
 * error carries it.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

import type { SignedHeadGuard } from '../../audit/checkpoint-signing.js';
import { createNoteKey } from '../../audit/note.js';
import { StoreError } from '../../shared/errors.js';
import { ensureHome, FILE_MODE, restrictFileMode } from '../home.js';

/** The signing key (C2SP signed-note private key text). */
export function auditKeyPath(home: string): string {
  return join(home, 'audit.key');
}

/** The file, in the state directory, holding the last checkpoint the key signed. */
export const SIGNED_HEAD_FILE = 'audit-signed.checkpoint';

function signedHeadPath(home: string): string {
  return join(home, SIGNED_HEAD_FILE);
}

/** A fresh log origin (the key name): unique per log, so receipts name the log they belong to. */
export function createOrigin(): string {
  return `holdfast.local/audit/${randomBytes(8).toString('hex')}`;
}

/** The key text in `home`, or undefined when there is none yet. */
export function readAuditKey(home: string): string | undefined {
  const path = auditKeyPath(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError('STORE_UNAVAILABLE', 'cannot read the audit signing key', {
      cause: error,
    });
  }
  restrictFileMode(path, 'the audit signing key');
  return text.trim();
}

/**
 * The key in `home`, created on first use with a fresh origin. Creation is atomic (written aside,
 * then linked into place), so two processes starting together end up with the same key.
 */
export function loadOrCreateAuditKey(home: string, origin: string = createOrigin()): string {
  ensureHome(home);
  const existing = readAuditKey(home);
  if (existing !== undefined) return existing;
  const aside = join(home, `.audit.key.${randomBytes(6).toString('hex')}`);
  try {
    writeDurably(aside, `${createNoteKey(origin).skey}\n`);
    try {
      linkSync(aside, auditKeyPath(home));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } catch (error) {
    throw new StoreError('STORE_PERMISSIONS', 'cannot create the audit signing key', {
      cause: error,
    });
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // already gone
    }
  }
  const created = readAuditKey(home);
  if (created === undefined) throw new StoreError('STORE_UNAVAILABLE', 'the audit key vanished');
  return created;
}

/** The signer's memory of its last checkpoint, replaced atomically and durably. */
export function createSignedHeadGuard(home: string): SignedHeadGuard {
  const path = signedHeadPath(home);
  return {
    read() {
      try {
        const text = readFileSync(path, 'utf8');
        restrictFileMode(path, 'the last signed checkpoint');
        return text;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    write(note) {
      const aside = `${path}.${randomBytes(6).toString('hex')}`;
      writeDurably(aside, note);
      renameSync(aside, path);
    },
  };
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'wx', FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
