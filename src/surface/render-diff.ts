/**
 * A terminal report of a {@link SurfaceDiff} for reviewers (DESIGN §5). Every string that came
 * from a server passes through {@link toVisible}, so the report itself can carry no escape
 * sequence, bidi override or invisible character from upstream.
 */
import type { DiffSection, SurfaceChange, SurfaceDiff } from './diff.js';
import { SECTION_NOUN } from './diff.js';
import type { TextDiffPart } from './text-diff.js';
import type { JsonObject, JsonValue, Section } from './types.js';
import { SECTIONS } from './types.js';
import { toVisible } from './visible.js';

/** Options for {@link renderDiff}. */
export interface RenderDiffOptions {
  /** Colour added lines green and removed lines red with ANSI escapes. Off by default. */
  readonly color?: boolean;
}

const GREEN = '\u001b[32m';
const RED = '\u001b[31m';
const RESET = '\u001b[0m';
const ORDER: readonly DiffSection[] = ['server', 'launch', ...SECTIONS];
const RISKY = new Set([
  'annotation-downgrade',
  'type-widened',
  'enum-widened',
  'required-dropped',
  'additionalProperties-opened',
  'instructions-changed',
  'renamed-looking',
]);
const SCHEMA_FIELDS = ['inputSchema', 'outputSchema'] as const;

/** Pretty-printed JSON (2 spaces), each line made visible after its indentation. */
function toJsonLines(value: JsonValue): string[] {
  // eslint-disable-next-line no-restricted-syntax -- display only, never hashed
  const text = JSON.stringify(value, null, 2);
  return text.split('\n').map((line) => {
    const body = line.replace(/^ +/, '');
    return line.slice(0, line.length - body.length) + toVisible(body);
  });
}

class Report {
  readonly lines: string[] = [];
  readonly #color: boolean;

  constructor(color: boolean) {
    this.#color = color;
  }

  line(indent: number, text: string): void {
    this.lines.push(' '.repeat(indent) + text);
  }

