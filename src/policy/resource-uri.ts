/**
 * The form of a resource URI that `match.resource` globs are tested against.
 *
 * A server reading `file:///public/../etc/passwd` reads /etc/passwd, so a glob must see that path,
 * not the text the agent wrote. The key is computed as:
 * 1. percent-encoded `.`, `/` and `\` are decoded (twice, for `%252e`), so `..%2f` cannot hide a
 *    dot segment;
 * 2. the URI is parsed with the WHATWG URL parser, which removes `.` and `..` segments (also the
 *    `%2e%2e` spellings), treats `\` as `/` for special schemes and lowercases scheme and host;
 * 3. the result is percent-decoded once more, so globs are written with plain characters
 *    (`file:///my docs/*`). A URI the parser refuses is used as decoded in step 1.
 * Glob matching uses the `uri` flavour: `*` stops at `/`, `**` crosses it.
 */
import { percentDecode } from './scan-text.js';

const STRUCTURAL_ESCAPE = /%(?:2e|2f|5c|25(?=2e|2f|5c))/gi;

function decodeStructural(uri: string): string {
  let out = uri;
  for (let round = 0; round < 2; round++) {
    const next = out.replace(STRUCTURAL_ESCAPE, (m) => percentDecode(m));
    if (next === out) break;
    out = next;
  }
  return out;
}

/** The normalised key of a resource URI (see the file comment). */
export function toResourceKey(uri: string): string {
  const decoded = decodeStructural(uri);
  let href: string;
  try {
    href = new URL(decoded).href;
  } catch {
    return decoded;
  }
  return percentDecode(href);
}
