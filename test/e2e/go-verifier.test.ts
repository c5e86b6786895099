/**
 * Independent verification (DESIGN §10): receipts, checkpoints and consistency proofs written by
 * Holdfast's TypeScript are checked by verifier/go, a separate Go program built on
 * golang.org/x/mod/sumdb/note and tlog. Needs Go and Debian's golang-golang-x-mod-dev; without
 * them the suite is skipped with a notice, or fails when HOLDFAST_REQUIRE_GO=1.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Checkpoint, formatCheckpoint, signCheckpoint } from '../../src/audit/checkpoint.js';
import { consistencyProof, inclusionProof, rootFromNodes } from '../../src/audit/merkle.js';
import { createNoteKey, parseSignerKey } from '../../src/audit/note.js';
import { formatReceipt, parseReceipt } from '../../src/audit/receipt.js';
import { defaultDbPath, openSqliteStore } from '../../src/store/index.js';
import { verifies } from '../requirements.js';
import { createTempHome, runCli } from '../support/holdfast.js';
import { buildTree } from '../support/merkle-tree.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const GOPATH = '/usr/share/gocode';
const X_MOD = join(GOPATH, 'src/golang.org/x/mod/sumdb');
/** Go's errors for a proof that does not hold and for a note without a signature by the key. */
const BAD_PROOF = /invalid transparency proof/;
const UNSIGNED = /note has no verifiable signatures/;
const REQUIRE_GO = process.env['HOLDFAST_REQUIRE_GO'] === '1';

function findGo(): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((entry) => entry !== '');
  return [...dirs, '/usr/lib/go/bin']
    .map((entry) => join(entry, 'go'))
    .find((go) => existsSync(go));
}

const GO = existsSync(X_MOD) ? findGo() : undefined;
if (GO === undefined && !REQUIRE_GO) {
  console.warn(
    `go-verifier: skipped, no Go toolchain or no ${X_MOD} (install golang-go and ` +
      'golang-golang-x-mod-dev, or set HOLDFAST_REQUIRE_GO=1 to make this a failure)',
  );
}

