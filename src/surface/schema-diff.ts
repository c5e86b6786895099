/**
 * Labelled differences between two JSON Schemas (a tool's `inputSchema` or `outputSchema`),
 * per property path, for reviewers (DESIGN §1 "What changes", §5).
 *
 * Input is attacker-controlled but already strictly parsed with bounded depth (types.ts), so
 * recursion depth is bounded; set comparisons use keyed lookups, never pairwise scans.
 */
import { isJsonObject } from './snapshot.js';
import type { JsonObject, JsonValue } from './types.js';

/** What changed in a schema at one path. */
export type SchemaChangeKind =
  | 'field-added'
  | 'field-removed'
  | 'type-changed'
  | 'type-widened'
  | 'required-dropped'
  | 'required-added'
  | 'enum-widened'
  | 'enum-narrowed'
  | 'description-changed'
  | 'additionalProperties-opened'
  | 'field-changed';

/** One labelled schema change. `path` names the property, e.g. `inputSchema.address.street`. */
export interface SchemaChange {
  readonly kind: SchemaChangeKind;
  readonly path: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  /** On `field-added`: the name looks built to carry data out (`callback_url`, `sidenote`…). */
  readonly suspiciousName?: boolean;
}

/** Deep equality of JSON values; object key order is ignored, array order is not. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** An unambiguous string for a JSON value, equal exactly when {@link jsonEqual} is; never hashed. */
export function toJsonKey(value: JsonValue): string {
  if (value === null) return 'n';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return `#${String(value)};`;
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (Array.isArray(value)) return `[${value.map(toJsonKey).join('')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `s${k.length}:${k}${toJsonKey(value[k] ?? null)}`).join('')}}`;
}

const SUSPICIOUS_WORDS = new Set([
  'callback',
  'webhook',
  'url',
  'uri',
  'endpoint',
  'sidenote',
  'context',
  'note',
  'notes',
  'token',
  'secret',
  'password',
  'credential',
  'credentials',
  'cookie',
  'session',
  'prompt',
  'instructions',
  'conversation',
  'history',
  'exfil',
  'forward',
  'redirect',
]);
const SUSPICIOUS_JOINED = ['callback', 'webhook', 'sidenote', 'systemprompt', 'apikey', 'exfil'];

/**
 * Whether a parameter name is shaped like an exfiltration channel (argument smuggling, DESIGN §1):
 * a word such as `url`, `token`, `context`, `notes`, or `callback`/`webhook`/`sidenote` anywhere.
 */
export function isSuspiciousName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const joined = words.join('');
  return (
    words.some((w) => SUSPICIOUS_WORDS.has(w)) || SUSPICIOUS_JOINED.some((w) => joined.includes(w))
  );
}

