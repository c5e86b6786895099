/**
 * `/api/audit`: search the log newest first, one entry's details (decoded, its leaf hash, the
 * payload if one was kept), "verify now" (the whole log and every checkpoint, like
 * `holdfast audit verify`), and downloads of an entry's receipt and exact bytes, which
 * `holdfast audit verify-receipt` and Go's tlog check offline.
 */
import type { Hono } from 'hono';

import { parseEntry } from '../../audit/entry.js';
import { createEntryReceipt } from '../../audit/entry-receipt.js';
import { hashEquals, leafHash } from '../../audit/merkle.js';
import { parseVerifierKey } from '../../audit/note.js';
import { searchAuditLog } from '../../audit/search.js';
import type { LogVerification } from '../../audit/verify-log.js';
import { verifyLog } from '../../audit/verify-log.js';
import type { ServeEnv } from '../../serve/env.js';
import { AuditError } from '../../shared/errors.js';
import { toVisible } from '../../surface/visible.js';
import type { ApiContext } from '../api-support.js';
import { apiError, queryInt, queryText } from '../api-support.js';
import type { ConsoleDeps } from '../deps.js';
import { toEntryView, toHitView } from '../views/audit-view.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const INDEX = /^\d{1,15}$/;

/** Registers the audit routes on `app`. */
export function registerAuditRoutes(app: Hono<ServeEnv>, deps: ConsoleDeps): void {
  const { store } = deps;
  const verifier = (): ReturnType<typeof parseVerifierKey> => parseVerifierKey(deps.verifierKey);
  /** One verification at a time: a second "verify now" while one runs gets the same answer. */
  let running: Promise<LogVerification> | undefined;

  app.get('/api/audit', deps.guard('read'), async (c) => {
    const limit = queryInt(c, 'limit', DEFAULT_LIMIT, MAX_LIMIT);
    const before = queryInt(c, 'before', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (limit === undefined || limit < 1 || before === undefined) {
      return apiError(c, 400, 'BAD_REQUEST', 'limit and before must be non-negative integers');
    }
    const page = await searchAuditLog(store, {
      kind: queryText(c, 'kind', 64),
      server: queryText(c, 'server'),
      text: queryText(c, 'q', 200),
      before,
      limit,
    });
    return c.json({ size: page.size, entries: page.hits.map(toHitView), next: page.next });
  });

  app.post('/api/audit/verify', deps.guard('read'), async (c) => {
    const key = verifier();
    running ??= verifyLog(store, { verifier: key, external: externalCheckpoints(deps) }).finally(
      () => {
        running = undefined;
      },
    );
    const report = await running;
    return c.json({ origin: key.name, ...report });
  });

  app.get('/api/audit/:index', deps.guard('read'), async (c) => {
    const index = toIndex(c);
    if (index === undefined) return noEntry(c);
    const [row] = await store.readEntries(index, 1);
    if (row?.index !== index) return noEntry(c);
    const leaf = leafHash(row.entry);
    const payload = await store.readPayload(index);
    let entry = null;
    try {
      entry = toEntryView(parseEntry(row.entry));
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
    }
    return c.json({
      index,
      entry,
      isMalformed: entry === null,
      bytes: row.entry.length,
      leafHash: leaf.toString('hex'),
      storedLeafHash: row.leaf?.toString('hex') ?? null,
      isLeafMatching: row.leaf !== undefined && hashEquals(leaf, row.leaf),
      payload:
        payload === undefined
          ? null
          : {
              isKept: payload.body !== null,
              body: payload.body === null ? null : toVisible(payload.body),
            },
    });
  });

  app.get('/api/audit/:index/receipt', deps.guard('read'), async (c) => {
    const index = toIndex(c);
    if (index === undefined) return noEntry(c);
    const made = await createEntryReceipt(store, index, {
      sign: async () => {
        await deps.signCheckpoint();
        const newest = (await store.listCheckpoints()).at(-1);
        if (newest === undefined) {
          throw new AuditError('AUDIT_UNAVAILABLE', 'no checkpoint could be signed');
        }
        return newest;
      },
      verifier,
    });
    if (made.kind === 'missing') return noEntry(c);
    return c.body(made.receipt, 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `attachment; filename="holdfast-audit-${index}.tlog-proof"`,
    });
  });

  app.get('/api/audit/:index/entry', deps.guard('read'), async (c) => {
    const index = toIndex(c);
    if (index === undefined) return noEntry(c);
    const [row] = await store.readEntries(index, 1);
    if (row?.index !== index) return noEntry(c);
    return c.body(new Uint8Array(row.entry), 200, {
      'Content-Type': 'application/json',
      'Content-Disposition': `attachment; filename="holdfast-audit-${index}.entry.json"`,
    });
  });
}

function toIndex(c: ApiContext): number | undefined {
  const text = c.req.param('index') ?? '';
  return INDEX.test(text) ? Number(text) : undefined;
}

function noEntry(c: ApiContext): Response {
  return apiError(c, 404, 'AUDIT_NO_ENTRY', 'the audit log has no such entry');
}

/** The signer's record of its last checkpoint, when serve gave one. */
function externalCheckpoints(deps: ConsoleDeps): { source: string; note: string }[] {
  const note = deps.signedHead?.();
  return note === undefined ? [] : [{ source: 'the last checkpoint the key signed', note }];
}
