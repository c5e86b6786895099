/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, in the key and note encodings of
 * golang.org/x/mod/sumdb/note, so that Go's `note.Open` verifies what we sign and vice versa.
 *
 * - verifier key: `<name>+<8 hex key ID>+<base64(0x01 ‖ 32-byte public key)>`
 * - signer key:   `PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 ‖ 32-byte seed)>`
 * - signed note:  text ‖ "\n" ‖ one or more lines `— <name> <base64(key ID ‖ signature)>\n`
 *
 * Nothing derived from a signer key ever reaches an error message, `details` or `cause`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign as ed25519Sign,
  verify as ed25519Verify,
} from 'node:crypto';

import { AuditError } from '../shared/errors.js';

/** signed-note "Signature types": `0x01` is Ed25519. */
const ALG_ED25519 = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
/** DER prefixes wrapping a raw Ed25519 seed (PKCS #8) and public key (SPKI), RFC 8410 §7 and §4. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';
/** signed-note "Format": each signature line starts with an em dash (U+2014) and a space. */
const SIGNATURE_PREFIX = '\u2014 ';
/** signed-note asks for a limit of at least 16 signatures; Go's note.Open allows 100. */
const MAX_SIGNATURES = 100;

const KEY_HASH_HEX = /^[0-9a-f]{8}$/;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A UTF-16 code unit that is not half of a pair: the string has no UTF-8 encoding. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const WHITE_SPACE = /\p{White_Space}/u;

/** Public keys of the verifiers parseVerifierKey made, so openNote need not re-derive them. */
const PUBLIC_KEYS = new WeakMap<NoteVerifier, KeyObject>();

/** A fresh Ed25519 note key pair, both halves encoded as in golang.org/x/mod/sumdb/note. */
export interface NoteKeyPair {
  /** The secret signer key `PRIVATE+KEY+…`: keep it out of logs and errors. */
  skey: string;
  /** The public verifier key `<name>+<hash>+<key>`. */
  vkey: string;
}

/** Signs note texts with one Ed25519 key. */
export interface NoteSigner {
  /** The key name (for a log, its origin). */
  readonly name: string;
  /** The 32-bit key ID. */
  readonly keyHash: number;
  /** Returns the whole signed note: `text`, a blank line and one signature line. */
  sign(text: string): string;
}

/** One trusted Ed25519 verifier key. */
export interface NoteVerifier {
  /** The key name. */
  readonly name: string;
  /** The 32-bit key ID. */
  readonly keyHash: number;
  /** The canonical verifier key string. */
  readonly vkey: string;
}

/**
 * Decodes standard base64 (RFC 4648 §4) only in its canonical form: padded, no whitespace, no
 * URL-safe alphabet and zero trailing bits, so each byte string has exactly one accepted
 * encoding. Returns undefined for anything else.
 */
export function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (!CANONICAL_BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Whether `text` is UTF-8-encodable and free of ASCII control characters other than newline. */
export function isNoteSafe(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x0a) return false; // signed-note "Format": no ASCII controls
  }
  return !LONE_SURROGATE.test(text);
}

/**
 * Whether `name` is a valid key name (signed-note "Format"): non-empty UTF-8 without Unicode
 * spaces or `+`. Control characters are refused too, as no note could carry them.
 */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !WHITE_SPACE.test(name) && isNoteSafe(name);
}

/** Creates an Ed25519 key pair for `name`; `seed` (32 bytes) is for reproducible tests only. */
export function createNoteKey(name: string, seed: Uint8Array = randomBytes(32)): NoteKeyPair {
  if (!isValidKeyName(name)) throw new RangeError('invalid note key name');
  if (seed.length !== ED25519_KEY_SIZE) throw new RangeError('an Ed25519 seed is 32 bytes');
  const signer = new Ed25519Signer(name, Buffer.from(seed));
  const secret = Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString('base64');
  return {
    skey: `${SIGNER_KEY_PREFIX}${name}+${toHex(signer.keyHash)}+${secret}`,
    vkey: signer.vkey,
  };
}

/**
 * Parses a signer key `PRIVATE+KEY+<name>+<hash>+<key>`. The key ID must match the public key
 * derived from the seed. Throws AuditError('AUDIT_KEY') whose message never quotes the key.
 */
export function parseSignerKey(skey: string): NoteSigner {
  return toEd25519Signer(skey);
}

/** Returns the verifier key matching a signer key; throws AuditError('AUDIT_KEY'). */
export function verifierKeyOf(skey: string): string {
  return toEd25519Signer(skey).vkey;
}

function toEd25519Signer(skey: string): Ed25519Signer {
  if (!skey.startsWith(SIGNER_KEY_PREFIX)) throw badSignerKey();
  const [name, hex, encoded] = splitKey(skey.slice(SIGNER_KEY_PREFIX.length));
  const key = decodeCanonicalBase64(encoded);
  if (
    !isValidKeyName(name) ||
    !KEY_HASH_HEX.test(hex) ||
    key?.length !== 1 + ED25519_KEY_SIZE ||
    key[0] !== ALG_ED25519
  ) {
    throw badSignerKey();
  }
  const signer = new Ed25519Signer(name, key.subarray(1));
  if (signer.keyHash !== Number.parseInt(hex, 16)) {
    throw new AuditError('AUDIT_KEY', 'signer key ID does not match its public key');
  }
  return signer;
}

