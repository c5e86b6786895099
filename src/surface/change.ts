/**
 * The shape of one labelled surface change and the collector that builds them: every label is
 * display-safe (server strings pass through toVisible) and every description or instruction
 * change carries a word diff.
 */
import type { SchemaChangeKind } from './schema-diff.js';
import { isJsonObject } from './snapshot.js';
import { diffWords, type TextDiffPart } from './text-diff.js';
import type { JsonObject, JsonValue, Section } from './types.js';
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
const MAX_LISTED = 8;
const FIELD_ORDER = ['name', 'uri', 'uriTemplate', 'title', 'description'];

/** A short, display-safe rendering of a value for a label. */
export function toShown(value: JsonValue | undefined): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') {
    const cut = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `"${toVisible(cut)}"`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty list';
    if (!value.every((v) => typeof v === 'string')) return `a list of ${value.length}`;
    const shown = value.slice(0, MAX_LISTED).map(toShown).join(', ');
    return value.length > MAX_LISTED ? `${shown}, … (${value.length} in all)` : shown;
  }
  if (isJsonObject(value)) return 'an object';
  return String(value);
}

/** A change before it is labelled. */
export interface Draft {
  kind: ChangeKind;
  path?: string;
  before?: JsonValue | undefined;
  after?: JsonValue | undefined;
  suspiciousName?: boolean;
}

/** Collects the labelled changes of one item (or of the server or launch). */
export class Collector {
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

/** The keys of both objects: identity and text fields first, then the rest sorted. */
export function unionKeys(b: JsonObject, a: JsonObject): string[] {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const rank = (k: string): number =>
    FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length;
  return keys.sort((x, y) => rank(x) - rank(y));
}
