/**
 * The audit log through the real CLI and a real gateway process (DESIGN §10): every decision is
 * recorded before it takes effect and every result before it is relayed (I4); a log that cannot be
 * written refuses instead (I3); a SIGKILL loses nothing delivered; tampering is found and located.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { canonicalize } from '../../src/surface/jcs.js';
import type { JsonValue } from '../../src/surface/types.js';
import { verifies } from '../requirements.js';
import {
  anyFileContains,
  auditEntries,
  auditVerify,
  storedEntry,
  tamper,
} from '../support/audit.js';
import { createTempDir } from '../support/compare.js';
import { createTempHome, runCli } from '../support/holdfast.js';
import type { RawHoldfast } from '../support/raw-client.js';
import { spawnHoldfast } from '../support/raw-client.js';
import { callsReceived } from '../support/received.js';

const NEEDLE = 'needle-4f1c9e-secret-argument';

async function callSearch(gw: RawHoldfast, id: string, query: unknown) {
  await gw.send({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'search_notes', arguments: { query } },
  });
  return gw.response(id);
}

/** Runs one short session: initialize, list, then `body`; ends it and waits for the exit. */
async function session(
  home: string,
  body: (gw: RawHoldfast) => Promise<void>,
  options: { recordFile?: string; runArgs?: string[] } = {},
): Promise<string> {
  await using gw = spawnHoldfast({
    home,
    runArgs: options.runArgs ?? [],
    server: options.recordFile === undefined ? {} : { recordFile: options.recordFile },
  });
  await gw.initialize();
  await gw.request('tools/list');
  await body(gw);
  gw.endStdin();
  await gw.waitForExit();
  return gw.stderr();
}

describe('audit log of a gateway session', () => {
  it(
    verifies(
      'audit:record-before-reply',
      'records each decision and result, in order, with digests only, and the log verifies',
    ),
    async () => {
      using home = createTempHome();
      await session(home.home, async (gw) => {
        const allowed = await callSearch(gw, 'a1', NEEDLE);
        expect(allowed.result?.['isError']).not.toBe(true);
        await gw.send({
          jsonrpc: '2.0',
          id: 'd1',
          method: 'tools/call',
          params: { name: 'no_such_tool', arguments: {} },
        });
        await gw.response('d1');
        const invalid = await callSearch(gw, 'd2', 42);
        expect(invalid.result?.['isError']).toBe(true);
      });

      const entries = auditEntries(home.home);
      expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i));
      expect(entries.some((e) => e.kind === 'baseline')).toBe(true);
      const byId = (id: string, kind: string) =>
        entries.filter((e) => e.data['id'] === id && e.kind === kind);

      const [call] = byId('a1', 'call');
      const [result] = byId('a1', 'result');
      expect(call?.data).toMatchObject({ verdict: 'allow', code: null, tool: 'search_notes' });
      expect(call?.data['approved']).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(call?.data['executed']).toBe(call?.data['approved']);
      expect(call?.data['args']).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result?.data).toMatchObject({ decision: call?.index, error: false });
      expect(result?.data['result']).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result?.index).toBeGreaterThan(call?.index ?? Infinity);

      expect(byId('d1', 'call')[0]?.data).toMatchObject({
        verdict: 'deny',
        code: 'TOOL_NOT_APPROVED',
        approved: null,
      });
      expect(byId('d2', 'call')[0]?.data).toMatchObject({
        verdict: 'deny',
        code: 'ARGUMENTS_INVALID',
      });
      expect(byId('d1', 'result')).toEqual([]);

      // Payloads are not kept by default: the raw argument is nowhere in the state directory.
      expect(anyFileContains(home.home, NEEDLE)).toBe(false);

      const verified = auditVerify(home.home);
      expect(verified).toMatchObject({
        code: 0,
        ok: true,
        size: entries.length,
        uncheckpointed: 0,
      });
      expect(verified.checkpoints).toBeGreaterThanOrEqual(1);
    },
  );

  it(
    verifies(
      'audit:payloads-redactable',
      'keeps raw arguments only when configured, beside the log, and deleting them keeps it verifiable',
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-e2e-');
      const config = join(dir.dir, 'holdfast.yaml');
      writeFileSync(config, 'audit:\n  keep_payloads: true\n');
      await session(home.home, (gw) => callSearch(gw, 'p1', NEEDLE).then(() => undefined), {
        runArgs: ['--config', config],
      });
      const call = auditEntries(home.home).find((e) => e.kind === 'call');
      if (call === undefined) throw new Error('no call entry');
      const db = join(home.home, 'holdfast.db');
      const { default: Database } = await import('better-sqlite3');
      const raw = new Database(db, { readonly: true });
      const row = raw
        .prepare(
          'SELECT e.salt AS salt, p.body AS body FROM audit_entries e JOIN audit_payloads p ON p.idx = e.idx WHERE e.idx = ?',
        )
        .get(call.index) as { salt: Buffer; body: string };
      raw.close();
      expect(row.body).toBe(canonicalize({ query: NEEDLE }));
      // The salted digest in the entry commits to exactly these arguments.
      const digest = createHash('sha256')
        .update(row.salt)
        .update(canonicalize(JSON.parse(row.body) as JsonValue))
        .digest('hex');
      expect(call.data['args']).toBe(`sha256:${digest}`);

      tamper(home.home, 'DELETE FROM audit_payloads');
      tamper(home.home, 'UPDATE audit_entries SET salt = NULL');
      expect(auditVerify(home.home)).toMatchObject({ code: 0, ok: true });
    },
  );
});

