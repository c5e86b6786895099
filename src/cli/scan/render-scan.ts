/**
 * The human report of `holdfast scan`. Server-authored text reaches it only as names (escaped with
 * toTerminalSafe) and as finding evidence, which the risk engine has already made visible; a last
 * guard still escapes any control or bidi character left in it.
 */
import type { Band, ItemAssessment } from '../../risk/index.js';
import { BANDS } from '../../risk/index.js';
import { toTerminalLine, toTerminalSafe } from '../deps.js';
import type { ScanReport, ServerScan } from './report.js';

/** Renders the whole report, one block per server, ending with the gate's verdict. */
export function renderScan(report: ScanReport): string {
  const blocks = report.servers.map(renderServer);
  const verdict =
    report.failOn === 'none'
      ? 'Risk gate: off (--fail-on none).'
      : report.failed
        ? `Risk gate: FAILED (an item is at or above ${report.failOn}).`
        : `Risk gate: passed (nothing at or above ${report.failOn}).`;
  return `${blocks.join('\n')}\n${verdict}\n`;
}

function renderServer(scan: ServerScan): string {
  const name = toTerminalSafe(scan.name);
  const from =
    scan.file === undefined ? scan.source : `${scan.source} ${toTerminalSafe(scan.file)}`;
  const lines = [`${name} (${from})`];
  if (scan.outcome.kind === 'failed') {
    lines.push(`  could not scan: ${scan.outcome.code}: ${scan.outcome.message}`);
    return `${lines.join('\n')}\n`;
  }
  const { items, band, mode } = scan.outcome.assessment;
  const flagged = items
    .filter((item) => item.findings.length > 0)
    .sort((a, b) => b.score - a.score || compareText(a.ref, b.ref));
  for (const item of flagged) lines.push(...renderItemFindings(item));
  if (flagged.length === 0) lines.push('  no findings');
  const counts = BANDS.slice()
    .reverse()
    .map((b: Band) => `${items.filter((i) => i.band === b).length} ${b}`);
  lines.push(
    `  ${name}: ${items.length} item(s): ${counts.join(', ')}; worst band ${band} -> mode ${mode}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * One assessed item as indented lines: `band  score  ref`, then each finding as
 * `ruleId (+weight) pointer: message` with its evidence on the next line.
 */
export function renderItemFindings(item: ItemAssessment): string[] {
  const lines = [
    `  ${item.band.padEnd(8)}  ${String(item.score).padStart(3)}  ${toTerminalSafe(item.ref)}`,
  ];
  for (const f of item.findings) {
    const pointer = f.pointer === '' ? '(whole definition)' : toTerminalSafe(f.pointer);
    lines.push(`    ${f.ruleId} (+${f.weight}) ${pointer}: ${toTerminalLine(f.message)}`);
    if (f.evidence !== '') lines.push(`      evidence: ${toTerminalLine(f.evidence)}`);
  }
  return lines;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
