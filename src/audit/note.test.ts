import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { expectAuditError } from '../../test/support/audit-error.js';
import { AuditError } from '../shared/errors.js';
import {
  createNoteKey,
  decodeCanonicalBase64,
  isValidKeyName,
  type NoteVerifier,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
} from './note.js';

/**
 * Known answers, two sources, never produced by this code:
 *
 * 1. GO_DOC_*: the example in the package comment of golang.org/x/mod/sumdb/note (note.go,
 *    x/mod v0.7.0 as packaged by Debian, golang-golang-x-mod-dev 0.7.0-1).
 * 2. KAT_*: printed once by a throwaway Go 1.19.8 program against the same package:
 *
 *        seed := []byte{0, 1, …, 31}
 *        skey, vkey, _ := note.GenerateKey(bytes.NewReader(seed), "example.com/holdfast-kat")
 *        signer, _ := note.NewSigner(skey)
 *        msg, _ := note.Sign(&note.Note{Text: "hello, note\n"}, signer)
 *
 *    (ed25519.GenerateKey reads exactly the 32-byte seed from the reader). The same program built
 *    a five-entry tree of "entry-0" … "entry-4" with tlog.StoredHashes/TreeHash/ProveRecord and
 *    signed its checkpoint: see KAT_CHECKPOINT in checkpoint.test.ts and KAT_RECEIPT in
 *    receipt.test.ts.
 */
const GO_DOC_SKEY =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_DOC_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_DOC_TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const GO_DOC_PETER =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const GO_DOC_ENOCH =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const KAT_NAME = 'example.com/holdfast-kat';
const KAT_SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const KAT_SKEY =
  'PRIVATE+KEY+example.com/holdfast-kat+6eafc96c+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f';
const KAT_VKEY = 'example.com/holdfast-kat+6eafc96c+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4';
const KAT_HELLO =
  'hello, note\n\n— example.com/holdfast-kat bq/JbBaY6qHlamZuX+AH07vFdZMpKlstzqKS1wovVmH+tUMqJ7/C/CJwCBBmZlBkSBCb9UyntGoHNyWUypJfRiVftAU=\n';

/** Replaces the base64 payload of signature line `line` (0-based) after editing its bytes. */
function editSignature(note: string, line: number, edit: (bytes: Buffer) => void): string {
  const split = note.lastIndexOf('\n\n') + 2;
  const lines = note.slice(split).split('\n');
  const [dash, name, b64] = (lines[line] ?? '').split(' ');
  const bytes = Buffer.from(b64 ?? '', 'base64');
  edit(bytes);
  lines[line] = `${dash ?? ''} ${name ?? ''} ${bytes.toString('base64')}`;
  return note.slice(0, split) + lines.join('\n');
}

describe('Go known answers', () => {
  it('signs the x/mod package example byte for byte and derives its verifier key', () => {
    const signer = parseSignerKey(GO_DOC_SKEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyHash).toBe(0xc74f20a3);
    expect(signer.sign(GO_DOC_TEXT)).toBe(`${GO_DOC_TEXT}\n${GO_DOC_PETER}`);
    expect(verifierKeyOf(GO_DOC_SKEY)).toBe(GO_DOC_VKEY);
  });

  it('opens the example, ignoring a cosignature by an unknown key in either position', () => {
    const peter = parseVerifierKey(GO_DOC_VKEY);
    expect(openNote(`${GO_DOC_TEXT}\n${GO_DOC_PETER}`, peter)).toBe(GO_DOC_TEXT);
    expect(openNote(`${GO_DOC_TEXT}\n${GO_DOC_PETER}${GO_DOC_ENOCH}`, peter)).toBe(GO_DOC_TEXT);
    expect(openNote(`${GO_DOC_TEXT}\n${GO_DOC_ENOCH}${GO_DOC_PETER}`, peter)).toBe(GO_DOC_TEXT);
  });

  it('rejects a note signed only by a key it does not know', () => {
    const peter = parseVerifierKey(GO_DOC_VKEY);
    expectAuditError(
      () => openNote(`${GO_DOC_TEXT}\n${GO_DOC_ENOCH}`, peter),
      'AUDIT_BAD_SIGNATURE',
    );
  });

  it('creates from a seed the keys note.GenerateKey makes and signs what note.Sign signs', () => {
    expect(createNoteKey(KAT_NAME, KAT_SEED)).toEqual({ skey: KAT_SKEY, vkey: KAT_VKEY });
    expect(parseSignerKey(KAT_SKEY).sign('hello, note\n')).toBe(KAT_HELLO);
    expect(openNote(KAT_HELLO, parseVerifierKey(KAT_VKEY))).toBe('hello, note\n');
  });
});

