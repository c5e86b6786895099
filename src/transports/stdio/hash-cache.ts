import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Remembers file digests by identity — path, device, inode, size, mtime and ctime — so that the
 * launch provenance does not re-hash a 100 MB `node` binary on every launch. Replacing or
 * modifying a file changes its inode or ctime (which no user can set back), so a stale entry is
 * never used.
 */
export interface FileHashCache {
  get(key: string): string | undefined;
  set(key: string, digest: string): void;
}

const MAX_ENTRIES = 256;

/** A cache kept in a JSON file (owner-only), written atomically when it changed. */
export function openFileHashCache(path: string): FileHashCache & { save(): void } {
  let entries = new Map<string, string>();
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value))
          entries.set(key, value);
      }
    }
  } catch {
    // Missing or unreadable: start empty; it is only a cache.
  }
  let isDirty = false;
  return {
    get: (key) => entries.get(key),
    set: (key, digest) => {
      if (entries.get(key) === digest) return;
      entries.set(key, digest);
      if (entries.size > MAX_ENTRIES) entries = new Map([...entries].slice(-MAX_ENTRIES));
      isDirty = true;
    },
    save: () => {
      if (!isDirty) return;
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
        renameSync(temporary, path);
        isDirty = false;
      } catch {
        // Best effort: the next launch hashes again.
      }
    },
  };
}
