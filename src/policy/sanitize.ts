/**
 * `sanitize` (DESIGN §6): the matched argument values are replaced before the call is forwarded.
 * Results are never rewritten.
 */
import type { JsonObject, JsonValue } from '../surface/types.js';
import type { JsonLocation } from './jsonpath.js';

/** What a redacted value becomes. */
export const REDACTED = '[REDACTED by holdfast]';

/** A trie of locations; `isRedacted` marks a location to replace. */
interface RedactionNode {
  isRedacted: boolean;
  readonly children: Map<string | number, RedactionNode>;
}

function createNode(): RedactionNode {
  return { isRedacted: false, children: new Map() };
}

const UNTOUCHED: RedactionNode = { isRedacted: false, children: new Map() };

function copyWithout(value: JsonValue, node: RedactionNode): JsonValue {
  if (node.isRedacted) return REDACTED;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map((element, i) => copyWithout(element, node.children.get(i) ?? UNTOUCHED));
  }
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const element = value[key] as JsonValue;
    // defineProperty, not assignment: a member named `__proto__` must stay a member.
    Object.defineProperty(out, key, {
      value: copyWithout(element, node.children.get(key) ?? UNTOUCHED),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * A deep copy of `args` with the value at each location replaced by {@link REDACTED}. Locations
 * that do not exist are ignored; a location inside a redacted value changes nothing more; the
 * empty location redacts the whole value. Never mutates `args`.
 */
export function applyRedactions(args: JsonValue, locations: readonly JsonLocation[]): JsonValue {
  const root = createNode();
  for (const location of locations) {
    let node = root;
    for (const key of location) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = createNode();
        node.children.set(key, child);
      }
      node = child;
    }
    node.isRedacted = true;
  }
  return copyWithout(args, root);
}
