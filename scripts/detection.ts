/**
 * Measures the risk engine on the labelled corpora and writes docs/detection.md (DESIGN §7:
 * report precision and false-positive rate on real benign corpora, not only recall).
 *
 * Usage: npm run detection              rewrite docs/detection.md and print a summary
 *        npm run detection -- --check   print the summary; exit 1 if a target is missed
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { format, resolveConfig } from 'prettier';

import { enableLinearRegExpEngine } from '../src/cli/regexp-engine.js';
import { type DetectionCorpus, loadDetectionCorpus } from './detection-corpus.js';
import { renderDetectionReport } from './detection-report.js';
import {
  benignStats,
  checkTargets,
  type DefinitionStats,
  type DetectionScores,
  type RiskEngine,
  scoreCorpus,
  scoreDefinition,
  unionScores,
  withLabel,
} from './detection-score.js';

/** Where the report is written. */
export const DETECTION_DOC_PATH = fileURLToPath(new URL('../docs/detection.md', import.meta.url));

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Loads src/risk after the linear-time regexp engine is on (its rules may compile at load). */
async function loadRiskEngine(): Promise<RiskEngine> {
  enableLinearRegExpEngine();
  const risk = await import('../src/risk/index.js');
  return {
    scanSurface: risk.scanSurface,
    scanOutputText: risk.scanOutputText,
    settings: risk.DEFAULT_RISK_SETTINGS,
  };
}

/** livemcpbench's benign items when every one of its servers is installed at once. */
function crowdedLiveMcpBench(engine: RiskEngine, corpus: DetectionCorpus): DefinitionStats {
  const live = corpus.definitions.filter((c) => c.corpus === 'livemcpbench');
  const owners = new Map<string, string[]>();
  for (const c of live) {
    for (const name of Object.keys(c.surface.tools)) {
      owners.set(name, [...(owners.get(name) ?? []), c.ctx.server]);
    }
  }
  const scored = live.map((c) => {
    const otherTools = new Map<string, readonly string[]>();
    for (const [name, servers] of owners) {
      const others = servers.filter((s) => s !== c.ctx.server);
      if (others.length > 0) otherTools.set(name, others);
    }
    return scoreDefinition(engine, { ...c, ctx: { server: c.ctx.server, otherTools } });
  });
  return benignStats(scored);
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
}

/** The short commit, marked when src/risk has uncommitted changes. */
function commitLabel(): string {
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src/risk']) !== '';
  return dirty ? `${head} + uncommitted src/risk changes` : head;
}

function summary(scores: DetectionScores): string[] {
  const union = unionScores(scores);
  const benignOuts = withLabel(union.outputs, 'benign');
  const attackOuts = withLabel(union.outputs, 'attack');
  return [
    ...checkTargets(scores).map(
      (c) =>
        `${c.pass ? 'PASS' : c.isGate ? 'FAIL' : 'MISS (reported, not gated)'}  ${c.name}: ${(c.value * 100).toFixed(1)}% ` +
        `(${String(c.count)}/${String(c.n)}), bound ${c.op} ${(c.bound * 100).toFixed(0)}%`,
    ),
    `info  union attack outputs flagged: ${String(attackOuts.filter((o) => o.flagged).length)}/${String(attackOuts.length)}; ` +
      `benign outputs flagged: ${String(benignOuts.filter((o) => o.flagged).length)}/${String(benignOuts.length)}`,
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  const isCheck = argv.includes('--check');
  const engine = await loadRiskEngine();
  const corpus = loadDetectionCorpus();
  const scores = scoreCorpus(engine, corpus);
  const checks = checkTargets(scores);
  for (const line of summary(scores)) console.log(line);
  if (!isCheck) {
    const markdown = renderDetectionReport(corpus, scores, checks, {
      date: new Date().toISOString().slice(0, 10),
      commit: commitLabel(),
      settings: engine.settings,
      crowded: crowdedLiveMcpBench(engine, corpus),
    });
    const options = (await resolveConfig(DETECTION_DOC_PATH)) ?? {};
    writeFileSync(DETECTION_DOC_PATH, await format(markdown, { ...options, parser: 'markdown' }));
    console.log(`wrote ${DETECTION_DOC_PATH}`);
  }
  return isCheck && checks.some((c) => c.isGate && !c.pass) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
