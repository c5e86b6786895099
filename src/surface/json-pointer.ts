/** Escapes one reference token of a JSON Pointer (RFC 6901 §3): `~` → `~0`, `/` → `~1`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