  /** `+ text` / `- text` lines, one per line of `text`, coloured when asked. */
  signed(indent: number, sign: '+' | '-', lines: readonly string[]): void {
    for (const text of lines) {
      const body = `${sign} ${text}`;
      this.line(indent, this.#color ? `${sign === '+' ? GREEN : RED}${body}${RESET}` : body);
    }
  }

  words(indent: number, parts: readonly TextDiffPart[]): void {
    const text = parts
      .map(({ op, text: part }) => {
        if (op === 'equal') return part;
        const marked = op === 'added' ? `{+${part}+}` : `[-${part}-]`;
        return this.#color ? `${op === 'added' ? GREEN : RED}${marked}${RESET}` : marked;
      })
      .join('');
    const [first = '', ...rest] = text.split('\n');
    this.line(indent, `word diff: ${first}`);
    for (const more of rest) this.line(indent + 11, more);
  }
}

function isRisky(change: SurfaceChange): boolean {
  return RISKY.has(change.kind) || change.suspiciousName === true;
}

function renderChange(report: Report, change: SurfaceChange, indent: number): void {
  report.line(indent, `${isRisky(change) ? '!' : '*'} ${change.label} [${change.kind}]`);
  const { before, after, textDiff } = change;
  if (textDiff !== undefined && typeof before === 'string' && typeof after === 'string') {
    report.signed(indent + 4, '-', toVisible(before).split('\n'));
    report.signed(indent + 4, '+', toVisible(after).split('\n'));
    report.words(indent + 4, textDiff);
  } else if (
    (change.kind === 'field-added' || change.kind === 'argument-added') &&
    after !== undefined
  ) {
    report.signed(indent + 4, '+', toJsonLines(after));
  } else if (change.kind === 'instructions-changed' || change.kind === 'description-changed') {
    if (before !== undefined) report.signed(indent + 4, '-', toJsonLines(before));
    if (after !== undefined) report.signed(indent + 4, '+', toJsonLines(after));
  }
}

function renderSchemas(
  report: Report,
  changes: readonly SurfaceChange[],
  before: JsonObject | undefined,
  after: JsonObject | undefined,
): void {
  for (const field of SCHEMA_FIELDS) {
    if (!changes.some((c) => c.path?.startsWith(field) === true)) continue;
    const x = before?.[field];
    const y = after?.[field];
    report.line(6, `${field} before:`);
    if (x === undefined) report.line(8, '(absent)');
    else report.signed(8, '-', toJsonLines(x));
    report.line(6, `${field} after:`);
    if (y === undefined) report.line(8, '(absent)');
    else report.signed(8, '+', toJsonLines(y));
  }
}

function renderItem(
  report: Report,
  diff: SurfaceDiff,
  section: Section,
  changes: SurfaceChange[],
): void {
  const [head] = changes;
  if (head === undefined) return;
  const name = `${SECTION_NOUN[section]} "${toVisible(head.key)}"`;
  const first = changes.find(
    (c) => c.kind === 'added' || c.kind === 'removed' || c.kind === 'renamed-looking',
  );
  if (first?.kind === 'added' && first.after !== undefined) {
    report.line(2, `+ ${name} (added)`);
    report.signed(6, '+', toJsonLines(first.after));
    return;
  }
  if (first?.kind === 'removed' && first.before !== undefined) {
    report.line(2, `- ${name} (removed)`);
    report.signed(6, '-', toJsonLines(first.before));
    return;
  }
  const from =
    first?.kind === 'renamed-looking' && typeof first.before === 'string'
      ? first.before
      : undefined;
  report.line(
    2,
    `~ ${name}${from === undefined ? '' : ` (looks renamed from "${toVisible(from)}")`}`,
  );
  for (const change of changes) renderChange(report, change, 4);
  renderSchemas(
    report,
    changes,
    diff.before[section][from ?? head.key],
    diff.after[section][head.key],
  );
}

function toSummary(diff: SurfaceDiff): string {
  if (diff.isEmpty) return 'Surface diff: no changes';
  const count = (
    pick: (s: SurfaceDiff['sections'][keyof SurfaceDiff['sections']]) => number,
  ): number => SECTIONS.reduce((sum, s) => sum + pick(diff.sections[s]), 0);
  const serverLevel = diff.changes.filter(
    (c) => c.section === 'server' || c.section === 'launch',
  ).length;
  const risky = diff.changes.filter(isRisky).length;
  return (
    `Surface diff: ${diff.changes.length} ${diff.changes.length === 1 ? 'change' : 'changes'} — ${count((s) => s.added.length)} added, ` +
    `${count((s) => s.removed.length)} removed, ${count((s) => s.renamed.length)} renamed-looking, ` +
    `${count((s) => s.modified.length)} modified, ${serverLevel} server/launch changes, ${risky} flagged (!)`
  );
}

/**
 * A readable multi-line report: a summary line, then changes grouped by section and item, with
 * `+`/`-` lines, description diffs with hidden characters made visible, and the full before and
 * after schemas (2-space JSON) of every tool whose schema changed. Colour only with `color: true`.
 */
export function renderDiff(diff: SurfaceDiff, options: RenderDiffOptions = {}): string {
  const report = new Report(options.color === true);
  report.line(0, toSummary(diff));
  for (const section of ORDER) {
    const changes = diff.changes.filter((c) => c.section === section);
    if (changes.length === 0) continue;
    report.line(0, '');
    report.line(0, `${section}:`);
    if (section === 'server' || section === 'launch') {
      for (const change of changes) renderChange(report, change, 2);
      continue;
    }
    const byKey = new Map<string, SurfaceChange[]>();
    for (const change of changes) {
      const group = byKey.get(change.key);
      if (group === undefined) byKey.set(change.key, [change]);
      else group.push(change);
    }
    for (const group of byKey.values()) renderItem(report, diff, section, group);
  }
  return `${report.lines.join('\n')}\n`;
}