describe('when the audit log cannot be written', () => {
  it(
    verifies(
      'audit:fail-closed',
      'refuses a call it cannot record, and withholds a result it cannot record',
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-e2e-');
      const recordFile = join(dir.dir, 'received.jsonl');
      await session(home.home, () => Promise.resolve()); // baseline the server first

      tamper(
        home.home,
        `CREATE TRIGGER refuse_calls BEFORE INSERT ON audit_entries
         WHEN instr(CAST(NEW.entry AS TEXT), '"kind":"call"') > 0
         BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
      let stderr = await session(
        home.home,
        async (gw) => {
          const refused = await callSearch(gw, 'c1', 'x');
          expect(refused.result?.['isError']).toBe(true);
          expect(refused.result?.['_meta']).toEqual({
            'holdfast/deny': { code: 'AUDIT_UNAVAILABLE' },
          });
        },
        { recordFile },
      );
      expect(callsReceived(recordFile)).toEqual([]);
      expect(stderr).toMatch(/could not record a decision/);

      tamper(home.home, 'DROP TRIGGER refuse_calls');
      tamper(
        home.home,
        `CREATE TRIGGER refuse_results BEFORE INSERT ON audit_entries
         WHEN instr(CAST(NEW.entry AS TEXT), '"kind":"result"') > 0
          AND instr(CAST(NEW.entry AS TEXT), '"method":"tools/call"') > 0
         BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
      stderr = await session(
        home.home,
        async (gw) => {
          const withheld = await callSearch(gw, 'c2', NEEDLE);
          expect(withheld.result).toBeUndefined();
          expect(withheld.error?.data).toEqual({ code: 'AUDIT_UNAVAILABLE' });
          expect(gw.lines().join('\n')).not.toContain(NEEDLE);
        },
        { recordFile },
      );
      expect(callsReceived(recordFile)).toHaveLength(1); // forwarded (recorded), result withheld
      expect(stderr).toMatch(/result withheld/);
    },
  );
});

describe('a gateway killed mid-traffic', () => {
  it(
    verifies(
      'audit:crash-durable',
      'loses no entry of a delivered result to SIGKILL, and the log verifies afterwards',
    ),
    async () => {
      using home = createTempHome();
      const gw = spawnHoldfast({ home: home.home, server: {} });
      await gw.initialize();
      await gw.request('tools/list');
      const ids = Array.from({ length: 200 }, (_, i) => `k${i}`);
      const answered = (): number =>
        gw.lines().filter((line) => /"id":"k\d+"/.test(line) && !line.includes('"method"')).length;
      for (const id of ids) {
        void gw.send({
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'search_notes', arguments: { query: id } },
        });
      }
      // Kill as soon as some results have been delivered and more are in flight.
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (answered() >= 20 || Date.now() - started > 20_000) {
            clearInterval(poll);
            if (answered() >= 20) resolve();
            else reject(new Error(`only ${answered()} answers: ${gw.stderr()}`));
          }
        }, 1);
      });
      gw.process.kill('SIGKILL');
      await gw.waitForExit();
      const delivered = gw
        .lines()
        .map((line) => JSON.parse(line) as { id?: unknown; result?: unknown })
        .filter((m) => typeof m.id === 'string' && m.id.startsWith('k') && m.result !== undefined)
        .map((m) => m.id as string);
      expect(delivered.length).toBeGreaterThanOrEqual(20);
      expect(delivered.length).toBeLessThan(ids.length); // the kill really came mid-traffic

      const verified = auditVerify(home.home);
      expect(verified).toMatchObject({ code: 0, ok: true });
      const entries = auditEntries(home.home);
      const resultIds = new Set(
        entries.filter((e) => e.kind === 'result').map((e) => e.data['id']),
      );
      expect(delivered.filter((id) => !resultIds.has(id))).toEqual([]);
    },
  );
});

