/**
 * A labelled diff between two surfaces for reviewers (DESIGN §5 "A diff for reviewers"):
 * items added, removed, renamed-looking or modified per section, with description text diffs,
 * schema changes per property path, annotation downgrades, instruction and provenance changes.
 * Object key order never counts as a change (DESIGN §1 benign look-alikes).
 */
import { findRenames } from './rename.js';
import type { SchemaChange, SchemaChangeKind } from './schema-diff.js';
import { diffSchemas, isJsonObject, isSuspiciousName, joinPath, jsonEqual } from './schema-diff.js';
import { diffWords, type TextDiffPart } from './text-diff.js';
import type { JsonObject, JsonValue, Section, Surface } from './types.js';
import { SECTION_KEY, SECTIONS } from './types.js';
import { toVisible } from './visible.js';

/** A part of a surface a change belongs to. */
export type DiffSection = 'server' | 'launch' | Section;

/** What kind of change one {@link SurfaceChange} records. */
export type ChangeKind =
  | SchemaChangeKind
  | 'added'
  | 'removed'
  | 'renamed-looking'
  | 'title-changed'
  | 'annotation-downgrade'
  | 'annotation-changed'
  | 'argument-added'
  | 'argument-removed'
  | 'argument-changed'
  | 'instructions-changed'
  | 'server-info-changed'
  | 'capabilities-changed'
  | 'launch-changed';

/**
 * One labelled change. `key` is the item's name or URI (empty for `server` and `launch`); `path`
 * locates the change inside the item (`description`, `inputSchema.city`, `annotations.readOnlyHint`).
 * `before`/`after` are raw values as received; `label` and `textDiff` are safe to display.
 */
export interface SurfaceChange {
  readonly section: DiffSection;
  readonly key: string;
  readonly kind: ChangeKind;
  readonly path?: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  readonly label: string;
  readonly suspiciousName?: boolean;
  readonly textDiff?: readonly TextDiffPart[];
}

/** Which items of one section were added, removed, renamed-looking or modified. */
export interface SectionSummary {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
  readonly modified: readonly string[];
}

/** The diff of two surfaces; `before` and `after` are kept so a renderer can print schemas. */
export interface SurfaceDiff {
  readonly isEmpty: boolean;
  readonly changes: readonly SurfaceChange[];
  readonly sections: Readonly<Record<Section, SectionSummary>>;
  readonly before: Surface;
  readonly after: Surface;
}

/** How each section names one of its items in labels. */
export const SECTION_NOUN: Readonly<Record<DiffSection, string>> = {
  server: 'server',
  launch: 'launch',
  tools: 'tool',
  prompts: 'prompt',
  resources: 'resource',
  resourceTemplates: 'resource template',
};

const MAX_SHOWN = 80;
const FIELD_ORDER = ['name', 'uri', 'uriTemplate', 'title', 'description'];

const DOWNGRADES: Readonly<
  Record<string, [(b: JsonValue | undefined, a: JsonValue | undefined) => boolean, string]>
> = {
  readOnlyHint: [(b, a) => b === true && a !== true, 'it may now modify its environment'],
  destructiveHint: [(b, a) => b !== true && a === true, 'it may now perform destructive updates'],
  idempotentHint: [(b, a) => b === true && a !== true, 'repeated calls may now have more effect'],
  openWorldHint: [(b, a) => b === false && a !== false, 'it may now reach external entities'],
};

/** A short, display-safe rendering of a value for a label. */
export function toShown(value: JsonValue | undefined): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') {
    const cut = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `"${toVisible(cut)}"`;
  }
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'string')
      ? value.map(toShown).join(', ') || 'an empty list'
      : `a list of ${value.length}`;
  if (isJsonObject(value)) return 'an object';
  return String(value);
}

