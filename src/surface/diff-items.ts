/**
 * Field-by-field comparison of one item (tool, prompt, resource, template), of the server's
 * initialize result, and of launch provenance, into labelled changes (DESIGN §5).
 */
import type { ChangeKind, Collector } from './change.js';
import { toShown, unionKeys } from './change.js';
import type { SchemaChange } from './schema-diff.js';
import { diffSchemas, isSuspiciousName, joinPath, jsonEqual } from './schema-diff.js';
import { isJsonObject } from './snapshot.js';
import type { JsonObject, JsonValue, Section } from './types.js';
import { SECTION_KEY } from './types.js';
import { toVisible } from './visible.js';

const DOWNGRADES: Readonly<
  Record<string, [(b: JsonValue | undefined, a: JsonValue | undefined) => boolean, string]>
> = {
  readOnlyHint: [(b, a) => b === true && a !== true, 'it may now modify its environment'],
  destructiveHint: [(b, a) => b !== true && a === true, 'it may now perform destructive updates'],
  idempotentHint: [(b, a) => b === true && a !== true, 'repeated calls may now have more effect'],
  openWorldHint: [(b, a) => b === false && a !== false, 'it may now reach external entities'],
};
function toShownType(value: JsonValue | undefined): string {
  if (value === undefined) return 'any';
  if (typeof value === 'string') return toVisible(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return toVisible(value.join('|'));
  return toShown(value);
}

function toSchemaDetail(change: SchemaChange): string {
  const { kind, path, before, after } = change;
  const shownPath = toVisible(path);
  const what = path.startsWith('outputSchema') ? 'output field' : 'parameter';
  switch (kind) {
    case 'field-added':
      return `${what} ${shownPath} was added${change.suspiciousName === true ? ' (exfiltration-shaped name)' : ''}`;
    case 'field-removed':
      return `${what} ${shownPath} was removed`;
    case 'type-changed':
      return `type of ${shownPath} changed from ${toShownType(before)} to ${toShownType(after)}`;
    case 'type-widened':
      return `type of ${shownPath} widened from ${toShownType(before)} to ${toShownType(after)}`;
    case 'required-dropped':
      return `${shownPath} is no longer required`;
    case 'required-added':
      return `${shownPath} is now required`;
    case 'enum-widened':
      return `${shownPath} accepts more values (${toShown(before)} → ${toShown(after)})`;
    case 'enum-narrowed':
      return `${shownPath} accepts fewer values (${toShown(before)} → ${toShown(after)})`;
    case 'description-changed':
      return `description of ${shownPath} changed`;
    case 'additionalProperties-opened':
      return `${shownPath} now accepts undeclared properties (additionalProperties opened)`;
    case 'field-changed':
      return `${shownPath} changed from ${toShown(before)} to ${toShown(after)}`;
  }
}

function diffSchemaField(
  c: Collector,
  field: string,
  b: JsonValue | undefined,
  a: JsonValue | undefined,
): void {
  if (b === undefined || a === undefined) {
    c.add(
      { kind: 'field-changed', path: field, before: b, after: a },
      `${field} was ${b === undefined ? 'added' : 'removed'}`,
    );
    return;
  }
  for (const change of diffSchemas(b, a, field)) c.add(change, toSchemaDetail(change));
}

function diffAnnotations(c: Collector, b: JsonValue | undefined, a: JsonValue | undefined): void {
  if ((b !== undefined && !isJsonObject(b)) || (a !== undefined && !isJsonObject(a))) {
    c.add(
      { kind: 'field-changed', path: 'annotations', before: b, after: a },
      'annotations changed',
    );
    return;
  }
  const before: JsonObject = b ?? {};
  const after: JsonObject = a ?? {};
  for (const hint of unionKeys(before, after)) {
    const x = before[hint];
    const y = after[hint];
    if (jsonEqual(x, y)) continue;
    const path = `annotations.${hint}`;
    const rule = Object.hasOwn(DOWNGRADES, hint) ? DOWNGRADES[hint] : undefined;
    const detail = `${toVisible(path)} went from ${toShown(x)} to ${toShown(y)}`;
    if (rule?.[0](x, y) === true) {
      c.add({ kind: 'annotation-downgrade', path, before: x, after: y }, `${detail}: ${rule[1]}`);
    } else {
      c.add({ kind: 'annotation-changed', path, before: x, after: y }, detail);
    }
  }
}

function toArgumentMap(value: JsonValue | undefined): Map<string, JsonObject> {
  const map = new Map<string, JsonObject>();
  for (const arg of Array.isArray(value) ? value : []) {
    const name = isJsonObject(arg) ? arg['name'] : undefined;
    if (isJsonObject(arg) && typeof name === 'string' && !map.has(name)) map.set(name, arg);
  }
  return map;
}

function diffArguments(c: Collector, b: JsonValue | undefined, a: JsonValue | undefined): void {
  if ((b !== undefined && !Array.isArray(b)) || (a !== undefined && !Array.isArray(a))) {
    c.add({ kind: 'field-changed', path: 'arguments', before: b, after: a }, 'arguments changed');
    return;
  }
  const before = toArgumentMap(b);
  const after = toArgumentMap(a);
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(name);
    const y = after.get(name);
    const path = joinPath('arguments', name);
    const shown = toVisible(path);
    if (x === undefined || y === undefined) {
      const added = x === undefined;
      const suspicious = added ? { suspiciousName: isSuspiciousName(name) } : {};
      const detail = added
        ? `argument ${shown} was added${suspicious.suspiciousName === true ? ' (exfiltration-shaped name)' : ''}`
        : `argument ${shown} was removed`;
      c.add(
        {
          kind: added ? 'argument-added' : 'argument-removed',
          path,
          before: x,
          after: y,
          ...suspicious,
        },
        detail,
      );
      continue;
    }
    if (!jsonEqual(x['description'], y['description'])) {
      c.add(
        { kind: 'description-changed', path, before: x['description'], after: y['description'] },
        `description of ${shown} changed`,
      );
    }
    const wasRequired = x['required'] === true;
    const isRequired = y['required'] === true;
    if (wasRequired !== isRequired) {
      c.add(
        {
          kind: isRequired ? 'required-added' : 'required-dropped',
          path,
          before: x['required'],
          after: y['required'],
        },
        `${shown} is ${isRequired ? 'now' : 'no longer'} required`,
      );
    }
    const rest = unionKeys(x, y).filter(
      (k) => k !== 'description' && k !== 'required' && !jsonEqual(x[k], y[k]),
    );
    if (rest.length > 0)
      c.add(
        { kind: 'argument-changed', path, before: x, after: y },
        `argument ${shown} changed (${rest.map(toVisible).join(', ')})`,
      );
  }
}

