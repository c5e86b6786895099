import { describe, expect, it } from 'vitest';

import { expectAuditError } from '../../test/support/audit-error.js';
import {
  type Checkpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  parseDecimal,
  signCheckpoint,
} from './checkpoint.js';
import { EMPTY_ROOT } from './merkle.js';
import { createNoteKey, parseSignerKey, parseVerifierKey } from './note.js';

/**
 * Printed once by the throwaway Go program described in note.test.ts (x/mod v0.7.0): the tree of
 * "entry-0" … "entry-4" (tlog.StoredHashes + tlog.TreeHash) and its checkpoint, note.Sign'ed with
 * the key made from seed 0…31 for "example.com/holdfast-kat".
 */
const KAT_SKEY =
  'PRIVATE+KEY+example.com/holdfast-kat+6eafc96c+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f';
const KAT_VKEY = 'example.com/holdfast-kat+6eafc96c+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4';
const KAT_ROOT = 'GqaNMHSQWlgfhMu9D3U3lJBP2ARRvEwT5p2aU7xZUCw=';
const KAT_CHECKPOINT =
  `example.com/holdfast-kat\n5\n${KAT_ROOT}\n\n` +
  '— example.com/holdfast-kat bq/JbMvBFN+kfqL5F48ii/QoKrxmuMOYok58aOHvzwsmsiFUgaduR6XJ5vwXgYJcsi3EAWks83Xm5LuqoLfCc2/yNwk=\n';
/** The example in c2sp.org/tlog-checkpoint ("Transparency Log Checkpoints"). */
const SPEC_BODY =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

const ROOT = Buffer.alloc(32, 7);
const ROOT_B64 = ROOT.toString('base64');

describe('checkpoint text', () => {
  it('formats origin, size and root, one per line', () => {
    const text = formatCheckpoint({
      origin: 'example.com/log',
      size: 37,
      root: ROOT,
      extensions: [],
    });
    expect(text).toBe(`example.com/log\n37\n${ROOT_B64}\n`);
  });

  it('round-trips extension lines and the empty tree', () => {
    const checkpoints: Checkpoint[] = [
      { origin: 'example.com/log', size: 0, root: EMPTY_ROOT, extensions: [] },
      { origin: 'o', size: Number.MAX_SAFE_INTEGER, root: ROOT, extensions: ['a b', 'é'] },
    ];
    for (const c of checkpoints) expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
  });

  it('parses the tlog-checkpoint spec example', () => {
    expect(parseCheckpoint(SPEC_BODY)).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      root: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
      extensions: [],
    });
  });

  it.each([
    ['an empty text', ''],
    ['a missing final newline', `o\n1\n${ROOT_B64}`],
    ['a missing root line', 'o\n1\n'],
    ['an empty origin', `\n1\n${ROOT_B64}\n`],
    ['an empty extension line', `o\n1\n${ROOT_B64}\n\nx\n`],
    ['a trailing empty line', `o\n1\n${ROOT_B64}\n\n`],
    ['a size with a leading zero', `o\n01\n${ROOT_B64}\n`],
    ['a size of 00', `o\n00\n${ROOT_B64}\n`],
    ['a negative size', `o\n-1\n${ROOT_B64}\n`],
    ['a size with a plus sign', `o\n+1\n${ROOT_B64}\n`],
    ['a size with spaces', `o\n 1\n${ROOT_B64}\n`],
    ['a hexadecimal size', `o\n0x1\n${ROOT_B64}\n`],
    ['a fractional size', `o\n1.0\n${ROOT_B64}\n`],
    ['a size of 2^53', `o\n9007199254740992\n${ROOT_B64}\n`],
    ['a size of 2^64', `o\n18446744073709551616\n${ROOT_B64}\n`],
    ['a root of 31 bytes', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a root of 33 bytes', `o\n1\n${Buffer.alloc(33).toString('base64')}\n`],
    ['a root without padding', `o\n1\n${ROOT_B64.slice(0, -1)}\n`],
    ['a root with non-zero padding bits', `o\n1\n${ROOT_B64.slice(0, -2)}x=\n`],
    ['a root in hex', `o\n1\n${ROOT.toString('hex')}\n`],
    ['swapped size and root', `o\n${ROOT_B64}\n1\n`],
    ['CRLF line ends', `o\r\n1\r\n${ROOT_B64}\r\n`],
    ['a control character', `o\x01\n1\n${ROOT_B64}\n`],
  ])('rejects %s', (_, text) => {
    expectAuditError(() => parseCheckpoint(text), 'AUDIT_MALFORMED');
  });

  it.each<[string, Partial<Checkpoint>]>([
    ['an empty origin', { origin: '' }],
    ['an origin with a newline', { origin: 'a\nb' }],
    ['an origin with a control character', { origin: 'a\tb' }],
    ['an empty extension line', { extensions: [''] }],
    ['an extension with a newline', { extensions: ['a\n'] }],
    ['a negative size', { size: -1 }],
    ['a fractional size', { size: 1.5 }],
    ['an unsafe size', { size: 2 ** 53 }],
    ['a short root', { root: Buffer.alloc(31) }],
  ])('refuses to format %s', (_, change) => {
    const c: Checkpoint = { origin: 'o', size: 1, root: ROOT, extensions: [], ...change };
    expect(() => formatCheckpoint(c)).toThrow(RangeError);
  });

  it.each([
    ['0', 0],
    ['7', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['00', undefined],
    ['', undefined],
    ['12345678901234567', undefined],
    ['1e3', undefined],
  ])('parses the decimal %j as %j', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });
});

