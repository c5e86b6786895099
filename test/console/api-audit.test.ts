/**
 * The console API's audit log: search newest first with a continuation cursor, one entry's
 * details (server-chosen text made visible, the leaf hash), receipts byte-for-byte as
 * `holdfast audit receipt` writes them, and "verify now" catching a flipped byte.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseVerifierKey } from '../../src/audit/note.js';
import { verifyReceipt } from '../../src/audit/receipt.js';
import { auditReceiptCommand } from '../../src/cli/commands/audit-verify.js';
import { tamper } from '../support/audit.js';
import { noteSurface } from '../support/cli-fixtures.js';
import { LATER, useConsoleHarness } from './harness.js';

const harness = useConsoleHarness();

interface EntryJson {
  index: number;
  kind: string;
  data: Record<string, unknown>;
}

interface PageJson {
  size: number;
  entries: EntryJson[];
  next: number | null;
}

async function seed(): Promise<number> {
  await harness().observe('notes', noteSurface('Read a note.'), noteSurface('Read a new note.'));
  await harness().hold({ server: 'notes', name: 'send_note', createdAt: LATER });
  return harness().keptResult('notes', { content: [{ type: 'text', text: 'hi\u200bthere' }] });
}

async function search(query: string): Promise<PageJson> {
  const response = await harness().call('GET', `/api/audit${query}`, { role: 'viewer' });
  expect(response.status).toBe(200);
  return (await response.json()) as PageJson;
}

describe('the console API audit log', () => {
  describe('GET /api/audit', () => {
    it('finds entries by kind and by text, newest first', async () => {
      await seed();
      const drift = await search('?kind=drift');
      expect(drift.entries.map((e) => e.kind)).toEqual(['drift']);
      const held = await search(`?q=${'F'.repeat(12)}`);
      expect(held.entries.map((e) => e.kind)).toEqual(['hold']);
      const all = await search('');
      expect(all.entries.length).toBe(all.size);
      expect(all.entries.map((e) => e.index)).toEqual(
        [...Array(all.size).keys()].map((i) => all.size - 1 - i),
      );
    });

    it('pages with a cursor that continues where the last page stopped', async () => {
      await seed();
      const first = await search('?limit=2');
      expect(first.entries).toHaveLength(2);
      expect(first.next).toBe(first.entries[1]?.index);
      const seen = [...first.entries.map((e) => e.index)];
      let next = first.next;
      for (let page = 0; next !== null && page < 100; page++) {
        const more = await search(`?limit=2&before=${next}`);
        seen.push(...more.entries.map((e) => e.index));
        next = more.next;
      }
      expect(seen).toEqual([...Array(first.size).keys()].reverse());
    });

    it('answers 400 for a limit that is not a number', async () => {
      const response = await harness().call('GET', '/api/audit?limit=ten', { role: 'viewer' });
      expect(response.status).toBe(400);
    });
  });

  describe('GET /api/audit/:index', () => {
    it('shows the decoded entry, its leaf hash and the kept payload made visible', async () => {
      const index = await seed();
      const response = await harness().call('GET', `/api/audit/${index}`, { role: 'viewer' });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain('\u200b');
      const detail = JSON.parse(text) as {
        entry: EntryJson;
        leafHash: string;
        isLeafMatching: boolean;
        payload: { isKept: boolean; body: string };
      };
      const [row] = await harness().store.readEntries(index, 1);
      const leaf = createHash('sha256')
        .update(Buffer.from([0]))
        .update(row?.entry ?? Buffer.alloc(0))
        .digest('hex');
      expect(detail.entry).toMatchObject({ index, kind: 'result' });
      expect(detail.leafHash).toBe(leaf);
      expect(detail.isLeafMatching).toBe(true);
      expect(detail.payload.isKept).toBe(true);
      expect(detail.payload.body).toContain('hi⟦U+200B ZWSP⟧there');
    });

    it('answers 404 for an entry the log does not have', async () => {
      await seed();
      for (const path of ['/api/audit/999', '/api/audit/-1', '/api/audit/1e3']) {
        const response = await harness().call('GET', path, { role: 'viewer' });
        expect(response.status).toBe(404);
      }
    });
  });

  describe('GET /api/audit/:index/receipt', () => {
    it('downloads the receipt holdfast audit receipt writes, and it verifies with the entry', async () => {
      await seed();
      const response = await harness().call('GET', '/api/audit/2/receipt', { role: 'viewer' });
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Disposition')).toBe(
        'attachment; filename="holdfast-audit-2.tlog-proof"',
      );
      const receipt = await response.text();
      const entry = await harness().call('GET', '/api/audit/2/entry', { role: 'viewer' });
      expect(entry.headers.get('Content-Disposition')).toBe(
        'attachment; filename="holdfast-audit-2.entry.json"',
      );
      const bytes = Buffer.from(await entry.arrayBuffer());
      const [row] = await harness().store.readEntries(2, 1);
      expect(bytes.equals(row?.entry ?? Buffer.alloc(0))).toBe(true);
      expect(
        verifyReceipt(receipt, bytes, parseVerifierKey(harness().deps.verifierKey)),
      ).toMatchObject({ index: 2 });

      const out = join(harness().home, 'cli-2.tlog-proof');
      const code = await auditReceiptCommand(
        2,
        { out },
        {
          stdout: { write: () => true },
          stderr: { write: () => true },
          env: { HOLDFAST_HOME: harness().home },
          clock: { now: () => LATER },
        },
      );
      expect(code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(receipt);
    });

    it('answers 404 past the end of the log', async () => {
      await seed();
      const response = await harness().call('GET', '/api/audit/999/receipt', { role: 'viewer' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'AUDIT_NO_ENTRY' });
    });
  });

  describe('POST /api/audit/verify', () => {
    it('verifies an intact log and names the first bad entry after a flipped byte', async () => {
      await seed();
      await harness().deps.signCheckpoint();
      const intact = await harness().call('POST', '/api/audit/verify', {
        role: 'viewer',
        json: {},
      });
      expect(intact.status).toBe(200);
      const report = (await intact.json()) as { ok: boolean; size: number; origin: string };
      expect(report.ok).toBe(true);
      expect(report.size).toBe((await harness().store.auditHead()).size);
      expect(report.origin).toBe(parseVerifierKey(harness().deps.verifierKey).name);

      tamper(
        harness().home,
        "UPDATE audit_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'probe', 'probf') AS BLOB) WHERE idx = 0",
      );
      const broken = await harness().call('POST', '/api/audit/verify', {
        role: 'viewer',
        json: {},
      });
      expect(await broken.json()).toMatchObject({ ok: false, firstBadIndex: 0 });
    });
  });
});
