import { ConfigError } from '../../shared/errors.js';

/** Joins a member name and an item name on an aggregated endpoint (DESIGN §11). */
export const NAMESPACE_SEPARATOR = '__';

/** A tool or prompt name split back into the member that serves it and the name it knows. */
export interface NamespacedName {
  member: string;
  name: string;
}

/**
 * Refuses a member name that would make namespaced names ambiguous. Splitting happens at the first
 * `__`, so a name must not contain one, and must not end in `_` either: members `a` and `a_` would
 * both claim `a___x`.
 */
export function verifyMemberName(member: string): void {
  if (member.length === 0 || member.includes(NAMESPACE_SEPARATOR) || member.endsWith('_')) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'an aggregated server name must be non-empty, contain no "__" and not end with "_"',
      [{ path: 'servers', message: 'server name unusable as a namespace' }],
    );
  }
}

/** The name the client sees for `name` of `member`: only the name is rewritten, never the item. */
export function toNamespacedName(member: string, name: string): string {
  return `${member}${NAMESPACE_SEPARATOR}${name}`;
}

/**
 * Splits a namespaced name at the first `__`. Undefined when there is no separator or either side
 * is empty: such a name cannot belong to any member.
 */
export function parseNamespacedName(namespaced: string): NamespacedName | undefined {
  const at = namespaced.indexOf(NAMESPACE_SEPARATOR);
  if (at <= 0) return undefined;
  const name = namespaced.slice(at + NAMESPACE_SEPARATOR.length);
  if (name.length === 0) return undefined;
  return { member: namespaced.slice(0, at), name };
}
