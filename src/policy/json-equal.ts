/**
 * JSON equality: the same as comparing RFC 8785 canonical forms (objects compared as unordered
 * member sets, arrays in order, numbers by value so `1`, `1.0` and `-0`/`0` agree), without
 * serialising either side. Own properties only, so `__proto__` members compare like any other.
 */
import type { JsonValue } from '../surface/types.js';

/** Deepest nesting compared; deeper values are treated as unequal (never thrown on). */
const MAX_EQUAL_DEPTH = 256;

function isEqualAt(a: JsonValue, b: JsonValue, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth >= MAX_EQUAL_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!isEqualAt(a[i] as JsonValue, b[i] as JsonValue, depth + 1)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!isEqualAt(a[key] as JsonValue, b[key] as JsonValue, depth + 1)) return false;
  }
  return true;
}

/** Whether two JSON values have the same canonical form (RFC 8785). */
export function isJsonEqual(a: JsonValue, b: JsonValue): boolean {
  return isEqualAt(a, b, 0);
}