describe('signed checkpoints', () => {
  const keys = createNoteKey('example.com/log');
  const signer = parseSignerKey(keys.skey);
  const verifier = parseVerifierKey(keys.vkey);
  const checkpoint: Checkpoint = {
    origin: 'example.com/log',
    size: 37,
    root: ROOT,
    extensions: [],
  };

  it('signs what Go signs for the same key and tree', () => {
    const c = parseCheckpoint(`example.com/holdfast-kat\n5\n${KAT_ROOT}\n`);
    expect(signCheckpoint(c, parseSignerKey(KAT_SKEY))).toBe(KAT_CHECKPOINT);
    expect(openCheckpoint(KAT_CHECKPOINT, parseVerifierKey(KAT_VKEY))).toEqual(c);
  });

  it('opens what it signs', () => {
    const note = signCheckpoint(checkpoint, signer);
    expect(note.startsWith(formatCheckpoint(checkpoint))).toBe(true);
    expect(openCheckpoint(note, verifier)).toEqual(checkpoint);
  });

  it('refuses to sign a checkpoint for another origin', () => {
    expect(() => signCheckpoint({ ...checkpoint, origin: 'example.com/other' }, signer)).toThrow(
      RangeError,
    );
  });

  it('rejects a well-signed checkpoint whose origin is not the key name', () => {
    const note = signer.sign(formatCheckpoint({ ...checkpoint, origin: 'example.com/other' }));
    expectAuditError(() => openCheckpoint(note, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  it('rejects a well-signed note that is not a checkpoint', () => {
    const note = signer.sign('example.com/log\n037\nroot\n');
    expectAuditError(() => openCheckpoint(note, verifier), 'AUDIT_MALFORMED');
  });

  it('rejects a checkpoint whose root or size changed after signing', () => {
    const note = signCheckpoint(checkpoint, signer);
    const otherRoot = Buffer.alloc(32, 8).toString('base64');
    expectAuditError(
      () => openCheckpoint(note.replace(ROOT_B64, otherRoot), verifier),
      'AUDIT_BAD_SIGNATURE',
    );
    expectAuditError(
      () => openCheckpoint(note.replace('\n37\n', '\n38\n'), verifier),
      'AUDIT_BAD_SIGNATURE',
    );
  });

  it('rejects a checkpoint signed by another key of the same name', () => {
    const other = parseSignerKey(createNoteKey('example.com/log').skey);
    expectAuditError(
      () => openCheckpoint(signCheckpoint(checkpoint, other), verifier),
      'AUDIT_BAD_SIGNATURE',
    );
  });

  it('accepts a witness cosignature beside the log signature', () => {
    const witness = parseSignerKey(createNoteKey('witness.example').skey);
    const text = formatCheckpoint(checkpoint);
    const cosigned = signCheckpoint(checkpoint, signer) + witness.sign(text).slice(text.length + 1);
    expect(openCheckpoint(cosigned, verifier)).toEqual(checkpoint);
  });
});
