/**
 * Small Markdown helpers shared by the sections of docs/detection.md (scripts/detection-report.ts
 * and scripts/detection-untuned.ts). Cells carry ids, counts and rule ids, never payload text.
 */
import { ratio } from './detection-score.js';

/** A percentage with one decimal; 0.0% for an empty group. */
export const pct = (count: number, n: number): string => `${(ratio(count, n) * 100).toFixed(1)}%`;

/** A table cell: pipes escaped, newlines flattened. */
export const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Rule ids, comma-separated, or a dash when none fired. */
export const rules = (ids: readonly string[]): string => (ids.length === 0 ? '—' : ids.join(', '));

/** A Markdown table followed by a blank line. */
export function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

/** A `###` heading and a table, or "None." when there are no rows. */
export function listLines(heading: string, rows: string[][], head: string[]): string[] {
  return [`### ${heading}`, '', ...(rows.length === 0 ? ['None.', ''] : table(head, rows))];
}