describe('signing and opening', () => {
  const { skey, vkey } = createNoteKey('example.com/log');
  const signer = parseSignerKey(skey);
  const verifier = parseVerifierKey(vkey);

  it.each([
    ['one line', 'hello\n'],
    ['blank lines inside the text', 'a\n\nb\n'],
    ['a text ending in a blank line', 'a\n\n'],
    ['a lone newline', '\n'],
    ['non-ASCII text', 'Ognuno sta solo sul cuor della terra\ned è subito sera. 🌅\n'],
  ])('round-trips %s', (_, text) => {
    expect(openNote(signer.sign(text), verifier)).toBe(text);
  });

  it('gives fresh keys each time and agrees on name, key ID and vkey', () => {
    expect(createNoteKey('example.com/log').vkey).not.toBe(vkey);
    expect(verifier).toMatchObject({ name: signer.name, keyHash: signer.keyHash, vkey });
    expect(verifierKeyOf(skey)).toBe(vkey);
  });

  it('accepts a structurally equal verifier made elsewhere', () => {
    const lookalike: NoteVerifier = { name: verifier.name, keyHash: verifier.keyHash, vkey };
    expect(openNote(signer.sign('x\n'), lookalike)).toBe('x\n');
  });

  it('refuses a verifier whose name or key ID disagrees with its vkey', () => {
    const note = signer.sign('x\n');
    const renamed = { name: 'example.com/other', keyHash: verifier.keyHash, vkey };
    expectAuditError(() => openNote(note, renamed), 'AUDIT_KEY');
    const rehashed = { name: verifier.name, keyHash: verifier.keyHash ^ 1, vkey };
    expectAuditError(() => openNote(note, rehashed), 'AUDIT_KEY');
  });

  it.each([
    ['an empty text', ''],
    ['a text without a final newline', 'hello'],
    ['a control character', 'a\tb\n'],
    ['a carriage return', 'a\r\n'],
    ['a lone surrogate', 'a\ud800\n'],
  ])('refuses to sign %s', (_, text) => {
    expect(() => signer.sign(text)).toThrow(RangeError);
  });
});

