import { describe, expect, it } from 'vitest';

import { expectAuditError } from '../../test/support/audit-error.js';
import { buildTree } from '../../test/support/merkle-tree.js';
import { type Checkpoint, signCheckpoint } from './checkpoint.js';
import { inclusionProof, type NodeReader, rootFromNodes } from './merkle.js';
import { createNoteKey, type NoteSigner, parseSignerKey, parseVerifierKey } from './note.js';
import { formatReceipt, parseReceipt, type Receipt, verifyReceipt } from './receipt.js';

/**
 * Printed once by the throwaway Go program described in note.test.ts (x/mod v0.7.0): for the
 * tree of "entry-0" … "entry-4", tlog.ProveRecord(5, 3, …) written in the tlog-proof@v1 layout
 * around the checkpoint note.Sign'ed with the seed-0…31 key of "example.com/holdfast-kat".
 */
const KAT_SKEY =
  'PRIVATE+KEY+example.com/holdfast-kat+6eafc96c+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f';
const KAT_VKEY = 'example.com/holdfast-kat+6eafc96c+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4';
const KAT_RECEIPT = `c2sp.org/tlog-proof@v1
index 3
BJ19zbVrz+vTEzBMmDnxlqPUtu873AsIKY+TrIGR8Kg=
LyelCCwdQq+kiKw1Cp/EOQwIT1T3Hs3/hZ6Y24QptHk=
GUu1otW9EOXRqm/V1CmAs1bK8dpiPNmYfEv6L4F3Htc=

example.com/holdfast-kat
5
GqaNMHSQWlgfhMu9D3U3lJBP2ARRvEwT5p2aU7xZUCw=

— example.com/holdfast-kat bq/JbMvBFN+kfqL5F48ii/QoKrxmuMOYok58aOHvzwsmsiFUgaduR6XJ5vwXgYJcsi3EAWks83Xm5LuqoLfCc2/yNwk=
`;

