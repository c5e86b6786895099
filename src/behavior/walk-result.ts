/**
 * One bounded walk over a `tools/call` result (attacker-controlled): collects the text a model
 * would read, the content types, and the `structuredContent` shape. Iterative (an explicit stack),
 * every node visited once; past any limit it stops and says which limit, so the caller can report
 * the result as too large to check instead of passing it.
 */
import { escapePointerToken } from '../surface/json-pointer.js';
import { isJsonObject } from '../surface/snapshot.js';
import type { JsonObject, JsonValue } from '../surface/types.js';
import { toSafeText } from './safe-text.js';

/** Limits of one walk (from the settings). */
export interface WalkLimits {
  maxTextChars: number;
  maxNodes: number;
  maxDepth: number;
}

/** What the walk found. */
export interface ResultWalk {
  /** Model-readable text, in order, at most `maxTextChars` characters in all. */
  texts: string[];
  /** Distinct content item types; `?` for an item without a string type, `!content` when `content` is not an array. */
  contentTypes: string[];
  /** Distinct `structuredContent` entries `<type> <path>` (see profile.ts); empty without it. */
  paths: string[];
  /** The limit that cut the walk short, if any. */
  overLimit: 'text' | 'nodes' | 'depth' | undefined;
}

/** Paths longer than this stop growing (their descendants share the cut path). */
const MAX_PATH_CHARS = 256;
const KNOWN_TYPES = new Set(['text', 'image', 'audio', 'resource', 'resource_link']);

const TYPES = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const;
type JsonType = (typeof TYPES)[number];
const TYPE_BITS: Readonly<Record<JsonType, number>> = {
  null: 1,
  boolean: 2,
  number: 4,
  string: 8,
  array: 16,
  object: 32,
};

function typeOf(value: JsonValue): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'boolean' || type === 'number' || type === 'string' ? type : 'object';
}

function childPath(parent: string, segment: string): string {
  if (parent.length >= MAX_PATH_CHARS) return parent;
  const path = `${parent}/${escapePointerToken(segment)}`;
  return path.length > MAX_PATH_CHARS ? path.slice(0, MAX_PATH_CHARS) : path;
}

/** Walks `result` within `limits`. */
export function walkResult(result: JsonObject, limits: WalkLimits): ResultWalk {
  const texts: string[] = [];
  const contentTypes = new Set<string>();
  const paths: string[] = [];
  let overLimit: ResultWalk['overLimit'];
  let chars = 0;
  let nodes = 0;

  const addText = (value: JsonValue | undefined): void => {
    if (typeof value !== 'string' || value === '' || overLimit === 'text') return;
    const room = limits.maxTextChars - chars;
    if (value.length > room) {
      if (room > 0) texts.push(value.slice(0, room));
      chars = limits.maxTextChars;
      overLimit = 'text';
      return;
    }
    texts.push(value);
    chars += value.length;
  };

  const content = result['content'];
  if (Array.isArray(content)) {
    for (const item of content) {
      if (++nodes > limits.maxNodes) {
        overLimit ??= 'nodes';
        break;
      }
      if (!isJsonObject(item)) {
        contentTypes.add('?');
        continue;
      }
      const type = item['type'];
      contentTypes.add(
        typeof type !== 'string' || type === ''
          ? '?'
          : KNOWN_TYPES.has(type)
            ? type
            : toSafeText(type, 64),
      );
      // Whatever an item's type, a string `text` is something a client may show the model.
      addText(item['text']);
      if (type === 'resource') {
        const resource = item['resource'];
        if (isJsonObject(resource)) {
          addText(resource['uri']);
          addText(resource['text']);
        }
      } else if (type === 'resource_link') {
        addText(item['uri']);
        addText(item['name']);
        addText(item['title']);
        addText(item['description']);
      }
    }
  } else {
    contentTypes.add('!content');
  }

  const structured = result['structuredContent'];
  if (structured !== undefined && overLimit !== 'nodes') {
    // Types seen per path, as bits. Child paths are memoised per parent and key, so elements of
    // an array share one path string (hashed once) and each distinct key is read as text once.
    const typesByPath = new Map<string, number>();
    const children = new Map<string, Map<string, string>>();
    const childOf = (parent: string, key: string, isKey: boolean): string => {
      let byKey = children.get(parent);
      if (byKey === undefined) {
        byKey = new Map();
        children.set(parent, byKey);
      }
      let child = byKey.get(key);
      if (child === undefined) {
        child = childPath(parent, key);
        byKey.set(key, child);
        if (isKey) addText(key);
      }
      return child;
    };
    const values: JsonValue[] = [structured];
    const pathStack: string[] = ['$'];
    const depths: number[] = [1];
    for (let value = values.pop(); value !== undefined; value = values.pop()) {
      const path = pathStack.pop() ?? '$';
      const depth = depths.pop() ?? 1;
      if (++nodes > limits.maxNodes) {
        overLimit ??= 'nodes';
        break;
      }
      const type = typeOf(value);
      typesByPath.set(path, (typesByPath.get(path) ?? 0) | TYPE_BITS[type]);
      if (type === 'string') {
        addText(value);
      } else if (Array.isArray(value)) {
        if (value.length === 0) continue;
        if (depth >= limits.maxDepth) {
          overLimit ??= 'depth';
          continue;
        }
        // Every value pushed is visited later: past the budget now means past it then.
        if (nodes + values.length + value.length > limits.maxNodes) {
          overLimit ??= 'nodes';
          break;
        }
        const itemPath = childOf(path, '[]', false);
        for (const element of value) {
          values.push(element);
          pathStack.push(itemPath);
          depths.push(depth + 1);
        }
      } else if (isJsonObject(value)) {
        const keys = Object.keys(value);
        if (keys.length === 0) continue;
        if (depth >= limits.maxDepth) {
          overLimit ??= 'depth';
          continue;
        }
        if (nodes + values.length + keys.length > limits.maxNodes) {
          overLimit ??= 'nodes';
          break;
        }
        for (const key of keys) {
          values.push(value[key] as JsonValue);
          pathStack.push(childOf(path, key, true));
          depths.push(depth + 1);
        }
      }
    }
    for (const [path, bits] of typesByPath) {
      for (const type of TYPES) if ((bits & TYPE_BITS[type]) !== 0) paths.push(`${type} ${path}`);
    }
  }
  return { texts, contentTypes: [...contentTypes], paths, overLimit };
}
