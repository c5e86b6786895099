import { describe, expect, it } from 'vitest';

import { createMemoryStore } from '../store/index.js';
import type { StoredEntry } from '../store/ports.js';
import type { AuditEvent } from './entry.js';
import { encodeEntry } from './entry.js';
import { searchAuditLog } from './search.js';

/** `count` entries alternating between two servers and two kinds, tool names carrying `tool-<i>`. */
function events(count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    at: 1_000 + i,
    server: i % 2 === 0 ? 'notes' : 'files',
    kind: i % 3 === 0 ? 'call' : 'result',
    data: { tool: `Tool-${i}`, n: i },
  }));
}

async function storeWith(count: number): Promise<ReturnType<typeof createMemoryStore>> {
  const store = createMemoryStore();
  await store.appendAudit(events(count));
  return store;
}

describe('searchAuditLog', () => {
  it('returns the newest hits first, every filter holding', async () => {
    const store = await storeWith(30);
    const page = await searchAuditLog(store, { kind: 'call', server: 'notes', limit: 100 });
    expect(page.hits.map((h) => h.index)).toEqual([24, 18, 12, 6, 0]);
    expect(page.next).toBeNull();
    expect(page.size).toBe(30);
  });

  it('matches text case-insensitively in data keys and values, and whole numbers', async () => {
    const store = await storeWith(30);
    const byValue = await searchAuditLog(store, { text: 'tool-17', limit: 10 });
    expect(byValue.hits.map((h) => h.index)).toEqual([17]);
    const byNumber = await searchAuditLog(store, { text: '23', limit: 10 });
    expect(byNumber.hits.map((h) => h.index)).toEqual([23]);
    const byKey = await searchAuditLog(store, { text: 'TOOL', limit: 3 });
    expect(byKey.hits.map((h) => h.index)).toEqual([29, 28, 27]);
    const byServer = await searchAuditLog(store, { text: 'FILES', kind: 'call', limit: 2 });
    expect(byServer.hits.map((h) => h.index)).toEqual([27, 21]);
    const byKind = await searchAuditLog(store, { text: 'resu', limit: 1 });
    expect(byKind.hits.map((h) => h.index)).toEqual([29]);
  });

  it('continues from a cursor, and stops at the scan bound with a cursor to go on', async () => {
    const store = await storeWith(30);
    const first = await searchAuditLog(store, { limit: 4 });
    expect(first.hits.map((h) => h.index)).toEqual([29, 28, 27, 26]);
    expect(first.next).toBe(26);
    const second = await searchAuditLog(store, { limit: 2, before: first.next ?? 0 });
    expect(second.hits.map((h) => h.index)).toEqual([25, 24]);
    const bounded = await searchAuditLog(store, { text: 'no such text', limit: 5, maxScan: 7 });
    expect(bounded.hits).toEqual([]);
    expect(bounded.next).toBe(23);
    const past = await searchAuditLog(store, { limit: 1, before: 1_000 });
    expect(past.hits.map((h) => h.index)).toEqual([29]);
    const last = await searchAuditLog(store, { limit: 1, before: 1 });
    expect(last).toMatchObject({ hits: [{ index: 0 }], next: null });
  });

  it('shows an entry that does not decode only to a search without filters', async () => {
    const good = encodeEntry(0, { at: 1, server: 'notes', kind: 'call', data: {} });
    const rows: StoredEntry[] = [
      { index: 0, entry: good, leaf: undefined },
      { index: 1, entry: Buffer.from('{not json'), leaf: undefined },
    ];
    const store = {
      auditHead: () => Promise.resolve({ size: 2, root: Buffer.alloc(32) }),
      readEntries: (start: number, limit: number) =>
        Promise.resolve(rows.filter((r) => r.index >= start).slice(0, limit)),
    };
    const all = await searchAuditLog(store, { limit: 10 });
    expect(all.hits).toEqual([
      { index: 1, entry: null },
      { index: 0, entry: expect.objectContaining({ kind: 'call' }) as unknown },
    ]);
    const filtered = await searchAuditLog(store, { kind: 'call', limit: 10 });
    expect(filtered.hits.map((h) => h.index)).toEqual([0]);
  });

  it('skips rows a gapped store returns past the window it asked for', async () => {
    const rows: StoredEntry[] = [5, 6, 7].map((index) => ({
      index,
      entry: encodeEntry(index, { at: 1, server: 's', kind: 'call', data: {} }),
      leaf: undefined,
    }));
    const store = {
      auditHead: () => Promise.resolve({ size: 8, root: Buffer.alloc(32) }),
      readEntries: (start: number, limit: number) =>
        Promise.resolve(rows.filter((r) => r.index >= start).slice(0, limit)),
    };
    const page = await searchAuditLog(store, { limit: 10, before: 6 });
    expect(page.hits.map((h) => h.index)).toEqual([5]);
  });
});
