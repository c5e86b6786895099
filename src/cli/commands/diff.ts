import { toRiskSettings } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { toOtherTools } from '../../pinning/risk-transition.js';
import type { ServerRecord } from '../../pinning/types.js';
import { scanSurface } from '../../risk/index.js';
import type { ItemAssessment, RiskMode } from '../../risk/types.js';
import { diffSurfaces } from '../../surface/diff.js';
import { renderDiff } from '../../surface/render-diff.js';
import type { Surface } from '../../surface/types.js';
import { SECTIONS } from '../../surface/types.js';
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
    const observed = record.observed;
    if (observed === null) {
      deps.stderr.write(`holdfast: server "${name}" has no observed surface yet\n`);
      return EXIT.NOT_FOUND;
    }
    const before = approvedForProfile(record);
    const diff = diffSurfaces(before, observed.surface);
    const approvedDigest = record.baseline?.digests.surface ?? null;
    const observedDigest = observed.digests.surface;
    const approveCommand = `holdfast approve ${name} --digest ${observedDigest}`;
    const findings = assessObserved(record, config, await store.listServers());
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

/** One observed item's findings, with the mode the gateway keeps for it. */
interface ReviewedItem extends ItemAssessment {
  /** The stored mode (after the ratchet), or null when the gateway has not assessed it. */
  stored: { mode: RiskMode; source: string; by: string | null } | null;
}

/**
 * The risk findings of the observed version (the one `approve` would approve): every item with a
 * finding or a mode other than allow. The findings are recomputed (the engine is deterministic);
 * bands use `--config`'s thresholds, or the defaults.
 */
function assessObserved(
  record: ServerRecord,
  config: Config,
  all: readonly ServerRecord[],
): ReviewedItem[] {
  const observed = record.observed;
  if (observed === null) return [];
  const assessment = scanSurface(
    observed.surface,
    { server: record.name, otherTools: toOtherTools(all, record.name) },
    toRiskSettings(config),
  );
  const stored = record.risk?.items ?? {};
  return assessment.items
    .map((item): ReviewedItem => {
      const kept = Object.hasOwn(stored, item.ref) ? stored[item.ref] : undefined;
      return {
        ...item,
        stored: kept === undefined ? null : { mode: kept.mode, source: kept.source, by: kept.by },
      };
    })
    .filter((item) => item.findings.length > 0 || (item.stored?.mode ?? 'allow') !== 'allow');
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

/** The approved items the observed client profile lists (all of them for an unknown profile). */
function approvedForProfile(record: ServerRecord): Surface {
  const baseline = record.baseline;
  const observed = record.observed;
  const empty: Surface = {
    server: {},
    launch: {},
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
  if (baseline === null) return empty;
  const keys =
    observed !== null && Object.hasOwn(baseline.profiles, observed.profile)
      ? baseline.profiles[observed.profile]
      : undefined;
  if (keys === undefined) return baseline.surface;
  const surface: Surface = { ...baseline.surface };
  for (const section of SECTIONS) {
    const allowed = new Set(keys[section]);
    surface[section] = Object.fromEntries(
      Object.entries(baseline.surface[section]).filter(([key]) => allowed.has(key)),
    );
  }
  return surface;
}