describe('reading a large log', () => {
  it('prints all of it through a pipe (the process exits only after stdout is flushed)', async () => {
    using home = createTempHome();
    const { defaultDbPath, openSqliteStore } = await import('../../src/store/index.js');
    const store = openSqliteStore({ path: defaultDbPath(home.home) });
    await store.appendAudit(
      Array.from({ length: 3000 }, (_, n) => ({
        at: 1_767_225_600_000,
        server: 'notes',
        kind: 'call' as const,
        data: { n, tool: 'search_notes', args: `sha256:${'a'.repeat(64)}` },
      })),
    );
    await store.close();
    expect(auditEntries(home.home)).toHaveLength(3000); // about 780 kB of JSON on stdout
    const exported = runCli(['audit', 'export'], home.home).stdout.split('\n');
    expect(exported).toHaveLength(3001);
  });
});

describe('tampering with the stored log', () => {
  /** A home with a real session's log plus a signed checkpoint over it. */
  async function loggedHome(home: string): Promise<number> {
    await session(home, async (gw) => {
      for (let i = 0; i < 6; i++) await callSearch(gw, `t${i}`, `q${i}`);
    });
    return auditEntries(home).length;
  }

  it(
    verifies(
      'audit:tamper-detected',
      'names the first bad entry for a flipped byte, a deletion, a swap, a truncation and a forged checkpoint',
    ),
    async () => {
      using home = createTempHome();
      const size = await loggedHome(home.home);
      expect(size).toBeGreaterThan(10);
      const pristine = join(home.home, '..', `${home.home.split('/').pop() ?? ''}-pristine`);
      const { cpSync } = await import('node:fs');
      cpSync(home.home, pristine, { recursive: true });
      const reset = (): void => {
        rmSync(home.home, { recursive: true, force: true });
        cpSync(pristine, home.home, { recursive: true });
      };
      try {
        // A flipped bit in entry 5, inside a string, so it is still valid JSON.
        const five = Buffer.from(storedEntry(home.home, 5));
        const at = five.indexOf('"server":"') + 10;
        five[at] = (five[at] ?? 0) ^ 0x01;
        tamper(home.home, 'UPDATE audit_entries SET entry = ? WHERE idx = 5', five);
        let v = auditVerify(home.home);
        expect(v).toMatchObject({ code: 5, ok: false, firstBadIndex: 5 });
        expect(v.problems.map((p) => p.code)).toContain('ENTRY_MODIFIED');

        reset();
        tamper(home.home, 'DELETE FROM audit_entries WHERE idx = 7');
        v = auditVerify(home.home);
        expect(v).toMatchObject({ code: 5, firstBadIndex: 7 });
        expect(v.problems[0]?.code).toBe('ENTRY_MISSING');

        reset();
        const [three, four] = [storedEntry(home.home, 3), storedEntry(home.home, 4)];
        tamper(home.home, 'UPDATE audit_entries SET entry = ? WHERE idx = 3', four);
        tamper(home.home, 'UPDATE audit_entries SET entry = ? WHERE idx = 4', three);
        v = auditVerify(home.home);
        expect(v).toMatchObject({ code: 5, firstBadIndex: 3 });
        expect(v.problems[0]?.code).toBe('ENTRY_OUT_OF_PLACE');

        reset();
        tamper(home.home, 'DELETE FROM audit_entries WHERE idx >= ?', size - 4);
        v = auditVerify(home.home);
        expect(v).toMatchObject({ code: 5, firstBadIndex: size - 4 });
        expect(v.problems.map((p) => p.code)).toContain('TRUNCATED');

        reset();
        // A truncation that also deleted every stored checkpoint: the signer's own record of its
        // last checkpoint still catches it, and the signer refuses to sign the shorter log.
        tamper(home.home, 'DELETE FROM audit_entries WHERE idx >= ?', size - 3);
        tamper(home.home, 'DELETE FROM audit_checkpoints');
        v = auditVerify(home.home);
        expect(v).toMatchObject({ code: 5, firstBadIndex: size - 3 });
        expect(v.problems.map((p) => p.code)).toContain('TRUNCATED');
        const refused = runCli(['audit', 'checkpoint'], home.home);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/refusing to sign/);

        reset();
        // A checkpoint whose root was edited after signing.
        const note = runCli(['audit', 'checkpoint'], home.home).stdout;
        const lines = note.split('\n');
        const root = lines[2] ?? '';
        lines[2] = (root.startsWith('A') ? 'B' : 'A') + root.slice(1);
        tamper(
          home.home,
          'UPDATE audit_checkpoints SET note = ? WHERE note = ?',
          lines.join('\n'),
          note,
        );
        v = auditVerify(home.home);
        expect(v.code).toBe(5);
        expect(v.problems.map((p) => p.code)).toEqual(
          expect.arrayContaining([expect.stringMatching(/^CHECKPOINT_/)]),
        );

        // The human output names the first bad entry too.
        reset();
        tamper(home.home, 'DELETE FROM audit_entries WHERE idx = 2');
        const human = runCli(['audit', 'verify'], home.home);
        expect(human.code).toBe(5);
        expect(human.stdout).toMatch(/does NOT verify.*first bad entry: 2/);
      } finally {
        rmSync(pristine, { recursive: true, force: true });
      }
    },
  );

  it('writes receipts that verify, and rejects a receipt for a changed entry', async () => {
    using home = createTempHome();
    using dir = createTempDir('holdfast-e2e-');
    await loggedHome(home.home);
    const receipt = join(dir.dir, 'r.tlog-proof');
    const made = runCli(['audit', 'receipt', '4', '--out', receipt], home.home);
    expect(made).toMatchObject({ code: 0 });
    const vkey = runCli(['audit', 'key'], home.home).stdout.trim();
    expect(vkey).toMatch(/^holdfast\.local\/audit\/[0-9a-f]{16}\+[0-9a-f]{8}\+/);
    const ok = runCli(['audit', 'verify-receipt', receipt, '--vkey', vkey], home.home);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^OK: entry 4 /);

    const entryFile = join(dir.dir, 'r.entry.json');
    const entry = readFileSync(entryFile, 'utf8');
    writeFileSync(entryFile, entry.replace('"at":', '"at":1'));
    const bad = runCli(['audit', 'verify-receipt', receipt, '--vkey', vkey], home.home);
    expect(bad.code).toBe(5);
    expect(bad.stdout).toMatch(/FAILED/);
  });
});