describe('when a signed note is tampered with', () => {
  // A fixed key, so the signature below always has the base64 features the cases edit.
  const keys = createNoteKey('example.com/log', new Uint8Array(32).fill(42));
  const signer = parseSignerKey(keys.skey);
  const verifier = parseVerifierKey(keys.vkey);
  const note = signer.sign('example.com/log\n5\nabc\n');

  it('rejects a flipped bit in the text', () => {
    const flipped = note.replace('5\n', '4\n');
    expectAuditError(() => openNote(flipped, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  it('rejects a flipped bit in the signature', () => {
    const flipped = editSignature(note, 0, (bytes) => {
      bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    });
    expectAuditError(() => openNote(flipped, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  it('rejects a signature by another key that claims our name and key ID', () => {
    const other = parseSignerKey(createNoteKey('example.com/log').skey);
    const forged = editSignature(other.sign('example.com/log\n5\nabc\n'), 0, (bytes) => {
      bytes.writeUInt32BE(verifier.keyHash, 0);
    });
    expectAuditError(() => openNote(forged, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  it('does not count a signature whose key ID differs (it is some other key)', () => {
    const rehashed = editSignature(note, 0, (bytes) => {
      bytes[0] = (bytes[0] ?? 0) ^ 0x80;
    });
    expectAuditError(() => openNote(rehashed, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  it('does not count our signature under another name', () => {
    const renamed = note.replace('— example.com/log ', '— example.com/lag ');
    expectAuditError(() => openNote(renamed, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  it('rejects a note checked against the wrong key or the wrong name', () => {
    const otherKey = parseVerifierKey(createNoteKey('example.com/log').vkey);
    expectAuditError(() => openNote(note, otherKey), 'AUDIT_BAD_SIGNATURE');
    const otherName = parseVerifierKey(createNoteKey('example.com/other').vkey);
    expectAuditError(() => openNote(note, otherName), 'AUDIT_BAD_SIGNATURE');
  });

  it('accepts a second signature line by an unknown key', () => {
    const cosigner = parseSignerKey(createNoteKey('witness.example').skey);
    const text = 'example.com/log\n5\nabc\n';
    const cosigned = note + cosigner.sign(text).slice(text.length + 1);
    expect(openNote(cosigned, verifier)).toBe('example.com/log\n5\nabc\n');
  });

  it('rejects a second signature line by the trusted key, even an identical one', () => {
    const line = note.slice(note.lastIndexOf('\n\n') + 2);
    expectAuditError(() => openNote(note + line, verifier), 'AUDIT_MALFORMED');
  });

  it('rejects a bad signature by the trusted key placed before a good one', () => {
    const bad = editSignature(note, 0, (bytes) => {
      bytes[40] = (bytes[40] ?? 0) ^ 0x01;
    });
    const both = bad + note.slice(note.lastIndexOf('\n\n') + 2);
    expectAuditError(() => openNote(both, verifier), 'AUDIT_BAD_SIGNATURE');
  });

  const line = note.slice(note.lastIndexOf('\n\n') + 2, -1);
  const b64 = line.slice(line.lastIndexOf(' ') + 1);
  it.each([
    ['a missing final newline', note.slice(0, -1)],
    ['no blank line before the signatures', note.replace('\n\n', '\n')],
    ['no signature lines', 'example.com/log\n5\nabc\n\n'],
    ['a garbage line among the signatures', `${note}garbage\n`],
    ['an empty line among the signatures', `${note}\n`],
    ['a hyphen instead of an em dash', note.replace('— ', '- ')],
    ['a line without a space after the name', note.replace(`log ${b64}`, `log${b64}`)],
    ['a key name with a plus', note.replace('— example.com/log', '— example.com+log')],
    ['base64 without padding', note.replace(b64, b64.replace(/=+$/, ''))],
    ['base64 with non-zero trailing bits', note.replace(b64, nonCanonical(b64))],
    ['a URL-safe base64 alphabet', note.replace(b64, toBase64Url(b64))],
    ['a signature shorter than five bytes', note.replace(b64, 'AAAAAA==')],
    ['a tab in the text', note.replace('5\n', '5\t\n')],
    ['a carriage return', note.replace(/\n$/, '\r\n')],
    ['a lone surrogate', note.replace('abc', 'a\udc00c')],
    ['101 signature lines', note + `— other ${b64}\n`.repeat(100)],
  ])('rejects %s as malformed', (_, bad) => {
    expectAuditError(() => openNote(bad, verifier), 'AUDIT_MALFORMED');
  });
});

describe('key parsing', () => {
  const { skey, vkey } = createNoteKey('example.com/log', KAT_SEED);
  const [, , , hash = '', secret = ''] = skey.split('+');
  const [, , publicKey = ''] = vkey.split('+');

  it.each([
    ['a missing PRIVATE+KEY prefix', skey.slice('PRIVATE+KEY+'.length)],
    ['a verifier key', vkey],
    ['an uppercase key ID', skey.replace(hash, hash.toUpperCase())],
    ['a short key ID', skey.replace(`+${hash}+`, `+${hash.slice(1)}+`)],
    [
      'an unknown algorithm',
      skey.replace(secret, Buffer.from([2, ...KAT_SEED]).toString('base64')),
    ],
    [
      'a short seed',
      skey.replace(secret, Buffer.from([1, ...KAT_SEED.slice(1)]).toString('base64')),
    ],
    ['a non-canonical seed encoding', skey.replace(secret, `${secret}\n`)],
    ['a name with a space', skey.replace('example.com/log', 'example.com log')],
    ['an empty name', skey.replace('example.com/log', '')],
    ['nothing after the key ID', skey.slice(0, skey.lastIndexOf('+'))],
  ])('rejects a signer key with %s without quoting it', (_, bad) => {
    const error = expectAuditError(() => parseSignerKey(bad), 'AUDIT_KEY');
    expectNoSecret(error, bad);
    expectNoSecret(
      expectAuditError(() => verifierKeyOf(bad), 'AUDIT_KEY'),
      bad,
    );
  });

  it('rejects a signer key whose key ID does not match its public key, without quoting it', () => {
    const bad = skey.replace(hash, hash === '00000000' ? '00000001' : '00000000');
    const error = expectAuditError(() => parseSignerKey(bad), 'AUDIT_KEY');
    expect(error.message).toMatch(/does not match/);
    expectNoSecret(error, bad);
  });

  it('keeps the private key out of the signer object', () => {
    const signer = parseSignerKey(skey);
    expect(inspect(signer, { depth: 5, showHidden: true })).not.toContain(secret);
    expect(Object.values(signer)).not.toContain(skey);
    expect(JSON.stringify(signer)).not.toContain(secret);
  });

  it.each([
    ['a signer key', skey],
    ['an uppercase key ID', vkey.replace(hash, hash.toUpperCase())],
    ['a wrong key ID', vkey.replace(hash, hash === '00000000' ? '00000001' : '00000000')],
    ['an unknown algorithm', vkey.replace(publicKey, withAlgorithm(publicKey, 2))],
    ['a short key', vkey.replace(publicKey, Buffer.from([1, 2, 3]).toString('base64'))],
    ['a name with a space', vkey.replace('example.com/log', 'example.com log')],
    ['a missing key', vkey.slice(0, vkey.lastIndexOf('+'))],
    ['no separators', 'example.com/log'],
  ])('rejects a verifier key with %s', (_, bad) => {
    expectAuditError(() => parseVerifierKey(bad), 'AUDIT_KEY');
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['with a plus', 'a+b'],
    ['with a newline', 'a\nb'],
    ['with a no-break space', 'a\u00a0b'],
    ['with a next-line character', 'a\u0085b'],
    ['with an ideographic space', 'a\u3000b'],
    ['with a control character', 'a\u0001b'],
    ['with a lone surrogate', 'a\ud800'],
  ])('refuses a key name %s', (_, name) => {
    expect(isValidKeyName(name)).toBe(false);
    expect(() => createNoteKey(name)).toThrow(RangeError);
  });

  it('accepts URL-like and non-ASCII key names', () => {
    expect(isValidKeyName('example.com/log-42')).toBe(true);
    expect(isValidKeyName('quasimodo.example/salvatore·è')).toBe(true);
  });

  it('refuses a seed that is not 32 bytes', () => {
    expect(() => createNoteKey('a', new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('canonical base64', () => {
  it.each([
    ['', []],
    ['AA==', [0]],
    ['AAE=', [0, 1]],
    ['AAEC', [0, 1, 2]],
    ['+/8=', [0xfb, 0xff]],
  ])('decodes %j', (text, bytes) => {
    expect(decodeCanonicalBase64(text)).toEqual(Buffer.from(bytes));
  });

  it.each(['AA', 'AA=', 'AB==', 'AAF=', 'AA==AA==', 'A A=', 'AA==\n', '-_8=', 'AAE', '===='])(
    'refuses %j',
    (text) => {
      expect(decodeCanonicalBase64(text)).toBeUndefined();
    },
  );
});

/** The message, details and inspection of `error` quote neither the key nor its secret part. */
function expectNoSecret(error: AuditError, key: string): void {
  const secret = key.slice(key.lastIndexOf('+') + 1);
  const shown = `${error.message} ${JSON.stringify(error.details)} ${inspect(error)}`;
  expect(shown).not.toContain(key);
  if (secret.length > 8) expect(shown).not.toContain(secret);
}

/** The URL-safe spelling of `b64`; it must differ, or the case would test nothing. */
function toBase64Url(b64: string): string {
  const url = b64.replaceAll('/', '_').replaceAll('+', '-');
  expect(url).not.toBe(b64);
  return url;
}

/** Re-encodes a typed key with another algorithm byte. */
function withAlgorithm(b64: string, algorithm: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0] = algorithm;
  return bytes.toString('base64');
}

/** Makes the last base64 group carry non-zero padding bits. */
function nonCanonical(b64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = b64.replace(/=+$/, '');
  const char = last.at(-1) ?? 'A';
  const bumped = alphabet[alphabet.indexOf(char) ^ 1] ?? 'A';
  return `${last.slice(0, -1)}${bumped}${b64.slice(last.length)}`;
}