function toShownType(value: JsonValue | undefined): string {
  if (value === undefined) return 'any';
  if (typeof value === 'string') return toVisible(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return toVisible(value.join('|'));
  return toShown(value);
}

interface Draft {
  kind: ChangeKind;
  path?: string;
  before?: JsonValue | undefined;
  after?: JsonValue | undefined;
  suspiciousName?: boolean;
}

class Collector {
  readonly changes: SurfaceChange[] = [];
  readonly section: DiffSection;
  readonly key: string;

  constructor(section: DiffSection, key: string) {
    this.section = section;
    this.key = key;
  }

  /** `Tool "x"`, or `Server` for a section without items. */
  get subject(): string {
    const noun = SECTION_NOUN[this.section];
    const title = `${noun.charAt(0).toUpperCase()}${noun.slice(1)}`;
    return this.key === '' ? title : `${title} "${toVisible(this.key)}"`;
  }

  add(draft: Draft, detail: string, joiner = ': '): void {
    const { kind, path, before, after, suspiciousName } = draft;
    const isText = kind === 'description-changed' || kind === 'instructions-changed';
    this.changes.push({
      section: this.section,
      key: this.key,
      kind,
      label: `${this.subject}${joiner}${detail}`,
      ...(path === undefined ? {} : { path }),
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
      ...(suspiciousName === undefined ? {} : { suspiciousName }),
      ...(isText && typeof before === 'string' && typeof after === 'string'
        ? { textDiff: diffWords(before, after) }
        : {}),
    });
  }
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

function unionKeys(b: JsonObject, a: JsonObject): string[] {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const rank = (k: string): number =>
    FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length;
  return keys.sort((x, y) => rank(x) - rank(y));
}

function diffItem(
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

function diffServer(c: Collector, b: JsonObject, a: JsonObject): void {
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

function diffLaunch(c: Collector, b: JsonObject, a: JsonObject): void {
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

function diffSection(
  section: Section,
  before: Surface,
  after: Surface,
  out: SurfaceChange[],
): SectionSummary {
  const b = before[section];
  const a = after[section];
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const removedKeys = keys.filter((k) => !Object.hasOwn(a, k));
  const addedKeys = keys.filter((k) => !Object.hasOwn(b, k));
  const renamed = findRenames(section, removedKeys, addedKeys, b, a);
  const renamedFrom = new Set(renamed.map((r) => r.from));
  const renamedTo = new Map(renamed.map((r) => [r.to, r.from]));
  const noun = SECTION_NOUN[section];
  const modified: string[] = [];
  for (const key of keys) {
    const c = new Collector(section, key);
    const x = Object.hasOwn(b, key) ? b[key] : undefined;
    const y = Object.hasOwn(a, key) ? a[key] : undefined;
    const from = renamedTo.get(key);
    if (x !== undefined && y !== undefined) {
      diffItem(c, section, x, y, false);
      if (c.changes.length > 0) modified.push(key);
    } else if (from !== undefined && y !== undefined) {
      c.add(
        { kind: 'renamed-looking', before: from, after: key },
        `looks like a rename of ${noun} "${toVisible(from)}" (that one was removed, this one added)`,
        ' ',
      );
      diffItem(c, section, b[from] ?? {}, y, true);
    } else if (y !== undefined) {
      c.add({ kind: 'added', after: y }, 'was added', ' ');
    } else if (!renamedFrom.has(key)) {
      c.add({ kind: 'removed', before: x }, 'was removed', ' ');
    }
    out.push(...c.changes);
  }
  return {
    added: addedKeys.filter((k) => !renamedTo.has(k)),
    removed: removedKeys.filter((k) => !renamedFrom.has(k)),
    renamed,
    modified,
  };
}

/** The labelled changes from surface `before` to surface `after`. */
export function diffSurfaces(before: Surface, after: Surface): SurfaceDiff {
  const changes: SurfaceChange[] = [];
  const server = new Collector('server', '');
  diffServer(server, before.server, after.server);
  const launch = new Collector('launch', '');
  diffLaunch(launch, before.launch, after.launch);
  changes.push(...server.changes, ...launch.changes);
  const sections = {} as Record<Section, SectionSummary>;
  for (const section of SECTIONS) sections[section] = diffSection(section, before, after, changes);
  return { isEmpty: changes.length === 0, changes, sections, before, after };
}