/** `path.name`, or `path["odd name"]` when the name is not a plain identifier. */
export function joinPath(path: string, name: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(name) ? `${path}.${name}` : `${path}[${toQuoted(name)}]`;
}
function toQuoted(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const HANDLED = new Set([
  'type',
  'properties',
  'required',
  'enum',
  'const',
  'description',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
]);

type Out = SchemaChange[];

function push(
  out: Out,
  kind: SchemaChangeKind,
  path: string,
  before?: JsonValue,
  after?: JsonValue,
): void {
  out.push({
    kind,
    path,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  });
}

function toTypeSet(value: JsonValue | undefined): Set<string> | undefined {
  if (typeof value === 'string') return new Set([value]);
  if (Array.isArray(value))
    return new Set(value.map((v) => (typeof v === 'string' ? v : toJsonKey(v))));
  return undefined;
}
function covers(wide: Set<string>, type: string): boolean {
  return wide.has(type) || (type === 'integer' && wide.has('number'));
}

function diffType(b: JsonObject, a: JsonObject, path: string, out: Out): void {
  const before = toTypeSet(b['type']);
  const after = toTypeSet(a['type']);
  if (before === undefined || after === undefined) {
    if (jsonEqual(b['type'], a['type'])) return;
    push(
      out,
      a['type'] === undefined ? 'type-widened' : 'type-changed',
      path,
      b['type'],
      a['type'],
    );
    return;
  }
  const widens = [...before].every((t) => covers(after, t));
  const narrows = [...after].every((t) => covers(before, t));
  if (widens && narrows) return;
  push(out, widens ? 'type-widened' : 'type-changed', path, b['type'], a['type']);
}

function diffAlternatives(key: string, b: JsonObject, a: JsonObject, path: string, out: Out): void {
  const before = b[key];
  const after = a[key];
  if (jsonEqual(before, after)) return;
  const afterKeys = new Set(Array.isArray(after) ? after.map(toJsonKey) : []);
  const widens =
    after === undefined ||
    (Array.isArray(before) &&
      Array.isArray(after) &&
      before.every((v) => afterKeys.has(toJsonKey(v))));
  push(out, widens ? 'type-widened' : 'type-changed', path, before, after);
}

function toEnum(schema: JsonObject): JsonValue[] | undefined {
  const values = schema['enum'];
  if (Array.isArray(values)) return values;
  const constant = schema['const'];
  return constant === undefined ? undefined : [constant];
}

function diffEnum(b: JsonObject, a: JsonObject, path: string, out: Out): void {
  const before = toEnum(b);
  const after = toEnum(a);
  if (before === undefined || after === undefined) {
    if (before !== after)
      push(out, before === undefined ? 'enum-narrowed' : 'enum-widened', path, before, after);
    return;
  }
  const beforeKeys = new Set(before.map(toJsonKey));
  const afterKeys = new Set(after.map(toJsonKey));
  const added = after.filter((v) => !beforeKeys.has(toJsonKey(v)));
  const removed = before.filter((v) => !afterKeys.has(toJsonKey(v)));
  if (added.length > 0) push(out, 'enum-widened', path, before, after);
  if (removed.length > 0) push(out, 'enum-narrowed', path, before, after);
}

function toRequired(schema: JsonObject): Set<string> {
  const required = schema['required'];
  return new Set(Array.isArray(required) ? required.filter((r) => typeof r === 'string') : []);
}
function toProperties(schema: JsonObject): JsonObject {
  const properties = schema['properties'];
  return isJsonObject(properties) ? properties : {};
}

function diffProperties(b: JsonObject, a: JsonObject, path: string, out: Out): void {
  const before = toProperties(b);
  const after = toProperties(a);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const name of names) {
    const p = joinPath(path, name);
    const x = Object.hasOwn(before, name) ? before[name] : undefined;
    const y = Object.hasOwn(after, name) ? after[name] : undefined;
    if (x === undefined && y !== undefined) {
      out.push({ kind: 'field-added', path: p, after: y, suspiciousName: isSuspiciousName(name) });
    } else if (y === undefined && x !== undefined) {
      push(out, 'field-removed', p, x);
    } else if (x !== undefined && y !== undefined) {
      diffNode(x, y, p, out);
    }
  }
  const rawBefore = b['properties'];
  const rawAfter = a['properties'];
  const isMalformed = (v: JsonValue | undefined): boolean => v !== undefined && !isJsonObject(v);
  if ((isMalformed(rawBefore) || isMalformed(rawAfter)) && !jsonEqual(rawBefore, rawAfter)) {
    push(out, 'field-changed', `${path}.properties`, rawBefore, rawAfter);
  }
  const requiredBefore = toRequired(b);
  const requiredAfter = toRequired(a);
  for (const name of requiredBefore) {
    if (!requiredAfter.has(name) && Object.hasOwn(after, name)) {
      push(out, 'required-dropped', joinPath(path, name));
    }
  }
  for (const name of requiredAfter) {
    if (!requiredBefore.has(name)) push(out, 'required-added', joinPath(path, name));
  }
}

function diffAdditional(b: JsonObject, a: JsonObject, path: string, out: Out): void {
  const before = b['additionalProperties'];
  const after = a['additionalProperties'];
  if (jsonEqual(before, after)) return;
  const opened =
    (before === false && after !== false) ||
    (isJsonObject(before) && (after === undefined || after === true));
  push(out, opened ? 'additionalProperties-opened' : 'field-changed', path, before, after);
}

function diffNode(b: JsonValue, a: JsonValue, path: string, out: Out): void {
  if (jsonEqual(b, a)) return;
  if (!isJsonObject(b) || !isJsonObject(a)) {
    push(out, a === true ? 'type-widened' : 'type-changed', path, b, a);
    return;
  }
  diffType(b, a, path, out);
  diffAlternatives('anyOf', b, a, path, out);
  diffAlternatives('oneOf', b, a, path, out);
  diffEnum(b, a, path, out);
  if (!jsonEqual(b['description'], a['description'])) {
    push(out, 'description-changed', path, b['description'], a['description']);
  }
  diffProperties(b, a, path, out);
  diffAdditional(b, a, path, out);
  const itemsBefore = b['items'];
  const itemsAfter = a['items'];
  if (itemsBefore !== undefined && itemsAfter !== undefined) {
    diffNode(itemsBefore, itemsAfter, `${path}[]`, out);
  } else if (itemsBefore !== undefined) {
    push(out, 'type-widened', `${path}[]`, itemsBefore);
  } else if (itemsAfter !== undefined) {
    push(out, 'type-changed', `${path}[]`, undefined, itemsAfter);
  }
  const others = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => !HANDLED.has(k),
  );
  for (const key of others) {
    if (!jsonEqual(b[key], a[key])) push(out, 'field-changed', joinPath(path, key), b[key], a[key]);
  }
}

/**
 * Labelled changes from schema `before` to schema `after`, with paths rooted at `root`
 * (e.g. `inputSchema`). A missing schema is treated as the empty schema `{}`.
 */
export function diffSchemas(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  root: string,
): SchemaChange[] {
  const out: Out = [];
  diffNode(before ?? {}, after ?? {}, root, out);
  return out;
}
