/**
 * Surface digests (DESIGN §4, spec in docs/surface-digest.md).
 *
 * Every digest is `sha256:` + hex(SHA-256(RFC 8785 canonical UTF-8 bytes)). A surface digest
 * commits to the per-item digests, not to the items, so a diff can name the item that changed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { SurfaceError } from '../shared/errors.js';
import { canonicalize } from './jcs.js';
import { setOwn } from './snapshot.js';
import type { Digest, JsonObject, JsonValue, Section, Surface, SurfaceDigests } from './types.js';
import { SECTION_KEY, SECTIONS } from './types.js';

/** Version of the surface digest object (docs/surface-digest.md §5). */
export const SURFACE_DIGEST_VERSION = 1;

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** `sha256:` + lowercase hex SHA-256 of the RFC 8785 canonical bytes of `value`. */
export function sha256Digest(value: JsonValue): Digest {
  // canonicalize() rejects lone surrogates, so UTF-8 encoding here is exact and lossless.
  return `sha256:${createHash('sha256').update(canonicalize(value), 'utf8').digest('hex')}`;
}

/** Constant-time comparison of two digest strings; false when their lengths differ. */
export function digestEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** Whether `s` is a well-formed digest: `sha256:` and 64 lowercase hex digits. */
export function isDigest(s: unknown): s is Digest {
  return typeof s === 'string' && DIGEST_PATTERN.test(s);
}

function digestSection(
  section: Section,
  items: Record<string, JsonObject>,
): Record<string, Digest> {
  const keyField = SECTION_KEY[section];
  const digests: Record<string, Digest> = {};
  for (const [key, item] of Object.entries(items)) {
    // An item is filed under its own name/uri/uriTemplate; anything else is a bug or a trick.
    if (item[keyField] !== key) {
      throw new SurfaceError(
        'SURFACE_MALFORMED',
        `${section} item is not keyed by its ${keyField}`,
        {
          details: { section, keyField },
        },
      );
    }
    setOwn(digests, key, sha256Digest(item));
  }
  return digests;
}

/**
 * Digests every item of `surface` and the surface as a whole (docs/surface-digest.md §5):
 * the surface digest is `sha256Digest({ version: 1, server, launch, tools, prompts, resources,
 * resourceTemplates })` where each section maps item keys to item digests.
 * `previous` (an earlier surface and its digests) lets unchanged parts skip re-hashing.
 * @throws SurfaceError `SURFACE_MALFORMED` if an item is not filed under its own key field or
 *   holds a value JCS cannot canonicalize.
 */
export function computeSurfaceDigests(
  surface: Surface,
  previous?: { surface: Surface; digests: SurfaceDigests },
): SurfaceDigests {
  // A part that is the very same (never mutated) object as in `previous` keeps its digests, so
  // re-listing one section does not re-hash every other one.
  const same = (part: keyof Surface): boolean => previous?.surface[part] === surface[part];
  const server =
    previous && same('server') ? previous.digests.server : sha256Digest(surface.server);
  const launch =
    previous && same('launch') ? previous.digests.launch : sha256Digest(surface.launch);
  const sections = {} as Record<Section, Record<string, Digest>>;
  for (const section of SECTIONS) {
    sections[section] =
      previous && same(section)
        ? previous.digests[section]
        : digestSection(section, surface[section]);
  }
  const commitment: JsonObject = { version: SURFACE_DIGEST_VERSION, server, launch, ...sections };
  return { surface: sha256Digest(commitment), server, launch, ...sections };
}

/**
 * Digest of a client profile: what one client negotiated with the server
 * (docs/surface-digest.md §6). `sha256Digest({ protocolVersion, capabilities })`.
 */
export function profileDigest(protocolVersion: string, clientCapabilities: JsonObject): Digest {
  return sha256Digest({ protocolVersion, capabilities: clientCapabilities });
}
