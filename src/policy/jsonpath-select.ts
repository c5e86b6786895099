/**
 * Node selection for parsed JSONPath queries (RFC 9535 §2.3–§2.5, the subset in jsonpath.ts).
 *
 * One walk (`walk`), over nodes with locations or over bare values:
 * - `selectNodes` returns nodes with their locations (for `sanitize` and `policy test`);
 * - `isAnySelected` only asks whether some selected value passes a test, without building
 *   locations (the evaluator's hot path; a singular query is a direct lookup).
 * Every node a walk touches counts against its budget; past it the answer is `too-large`
 * (`undefined` for `isAnySelected`), never a partial result.
 */
import type { JsonValue } from '../surface/types.js';
import type { JsonNode, JsonPath, JsonPathSelector, NodeSelection } from './jsonpath.js';

/** Visit budget of a selection when none is given. */
export const DEFAULT_MAX_SELECT_VISITS = 100_000;

/** A node during selection; locations are a parent chain, materialised only for results. */
interface Visit {
  readonly value: JsonValue;
  readonly parent: Visit | null;
  readonly key: string | number;
}

function toLocation(visit: Visit): (string | number)[] {
  const location: (string | number)[] = [];
  for (let v = visit; v.parent !== null; v = v.parent) location.push(v.key);
  return location.reverse();
}

/**
 * Appends the children of `value` that `selector` selects to `values`, in order, and their member
 * names or indices to `keys` when given.
 */
function pushSelected(
  selector: JsonPathSelector,
  value: JsonValue,
  values: JsonValue[],
  keys?: (string | number)[],
): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (selector.kind === 'wildcard') {
      for (let i = 0; i < value.length; i++) {
        values.push(value[i] as JsonValue);
        keys?.push(i);
      }
    } else if (selector.kind === 'index') {
      const i = selector.index < 0 ? value.length + selector.index : selector.index;
      const child = value[i];
      if (child !== undefined) {
        values.push(child);
        keys?.push(i);
      }
    }
    return;
  }
  if (selector.kind === 'wildcard') {
    for (const key of Object.keys(value)) {
      values.push(value[key] as JsonValue);
      keys?.push(key);
    }
  } else if (selector.kind === 'name' && Object.hasOwn(value, selector.name)) {
    values.push(value[selector.name] as JsonValue);
    keys?.push(selector.name);
  }
}

const WILDCARD: JsonPathSelector = { kind: 'wildcard' };

/**
 * The nodes `path` selects from `root`, or undefined past `maxVisits`. `children` lists the
 * children of a node that a selector selects, in order; both walks share this loop, so their
 * order and visit counting are the same.
 */
function walk<N>(
  path: JsonPath,
  root: N,
  maxVisits: number,
  children: (selector: JsonPathSelector, node: N) => N[],
): N[] | undefined {
  let current: N[] = [root];
  let visits = 1;
  for (const segment of path.segments) {
    const next: N[] = [];
    for (const input of current) {
      if (!segment.isDescendant) {
        // A loop, not push(...): a wide array would overflow the argument limit.
        for (const selected of children(segment.selector, input)) next.push(selected);
        continue;
      }
      // Pre-order walk of `input` and its descendants (RFC 9535 §2.5.2.2), explicit stack.
      const stack: N[] = [input];
      for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
        for (const selected of children(segment.selector, node)) next.push(selected);
        const below = children(WILDCARD, node);
        visits += below.length;
        if (visits > maxVisits) return undefined;
        for (const child of below.reverse()) stack.push(child);
      }
    }
    visits += next.length;
    if (visits > maxVisits) return undefined;
    current = next;
  }
  return current;
}

/** Selected nodes with parent links (for locations), or undefined past `maxVisits`. */
function walkVisits(path: JsonPath, root: JsonValue, maxVisits: number): Visit[] | undefined {
  const rootVisit: Visit = { value: root, parent: null, key: '$' };
  return walk(path, rootVisit, maxVisits, (selector, parent) => {
    const values: JsonValue[] = [];
    const keys: (string | number)[] = [];
    pushSelected(selector, parent.value, values, keys);
    return keys.map((key, i) => ({ value: values[i] as JsonValue, parent, key }));
  });
}

/** Selected values only (no locations), or undefined past `maxVisits`. */
function walkValues(path: JsonPath, root: JsonValue, maxVisits: number): JsonValue[] | undefined {
  return walk(path, root, maxVisits, (selector, node) => {
    const values: JsonValue[] = [];
    pushSelected(selector, node, values);
    return values;
  });
}

/**
 * Selects the nodes `path` designates in `root`, in RFC 9535 order (a descendant segment visits
 * each node before its descendants, array elements in order), with their locations.
 */
export function selectNodes(
  path: JsonPath,
  root: JsonValue,
  maxVisits: number = DEFAULT_MAX_SELECT_VISITS,
): NodeSelection {
  const visits = walkVisits(path, root, maxVisits);
  if (visits === undefined) return { kind: 'too-large' };
  const nodes: JsonNode[] = visits.map((v) => ({ value: v.value, location: toLocation(v) }));
  return { kind: 'nodes', nodes };
}

/** The value a singular query selects: a direct lookup. */
function selectSingular(path: JsonPath, root: JsonValue): JsonValue | undefined {
  let value: JsonValue | undefined = root;
  for (const { selector } of path.segments) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      if (selector.kind !== 'index') return undefined;
      value = value[selector.index < 0 ? value.length + selector.index : selector.index];
    } else {
      if (selector.kind !== 'name' || !Object.hasOwn(value, selector.name)) return undefined;
      value = value[selector.name];
    }
  }
  return value;
}

/**
 * Whether some value `path` selects in `root` passes `test`; undefined past `maxVisits` (the same
 * budget and counting as {@link selectNodes}).
 */
export function isAnySelected(
  path: JsonPath,
  root: JsonValue,
  test: (value: JsonValue) => boolean,
  maxVisits: number = DEFAULT_MAX_SELECT_VISITS,
): boolean | undefined {
  if (path.isSingular) {
    const value = selectSingular(path, root);
    return value !== undefined && test(value);
  }
  return walkValues(path, root, maxVisits)?.some(test);
}
