import { toRiskSettings } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { ReviewedItem } from '../../pinning/review-diff.js';
import { buildReviewDiff } from '../../pinning/review-diff.js';
import { renderDiff } from '../../surface/render-diff.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { describeConfigProblem, EXIT, openStore, readConfigOption, writeJson } from '../deps.js';
import { renderItemFindings } from '../scan/render-scan.js';

/** Options of `holdfast diff`. */
export interface DiffOptions extends GlobalOptions {
  /** The configuration whose risk thresholds band the findings. */
  config?: string;
}

/**
 * `holdfast diff NAME`: what the server shows now against what was approved, as the same client
 * profile saw it, with hidden characters made visible, and the exact approve command.
 */
export async function diffCommand(
  name: string,
  options: DiffOptions,
  deps: CliDeps,
): Promise<number> {
  let config: Config;
  try {
    config = readConfigOption(options.config);
  } catch (error) {
    deps.stderr.write(`holdfast: ${describeConfigProblem(error, options.config)}\n`);
    return EXIT.USAGE;
  }
  const store = openStore(options, deps.env);
  try {
    const record = await store.getServer(name);
    if (record === undefined) {
      deps.stderr.write(`holdfast: no server named "${name}" has been seen\n`);
      return EXIT.NOT_FOUND;
    }
    const review = buildReviewDiff(record, await store.listServers(), toRiskSettings(config));
    if (review === undefined) {
      deps.stderr.write(`holdfast: server "${name}" has no observed surface yet\n`);
      return EXIT.NOT_FOUND;
    }
    const { diff, approvedDigest, observedDigest, risk: findings } = review;
    const approveCommand = `holdfast approve ${name} --digest ${observedDigest}`;
    if (options.json === true) {
      writeJson(deps, {
        server: name,
        status: record.status,
        reason: record.reason,
        approvedDigest,
        observedDigest,
        approveCommand,
        diff,
        risk: findings,
      });
      return EXIT.OK;
    }
    deps.stdout.write(
      `Server:   ${name}\nStatus:   ${record.status} (${record.reason})\nApproved: ${approvedDigest ?? '(nothing approved yet)'}\nObserved: ${observedDigest}\n\n`,
    );
    deps.stdout.write(renderDiff(diff, { color: false }));
    deps.stdout.write(renderRisk(findings));
    deps.stdout.write(`\nTo approve exactly what is shown above:\n  ${approveCommand}\n`);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

function renderRisk(items: readonly ReviewedItem[]): string {
  if (items.length === 0) return '\nRisk: no findings in the observed version.\n';
  const lines = ['', 'Risk findings in the observed version:'];
  for (const item of [...items].sort((a, b) => b.score - a.score)) {
    lines.push(...renderItemFindings(item));
    if (item.stored !== null && item.stored.mode !== 'allow') {
      lines.push(
        `    mode now: ${item.stored.mode} (set by ${item.stored.by ?? item.stored.source})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