/** Parses a verifier key `<name>+<hash>+<key>`; throws AuditError('AUDIT_KEY'). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, hex, encoded] = splitKey(vkey);
  const key = decodeCanonicalBase64(encoded);
  if (
    !isValidKeyName(name) ||
    !KEY_HASH_HEX.test(hex) ||
    key?.length !== 1 + ED25519_KEY_SIZE ||
    key[0] !== ALG_ED25519
  ) {
    throw new AuditError('AUDIT_KEY', 'malformed note verifier key');
  }
  const keyHash = keyIdOf(name, key);
  if (keyHash !== Number.parseInt(hex, 16)) {
    throw new AuditError('AUDIT_KEY', 'verifier key ID does not match its public key');
  }
  // Any 32 bytes import as an Ed25519 public key; a key that is no curve point verifies nothing.
  const spki = Buffer.concat([SPKI_ED25519_PREFIX, key.subarray(1)]);
  const verifier: NoteVerifier = Object.freeze({ name, keyHash, vkey });
  PUBLIC_KEYS.set(verifier, createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  return verifier;
}

/**
 * Checks the note is well formed and carries a valid signature by `verifier` (name AND key hash
 * must match; other signature lines are ignored, like Go's note.Open with unknown keys). Returns
 * the text. Throws AuditError('AUDIT_BAD_SIGNATURE') or ('AUDIT_MALFORMED').
 *
 * Stricter than Go's note.Open in two ways: base64 must be canonical, and a second signature line
 * by the trusted key is refused instead of skipped unverified.
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  const publicKey = publicKeyOf(verifier);
  // Attacker-controlled input from here on: signed-note "Format".
  if (!isNoteSafe(note)) throw malformed('note has control characters or invalid UTF-16');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no signature block');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('note signatures must end in newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed('note has too many signatures');

  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('malformed note signature line');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const signature = space < 0 ? undefined : decodeCanonicalBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || signature === undefined || signature.length < 5) {
      throw malformed('malformed note signature line');
    }
    // signed-note "Signatures": only a signature whose name AND key ID match is ours to check.
    if (name !== verifier.name || signature.readUInt32BE(0) !== verifier.keyHash) continue;
    if (verified) throw malformed('note has two signatures by the same key');
    const raw = signature.subarray(4);
    const ok =
      raw.length === ED25519_SIGNATURE_SIZE &&
      ed25519Verify(null, Buffer.from(text, 'utf8'), publicKey, raw);
    if (!ok) throw new AuditError('AUDIT_BAD_SIGNATURE', 'invalid note signature', keyDetails());
    verified = true;
  }
  if (!verified) {
    throw new AuditError('AUDIT_BAD_SIGNATURE', 'note has no signature by the key', keyDetails());
  }
  return text;

  function keyDetails(): { details: Record<string, string> } {
    return { details: { key: `${verifier.name}+${toHex(verifier.keyHash)}` } };
  }
}

/** The public key behind a verifier: cached for ours, re-derived from `vkey` for look-alikes. */
function publicKeyOf(verifier: NoteVerifier): KeyObject {
  const cached = PUBLIC_KEYS.get(verifier);
  if (cached !== undefined) return cached;
  const parsed = parseVerifierKey(verifier.vkey);
  if (parsed.name !== verifier.name || parsed.keyHash !== verifier.keyHash) {
    throw new AuditError('AUDIT_KEY', 'verifier name or key ID disagrees with its vkey');
  }
  return publicKeyOf(parsed);
}

class Ed25519Signer implements NoteSigner {
  readonly name: string;
  readonly keyHash: number;
  readonly vkey: string;
  readonly #privateKey: KeyObject;

  constructor(name: string, seed: Buffer) {
    // Every 32-byte string is a valid Ed25519 seed (RFC 8032 §5.1.5), so this cannot fail.
    const pkcs8 = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
    this.#privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.#privateKey).export({ format: 'der', type: 'spki' });
    const publicKey = Buffer.concat([Buffer.from([ALG_ED25519]), spki.subarray(-ED25519_KEY_SIZE)]);
    this.name = name;
    this.keyHash = keyIdOf(name, publicKey);
    this.vkey = `${name}+${toHex(this.keyHash)}+${publicKey.toString('base64')}`;
  }

  sign(text: string): string {
    if (text === '' || !text.endsWith('\n') || !isNoteSafe(text)) {
      throw new RangeError('note text must be non-empty, end in newline and have no controls');
    }
    const id = Buffer.alloc(4);
    id.writeUInt32BE(this.keyHash);
    const signature = ed25519Sign(null, Buffer.from(text, 'utf8'), this.#privateKey);
    const encoded = Buffer.concat([id, signature]).toString('base64');
    return `${text}\n${SIGNATURE_PREFIX}${this.name} ${encoded}\n`;
  }
}

/** signed-note key ID: SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian. */
function keyIdOf(name: string, typedPublicKey: Buffer): number {
  const digest = createHash('sha256').update(name, 'utf8').update('\n').update(typedPublicKey);
  return digest.digest().readUInt32BE(0);
}

/** Splits `<name>+<hash>+<key>` at the first two `+` (base64 key data may contain `+`). */
function splitKey(key: string): [string, string, string] {
  const first = key.indexOf('+');
  const second = first < 0 ? -1 : key.indexOf('+', first + 1);
  if (second < 0) return ['', '', ''];
  return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)];
}

function toHex(keyHash: number): string {
  return keyHash.toString(16).padStart(8, '0');
}

function badSignerKey(): AuditError {
  return new AuditError('AUDIT_KEY', 'malformed note signer key');
}

function malformed(message: string): AuditError {
  return new AuditError('AUDIT_MALFORMED', message);
}
