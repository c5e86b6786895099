/**
 * A labelled diff between two surfaces for reviewers (DESIGN §5 "A diff for reviewers"):
 * items added, removed, renamed-looking or modified per section, with description text diffs,
 * schema changes per property path, annotation downgrades, instruction and provenance changes.
 * Object key order never counts as a change (DESIGN §1 benign look-alikes).
 */
import type { SurfaceChange } from './change.js';
import { Collector, SECTION_NOUN } from './change.js';
import { diffItem, diffLaunch, diffServer } from './diff-items.js';
import { findRenames } from './rename.js';
import type { Section, Surface } from './types.js';
import { SECTIONS } from './types.js';
import { toVisible } from './visible.js';

export type { ChangeKind, DiffSection, SurfaceChange } from './change.js';
export { SECTION_NOUN } from './change.js';

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