if (GO === undefined && REQUIRE_GO) {
  describe('when Go is required but missing', () => {
    it('fails, because HOLDFAST_REQUIRE_GO=1', () => {
      expect.fail(`HOLDFAST_REQUIRE_GO=1 but no go on PATH or /usr/lib/go/bin, or no ${X_MOD}`);
    });
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: REPO, env, timeout: 110_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(GO === undefined)('the independent Go verifier', () => {
  const ORIGIN = 'example.com/holdfast-e2e';
  const keys = createNoteKey(ORIGIN);
  const signer = parseSignerKey(keys.skey);
  const impostor = parseSignerKey(createNoteKey(ORIGIN).skey);
  const otherVkey = createNoteKey(ORIGIN).vkey;
  const entries = Array.from({ length: 37 }, (_, i) =>
    Buffer.from(`{"at":${1_700_000_000 + i},"index":${i},"kind":"call","server":"fs"}`),
  );
  const read = buildTree(entries);
  const entryAt = (index: number): Buffer => entries[index] ?? Buffer.alloc(0);
  const head = (size: number, root = rootFromNodes(size, read)): Checkpoint => ({
    origin: ORIGIN,
    size,
    root,
    extensions: [],
  });
  const checkpoint37 = signCheckpoint(head(37), signer);
  const checkpoint13 = signCheckpoint(head(13), signer);
  const receiptFor = (index: number, checkpoint = checkpoint37, size = 37): string =>
    formatReceipt({ index, proof: inclusionProof(index, size, read), checkpoint });

  let dir = '';
  let verifier = '';
  let counter = 0;

  /** Writes `content` to a fresh file in the temp dir and returns its path. */
  async function file(content: string | Uint8Array): Promise<string> {
    counter += 1;
    const path = join(dir, `f${counter}`);
    await writeFile(path, content);
    return path;
  }

  async function verifyReceipt(receipt: string, entry: Uint8Array, vkey = keys.vkey): Promise<Run> {
    return run(verifier, [
      'receipt',
      '--vkey',
      vkey,
      '--entry',
      await file(entry),
      await file(receipt),
    ]);
  }

  async function verifyConsistency(older: string, newer: string, proof: Buffer[]): Promise<Run> {
    const lines = proof.map((hash) => `${hash.toString('base64')}\n`).join('');
    return run(verifier, [
      'consistency',
      '--vkey',
      keys.vkey,
      await file(older),
      await file(newer),
      await file(lines),
    ]);
  }

  /** Exit status 1 and `FAIL: <reason>`, the reason showing which check caught it. */
  function expectFailure(result: Run, reason: RegExp): void {
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^FAIL: /);
    expect(result.stderr).toMatch(reason);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'holdfast-go-verifier-'));
    verifier = join(dir, 'holdfast-verify');
    const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' };
    if (env['HOME'] === undefined && env['GOCACHE'] === undefined) {
      env['GOCACHE'] = join(dir, 'cache'); // go build needs a cache directory
    }
    const built = await run(GO ?? 'go', ['build', '-o', verifier, './verifier/go'], env);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  describe('receipt', () => {
    it.each([0, 18, 36])('accepts the receipt for entry %i of 37', async (index) => {
      const result = await verifyReceipt(receiptFor(index), entryAt(index));
      expect(result).toEqual({ code: 0, stdout: `OK index=${index} size=37\n`, stderr: '' });
    });

    it('accepts a receipt against an older checkpoint, with extra data', async () => {
      const receipt = parseReceipt(receiptFor(12, checkpoint13, 13));
      const text = formatReceipt({ ...receipt, extra: Buffer.from('unauthenticated context') });
      const result = await verifyReceipt(text, entryAt(12));
      expect(result.stdout).toBe('OK index=12 size=13\n');
    });

    it('accepts every receipt of trees whose sizes straddle powers of two', async () => {
      const cases = [1, 2, 3, 7, 8, 9, 16, 17, 37].flatMap((size) => {
        const checkpoint = size === 37 ? checkpoint37 : signCheckpoint(head(size), signer);
        return Array.from({ length: size }, (_, index) => ({ index, size, checkpoint }));
      });
      const results = await Promise.all(
        cases.map(({ index, size, checkpoint }) =>
          verifyReceipt(receiptFor(index, checkpoint, size), entryAt(index)),
        ),
      );
      expect(results.map((result) => result.stdout)).toEqual(
        cases.map(({ index, size }) => `OK index=${index} size=${size}\n`),
      );
    });

    it('rejects a flipped bit in the entry', async () => {
      const entry = Buffer.from(entryAt(18));
      entry.writeUInt8(entry.readUInt8(10) ^ 0x01, 10);
      expectFailure(await verifyReceipt(receiptFor(18), entry), BAD_PROOF);
    });

    it('rejects another entry', async () => {
      expectFailure(await verifyReceipt(receiptFor(18), entryAt(17)), BAD_PROOF);
    });

    it('rejects a flipped proof hash', async () => {
      const receipt = parseReceipt(receiptFor(18));
      const proof = receipt.proof.map((hash, i) => {
        const copy = Buffer.from(hash);
        if (i === 1) copy.writeUInt8(copy.readUInt8(31) ^ 0x80, 31);
        return copy;
      });
      expectFailure(
        await verifyReceipt(formatReceipt({ ...receipt, proof }), entryAt(18)),
        BAD_PROOF,
      );
    });

    it('rejects a truncated proof and a wrong index', async () => {
      const receipt = parseReceipt(receiptFor(18));
      const truncated = formatReceipt({ ...receipt, proof: receipt.proof.slice(0, -1) });
      expectFailure(await verifyReceipt(truncated, entryAt(18)), BAD_PROOF);
      const moved = formatReceipt({ ...receipt, index: 19 });
      expectFailure(await verifyReceipt(moved, entryAt(18)), BAD_PROOF);
      const outside = formatReceipt({ ...receipt, index: 37 });
      expectFailure(await verifyReceipt(outside, entryAt(18)), /outside a tree of size 37/);
    });

    it('rejects a checkpoint signed by another key of the same name', async () => {
      const forged = signCheckpoint(head(37), impostor);
      expectFailure(await verifyReceipt(receiptFor(18, forged), entryAt(18)), UNSIGNED);
      // The same signature relabelled with our key ID is checked, and fails.
      const split = forged.lastIndexOf(' ') + 1;
      const signature = Buffer.from(forged.slice(split), 'base64');
      signature.writeUInt32BE(signer.keyHash, 0);
      const relabelled = `${forged.slice(0, split)}${signature.toString('base64')}\n`;
      expectFailure(
        await verifyReceipt(receiptFor(18, relabelled), entryAt(18)),
        /invalid signature/,
      );
    });

    it('rejects a proof hash in non-canonical base64, which Go alone would accept', async () => {
      const receipt = receiptFor(18);
      const [first = ''] = parseReceipt(receipt).proof.map((hash) => hash.toString('base64'));
      const unpadded = receipt.replace(`${first}\n`, `${first.slice(0, -1)}\n`);
      expectFailure(await verifyReceipt(unpadded, entryAt(18)), /not a base64 SHA-256 hash/);
    });

    it('rejects a checkpoint whose root was changed after signing', async () => {
      const root37 = rootFromNodes(37, read).toString('base64');
      const changed = checkpoint37.replace(root37, rootFromNodes(36, read).toString('base64'));
      expectFailure(await verifyReceipt(receiptFor(18, changed), entryAt(18)), /invalid signature/);
    });

    it('rejects a genuine receipt checked against another key', async () => {
      expectFailure(await verifyReceipt(receiptFor(18), entryAt(18), otherVkey), UNSIGNED);
    });

    it('rejects a checkpoint whose origin is not the name of the key that signed it', async () => {
      const otherKeys = createNoteKey('example.com/other');
      const note = parseSignerKey(otherKeys.skey).sign(formatCheckpoint(head(37)));
      const result = await verifyReceipt(receiptFor(18, note), entryAt(18), otherKeys.vkey);
      expectFailure(result, /checkpoint origin .* is not the key name/);
    });

    it('exits 2 on a usage error', async () => {
      const result = await run(verifier, [
        'receipt',
        '--vkey',
        keys.vkey,
        await file(receiptFor(0)),
      ]);
      expect(result.code).toBe(2);
    });
  });

  describe('on what the holdfast CLI writes', () => {
    it(
      verifies(
        'audit:receipts-independent',
        'accepts receipts and checkpoints from `holdfast audit`, and rejects a changed entry',
      ),
      async () => {
        using home = createTempHome();
        const store = openSqliteStore({ path: defaultDbPath(home.home) });
        await store.appendAudit(
          Array.from({ length: 21 }, (_, n) => ({
            at: 1_767_225_600_000 + n,
            server: 'notes',
            kind: 'call' as const,
            data: { n, tool: 'search_notes' },
          })),
        );
        await store.close();
        const vkey = runCli(['audit', 'key'], home.home).stdout.trim();
        const out = join(dir, 'cli-7.tlog-proof');
        expect(runCli(['audit', 'receipt', '7', '--out', out], home.home).code).toBe(0);
        const entry = join(dir, 'cli-7.entry.json');
        const accepted = await run(verifier, ['receipt', '--vkey', vkey, '--entry', entry, out]);
        expect(accepted).toEqual({ code: 0, stdout: 'OK index=7 size=21\n', stderr: '' });

        const checkpoint = await file(runCli(['audit', 'checkpoint'], home.home).stdout);
        const cp = await run(verifier, ['checkpoint', '--vkey', vkey, checkpoint]);
        expect(cp.code).toBe(0);
        expect(cp.stdout).toMatch(/^OK size=21 root=/);

        const changed = await file(
          (await readFile(entry, 'utf8')).replace('"tool":"search_notes"', '"tool":"send_email"'),
        );
        const refused = await run(verifier, ['receipt', '--vkey', vkey, '--entry', changed, out]);
        expectFailure(refused, /inclusion|proof|record/i);
      },
    );
  });

  describe('checkpoint', () => {
    it('accepts a signed checkpoint and prints its size and root', async () => {
      const result = await run(verifier, [
        'checkpoint',
        '--vkey',
        keys.vkey,
        await file(checkpoint37),
      ]);
      const root = rootFromNodes(37, read).toString('base64');
      expect(result).toEqual({ code: 0, stdout: `OK size=37 root=${root}\n`, stderr: '' });
    });

    it('rejects it under another key', async () => {
      expectFailure(
        await run(verifier, ['checkpoint', '--vkey', otherVkey, await file(checkpoint37)]),
        UNSIGNED,
      );
    });
  });

  describe('consistency', () => {
    it('accepts the proof that the 13-entry tree is a prefix of the 37-entry tree', async () => {
      const result = await verifyConsistency(
        checkpoint13,
        checkpoint37,
        consistencyProof(13, 37, read),
      );
      expect(result).toEqual({ code: 0, stdout: 'OK old=13 new=37\n', stderr: '' });
    });

    it('accepts the proof from every smaller tree to the 37-entry tree', async () => {
      const sizes = Array.from({ length: 36 }, (_, i) => i + 1);
      const results = await Promise.all(
        sizes.map((size) =>
          verifyConsistency(
            signCheckpoint(head(size), signer),
            checkpoint37,
            consistencyProof(size, 37, read),
          ),
        ),
      );
      expect(results.map((result) => result.stdout)).toEqual(
        sizes.map((size) => `OK old=${size} new=37\n`),
      );
    });

    it('accepts equal checkpoints with an empty proof', async () => {
      const result = await verifyConsistency(checkpoint37, checkpoint37, []);
      expect(result.stdout).toBe('OK old=37 new=37\n');
    });

    it('rejects a signed old checkpoint with a forged root (a forked log)', async () => {
      const forked = signCheckpoint(head(13, rootFromNodes(12, read)), signer);
      expectFailure(
        await verifyConsistency(forked, checkpoint37, consistencyProof(13, 37, read)),
        BAD_PROOF,
      );
    });

    it('rejects a tampered proof and swapped checkpoints', async () => {
      const proof = consistencyProof(13, 37, read).map((hash) => Buffer.from(hash));
      proof[0]?.fill(0);
      expectFailure(await verifyConsistency(checkpoint13, checkpoint37, proof), BAD_PROOF);
      const swapped = consistencyProof(13, 37, read);
      expectFailure(await verifyConsistency(checkpoint37, checkpoint13, swapped), /larger/);
    });
  });
});