/** Changes between two versions of one item; a rename pair skips the key field. */
export function diffItem(
  c: Collector,
  section: Section,
  b: JsonObject,
  a: JsonObject,
  isRename: boolean,
): void {
  for (const field of unionKeys(b, a)) {
    const x = b[field];
    const y = a[field];
    if ((isRename && field === SECTION_KEY[section]) || jsonEqual(x, y)) continue;
    if (field === 'title') {
      c.add(
        { kind: 'title-changed', path: field, before: x, after: y },
        `title changed from ${toShown(x)} to ${toShown(y)}`,
      );
    } else if (field === 'description') {
      c.add(
        { kind: 'description-changed', path: field, before: x, after: y },
        'description changed',
      );
    } else if (section === 'tools' && (field === 'inputSchema' || field === 'outputSchema')) {
      diffSchemaField(c, field, x, y);
    } else if (section === 'tools' && field === 'annotations') {
      diffAnnotations(c, x, y);
    } else if (section === 'prompts' && field === 'arguments') {
      diffArguments(c, x, y);
    } else {
      c.add(
        { kind: 'field-changed', path: field, before: x, after: y },
        `${toVisible(field)} changed from ${toShown(x)} to ${toShown(y)}`,
      );
    }
  }
}

const SERVER_KINDS: Readonly<Record<string, ChangeKind>> = {
  serverInfo: 'server-info-changed',
  capabilities: 'capabilities-changed',
};

/** Changes to the initialize result: instructions, serverInfo, capabilities. */
export function diffServer(c: Collector, b: JsonObject, a: JsonObject): void {
  for (const field of unionKeys(b, a)) {
    const x = b[field];
    const y = a[field];
    if (jsonEqual(x, y)) continue;
    const kind = Object.hasOwn(SERVER_KINDS, field) ? SERVER_KINDS[field] : undefined;
    if (field === 'instructions') {
      const how = x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
      c.add(
        { kind: 'instructions-changed', path: field, before: x, after: y },
        `instructions ${how}`,
      );
    } else if (kind !== undefined && isJsonObject(x) && isJsonObject(y)) {
      for (const sub of unionKeys(x, y)) {
        if (jsonEqual(x[sub], y[sub])) continue;
        const path = joinPath(field, sub);
        c.add(
          { kind, path, before: x[sub], after: y[sub] },
          `${toVisible(path)} changed from ${toShown(x[sub])} to ${toShown(y[sub])}`,
        );
      }
    } else {
      c.add(
        { kind: kind ?? 'field-changed', path: field, before: x, after: y },
        `${toVisible(field)} changed from ${toShown(x)} to ${toShown(y)}`,
      );
    }
  }
}

/** Changes to launch provenance. */
export function diffLaunch(c: Collector, b: JsonObject, a: JsonObject): void {
  for (const field of unionKeys(b, a)) {
    const x = b[field];
    const y = a[field];
    if (jsonEqual(x, y)) continue;
    c.add(
      { kind: 'launch-changed', path: field, before: x, after: y },
      `${toVisible(field)} changed from ${toShown(x)} to ${toShown(y)}`,
    );
  }
}
