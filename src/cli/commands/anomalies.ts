import type { Anomaly } from '../../store/index.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openStore, toTerminalLine, toTerminalSafe, writeJson } from '../deps.js';

/** Options of `holdfast anomalies`. */
export interface AnomaliesOptions extends GlobalOptions {
  tool?: string;
  /** Only anomalies this many seconds old or newer. */
  since?: number;
  /** At most this many, the newest (default 100). */
  limit?: number;
}

/** One anomaly as `holdfast anomalies --json` prints it. */
export interface AnomalySummary extends Omit<Anomaly, 'at'> {
  at: string;
}

const DEFAULT_LIMIT = 100;

/**
 * `holdfast anomalies [NAME]`: behaviour anomalies raised against tool results (DESIGN §8), oldest
 * first, with what each one made the gateway do.
 */
export async function anomaliesCommand(
  name: string | undefined,
  options: AnomaliesOptions,
  deps: CliDeps,
): Promise<number> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    deps.stderr.write('holdfast: --limit must be a positive integer\n');
    return EXIT.USAGE;
  }
  const since = options.since;
  if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) {
    deps.stderr.write('holdfast: --since must be a number of seconds\n');
    return EXIT.USAGE;
  }
  const store = openStore(options, deps.env);
  try {
    const anomalies = await store.listAnomalies({
      ...(name === undefined ? {} : { server: name }),
      ...(options.tool === undefined ? {} : { tool: options.tool }),
      ...(since === undefined ? {} : { since: deps.clock.now() - since * 1000 }),
      limit,
    });
    const summaries: AnomalySummary[] = anomalies.map((a) => ({
      ...a,
      at: new Date(a.at).toISOString(),
    }));
    if (options.json === true) {
      writeJson(deps, { anomalies: summaries });
      return EXIT.OK;
    }
    if (summaries.length === 0) {
      deps.stdout.write('No anomalies recorded.\n');
      return EXIT.OK;
    }
    for (const a of summaries) {
      deps.stdout.write(
        `${a.at}  ${a.id}  ${toTerminalSafe(a.server)}/${toTerminalSafe(a.tool)}  ${a.kind}  → ${a.action}\n`,
      );
      deps.stdout.write(`  ${toTerminalLine(a.message)}\n`);
      if (a.evidence !== '') deps.stdout.write(`  evidence: ${toTerminalLine(a.evidence)}\n`);
    }
    return EXIT.OK;
  } finally {
    await store.close();
  }
}
