import { randomBytes } from 'node:crypto';

/** A random identifier with the given prefix, 96 bits of entropy, URL-safe. */
export function createId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