/** The example in c2sp.org/tlog-proof (its signatures are elided, so it only parses). */
const SPEC_RECEIPT = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
`;

function receiptFor(index: number, size: number, read: NodeReader, signer: NoteSigner): string {
  const checkpoint: Checkpoint = {
    origin: signer.name,
    size,
    root: rootFromNodes(size, read),
    extensions: [],
  };
  return formatReceipt({
    index,
    proof: inclusionProof(index, size, read),
    checkpoint: signCheckpoint(checkpoint, signer),
  });
}

const encode = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A copy of `bytes` with the low bit of byte `at` flipped. */
function flipBit(bytes: Uint8Array, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt8(copy.readUInt8(at) ^ 0x01, at);
  return copy;
}

describe('Go known answers', () => {
  const entries = [0, 1, 2, 3, 4].map((i) => encode(`entry-${i}`));

  it('writes the receipt Go writes for the same tree, key and index', () => {
    const read = buildTree(entries);
    expect(receiptFor(3, 5, read, parseSignerKey(KAT_SKEY))).toBe(KAT_RECEIPT);
  });

  it('verifies the Go receipt for its entry and no other', () => {
    const verifier = parseVerifierKey(KAT_VKEY);
    const { index, checkpoint } = verifyReceipt(KAT_RECEIPT, encode('entry-3'), verifier);
    expect(index).toBe(3);
    expect(checkpoint.size).toBe(5);
    expectAuditError(
      () => verifyReceipt(KAT_RECEIPT, encode('entry-2'), verifier),
      'AUDIT_BAD_PROOF',
    );
  });

  it('parses the tlog-proof spec example', () => {
    const receipt = parseReceipt(SPEC_RECEIPT);
    expect(receipt.index).toBe(73894);
    expect(receipt.proof).toHaveLength(5);
    expect(receipt.extra?.length).toBe(39);
    expect(receipt.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    expect(formatReceipt(receipt)).toBe(SPEC_RECEIPT);
  });
});

describe('receipts for a 37-entry log', () => {
  const keys = createNoteKey('example.com/log');
  const signer = parseSignerKey(keys.skey);
  const verifier = parseVerifierKey(keys.vkey);
  const entries = Array.from({ length: 37 }, (_, i) => encode(`{"index":${i},"kind":"call"}`));
  const read = buildTree(entries);
  const entry = (i: number): Buffer => entries[i] ?? Buffer.alloc(0);

  it('verifies every entry against every tree size that contains it', () => {
    for (let size = 1; size <= entries.length; size += 1) {
      for (let index = 0; index < size; index += 1) {
        const text = receiptFor(index, size, read, signer);
        expect(verifyReceipt(text, entry(index), verifier).index).toBe(index);
      }
    }
  });

  it('round-trips extra data without trusting it', () => {
    const text = receiptFor(5, 37, read, signer);
    const receipt: Receipt = { ...parseReceipt(text), extra: Buffer.from('context') };
    const withExtra = formatReceipt(receipt);
    expect(withExtra.split('\n')[1]).toBe(`extra ${Buffer.from('context').toString('base64')}`);
    expect(parseReceipt(withExtra)).toEqual(receipt);
    expect(verifyReceipt(withExtra, entry(5), verifier).index).toBe(5);
  });

  describe('when the receipt or entry is tampered with', () => {
    const text = receiptFor(18, 37, read, signer);
    const receipt = parseReceipt(text);
    const variant = (change: Partial<Receipt>): string => formatReceipt({ ...receipt, ...change });
    const flipped = receipt.proof.map((hash, i) => (i === 2 ? flipBit(hash, 0) : hash));

    it.each([
      ['a different entry', text, entry(17)],
      ['a flipped bit in the entry', text, flipBit(entry(18), 5)],
      ['a wrong index', variant({ index: 17 }), entry(18)],
      ['an index at the tree size', variant({ index: 37 }), entry(18)],
      ['an index beyond the tree size', variant({ index: 1000 }), entry(18)],
      ['a truncated proof', variant({ proof: receipt.proof.slice(0, -1) }), entry(18)],
      ['an empty proof', variant({ proof: [] }), entry(18)],
      ['an extended proof', variant({ proof: [...receipt.proof, Buffer.alloc(32)] }), entry(18)],
      ['a flipped proof hash', variant({ proof: flipped }), entry(18)],
      ['reordered proof hashes', variant({ proof: [...receipt.proof].reverse() }), entry(18)],
    ])('rejects %s', (_, bad, bytes) => {
      expectAuditError(() => verifyReceipt(bad, bytes, verifier), 'AUDIT_BAD_PROOF');
    });

    it('rejects a checkpoint signed by another key, a changed root and another verifier', () => {
      const other = parseSignerKey(createNoteKey('example.com/log').skey);
      const foreign = receiptFor(18, 37, read, other);
      expectAuditError(() => verifyReceipt(foreign, entry(18), verifier), 'AUDIT_BAD_SIGNATURE');
      const root = rootFromNodes(37, read).toString('base64');
      const changed = text.replace(root, rootFromNodes(36, read).toString('base64'));
      expectAuditError(() => verifyReceipt(changed, entry(18), verifier), 'AUDIT_BAD_SIGNATURE');
      const stranger = parseVerifierKey(createNoteKey('example.com/log').vkey);
      expectAuditError(() => verifyReceipt(text, entry(18), stranger), 'AUDIT_BAD_SIGNATURE');
    });

    it('rejects a proof paired with the checkpoint of another tree size', () => {
      const bigger = variant({
        checkpoint: parseReceipt(receiptFor(0, 36, read, signer)).checkpoint,
      });
      expectAuditError(() => verifyReceipt(bigger, entry(18), verifier), 'AUDIT_BAD_PROOF');
    });
  });
});

describe('receipt parsing', () => {
  const keys = createNoteKey('example.com/log');
  const signer = parseSignerKey(keys.skey);
  const read = buildTree([encode('only')]);
  const text = receiptFor(0, 1, read, signer);
  const hash = Buffer.alloc(32, 1).toString('base64');
  const body = text.slice(text.indexOf('\n\n') + 2);

  it('formats a one-entry receipt with no proof lines', () => {
    expect(text).toBe(`c2sp.org/tlog-proof@v1\nindex 0\n\n${body}`);
    expect(verifyReceipt(text, encode('only'), parseVerifierKey(keys.vkey)).index).toBe(0);
  });

  it.each([
    ['an empty text', ''],
    ['a wrong header', text.replace('tlog-proof@v1', 'tlog-proof@v2')],
    ['a header with a carriage return', text.replace('@v1\n', '@v1\r\n')],
    ['no index line', text.replace('index 0\n', '')],
    ['an index with a leading zero', text.replace('index 0', 'index 00')],
    ['a negative index', text.replace('index 0', 'index -1')],
    ['an index of 2^53', text.replace('index 0', 'index 9007199254740992')],
    ['an index without a space', text.replace('index 0', 'index0')],
    ['two index lines', text.replace('index 0\n', 'index 0\nindex 0\n')],
    ['extra after the index', text.replace('index 0\n', 'index 0\nextra AA==\n')],
    ['empty extra data', text.replace('index 0\n', 'extra \nindex 0\n')],
    ['non-canonical extra data', text.replace('index 0\n', 'extra AB==\nindex 0\n')],
    [
      'a proof hash of 31 bytes',
      text.replace('0\n\n', `0\n${Buffer.alloc(31).toString('base64')}\n\n`),
    ],
    ['a proof hash without padding', text.replace('0\n\n', `0\n${hash.slice(0, -1)}\n\n`)],
    ['a garbage proof line', text.replace('0\n\n', '0\nnot a hash\n\n')],
    ['65 proof hashes', text.replace('0\n\n', `0\n${`${hash}\n`.repeat(65)}\n`)],
    ['no empty line before the checkpoint', text.replace('0\n\n', '0\n')],
    ['no checkpoint', `c2sp.org/tlog-proof@v1\nindex 0\n\n`],
    ['a checkpoint without a final newline', text.slice(0, -1)],
    ['no newline at all', 'c2sp.org/tlog-proof@v1'],
  ])('rejects %s as malformed', (_, bad) => {
    expectAuditError(() => parseReceipt(bad), 'AUDIT_MALFORMED');
  });

  it('rejects a receipt whose checkpoint is garbage', () => {
    const garbage = `c2sp.org/tlog-proof@v1\nindex 0\n\nnot a note\n`;
    expectAuditError(
      () => verifyReceipt(garbage, encode('only'), parseVerifierKey(keys.vkey)),
      'AUDIT_MALFORMED',
    );
  });

  it.each<[string, Partial<Receipt>]>([
    ['a negative index', { index: -1 }],
    ['a fractional index', { index: 0.5 }],
    ['a short proof hash', { proof: [Buffer.alloc(31)] }],
    ['65 proof hashes', { proof: Array.from({ length: 65 }, () => Buffer.alloc(32)) }],
    ['empty extra data', { extra: Buffer.alloc(0) }],
    ['a checkpoint without a final newline', { checkpoint: 'x' }],
  ])('refuses to format %s', (_, change) => {
    expect(() => formatReceipt({ index: 0, proof: [], checkpoint: body, ...change })).toThrow(
      RangeError,
    );
  });
});
