/**
 * Summarizes a V8 .cpuprofile (from `BENCH_CPU_PROF=DIR npm run bench`) by self time: per package
 * or source area, and the hottest functions. The profile covers the whole process (startup and
 * warm-up included), so read it for proportions, not absolute per-call costs.
 *
 *     npx tsx bench/profile-summary.ts [--skip-ms N] /tmp/prof/holdfast-holdfast.cpuprofile
 *
 * `--skip-ms N` ignores the first N ms of the profile (startup, probe); the per-second timeline it
 * prints shows where the steady state begins.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A coarse origin for a source URL: an npm package, a holdfast source file, or Node itself. */
export function areaOf(url: string, functionName: string): string {
  if (url === '')
    return functionName === '' ? '(native)' : `(${functionName.replace(/[()]/g, '')})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const own = /\/(?:dist|src)\/(.+)$/.exec(url);
  if (own?.[1] !== undefined) return `holdfast ${own[1]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

function summarizeProfile(path: string, top: number, skipMs: number): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const idle = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const selfUs = new Map<number, number>();
  const perSecond: (number | undefined)[] = [];
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const second = Math.floor(at / 1e6);
    if (!idle.has(id)) perSecond[second] = (perSecond[second] ?? 0) + delta;
    if (at >= skipMs * 1000) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  let total = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = `${functionName === '' ? '(anonymous)' : functionName} ${area}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const timeline = Array.from(perSecond, (us) => ((us ?? 0) / 1000).toFixed(0)).join(' ');
  const lines = [
    `${path}: ${(total / 1000).toFixed(0)} ms on CPU (idle excluded) after ${skipMs} ms`,
    `CPU ms per second of the profile: ${timeline}`,
    '',
    'by area:',
  ];
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(us)}  ${area}`);
  }
  lines.push('', 'hottest functions (self time):');
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(us)}  ${fn}`);
  }
  return lines.join('\n');
}

const argv = process.argv.slice(2);
let skipMs = 0;
if (argv[0] === '--skip-ms') {
  skipMs = Number(argv[1]);
  argv.splice(0, 2);
}
if (argv.length === 0 || !Number.isFinite(skipMs)) {
  console.error('usage: tsx bench/profile-summary.ts [--skip-ms N] FILE.cpuprofile...');
  process.exitCode = 2;
}
for (const file of argv) console.log(`${summarizeProfile(file, 20, skipMs)}\n`);
