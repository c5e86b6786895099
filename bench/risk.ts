/**
 * The risk engine and behaviour monitoring against their budgets (issue: scanning a 100-tool
 * server ≤ 20 ms; the per-result check ≤ 50 µs for a 4 KB result): `scanSurface` over 100 real
 * tools from the corpus, `scanOutputText` over 4 KB of ordinary text, and the whole `checkResult`
 * (scanner, shape fingerprint, statistics, hosts, outputSchema validation) on a 4 KB result with a
 * learned profile.
 */
import type { ToolProfile } from '../src/behavior/index.js';
import { checkResult, createProfile, DEFAULT_BEHAVIOR_SETTINGS } from '../src/behavior/index.js';
import { enableLinearRegExpEngine } from '../src/cli/regexp-engine.js';
import { DEFAULT_RISK_SETTINGS, scanOutputText, scanSurface } from '../src/risk/index.js';
import type { JsonObject } from '../src/surface/types.js';
import type { CorpusTool, MicroOptions, MicroResult } from './micro.js';
import { measure, surfaceOf } from './micro.js';

/** About 4 KB of ordinary prose and a URL, as a search tool returns it. */
function text4k(): string {
  const line =
    'Quarterly planning notes: the garden club meets on Tuesday at 7pm; bring the seed catalogue, ' +
    'the budget spreadsheet and ideas for the spring fair (see https://notes.example/fair).\n';
  let out = '';
  while (out.length + line.length <= 4096) out += line;
  return out;
}

const OUTPUT_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    results: { type: 'array', items: { type: 'string' } },
    total: { type: 'integer' },
  },
  required: ['results'],
};

/** A 4 KB text result with structuredContent that matches OUTPUT_SCHEMA. */
function result4k(): JsonObject {
  const body = text4k();
  return {
    content: [{ type: 'text', text: body }],
    structuredContent: { results: ['Groceries', 'Meeting notes', 'Travel'], total: 3 },
  };
}

/** Runs the risk and behaviour measurements. */
export async function measureRisk(
  tools: CorpusTool[],
  options: MicroOptions,
): Promise<MicroResult[]> {
  enableLinearRegExpEngine();
  const surface = surfaceOf(tools, 100);
  const ctx = { server: 'bench', otherTools: new Map<string, string[]>() };
  // One scan takes milliseconds, so measure() would warm it up for a single run only: warm the
  // JIT up as a long-running gateway would be.
  for (let i = 0; i < 20; i++) scanSurface(surface, ctx, DEFAULT_RISK_SETTINGS);
  const results = [
    await measure(
      'scanSurface (risk engine)',
      `${Object.keys(surface.tools).length} corpus tools (budget ≤ 20 ms = 20000 µs)`,
      () => scanSurface(surface, ctx, DEFAULT_RISK_SETTINGS),
      options,
    ),
  ];
  const text = text4k();
  results.push(
    await measure(
      'scanOutputText',
      `${text.length} chars of prose`,
      () => scanOutputText(text),
      options,
    ),
  );
  const result = result4k();
  const settings = DEFAULT_BEHAVIOR_SETTINGS;
  let profile: ToolProfile = createProfile();
  for (let i = 0; i < settings.learnCalls; i++) {
    const observation = {
      result,
      durationMs: 5 + (i % 3),
      bytes: 4300 + i,
      outputSchema: OUTPUT_SCHEMA,
    };
    profile = checkResult(profile, observation, settings, scanOutputText).profile;
  }
  const learned = profile;
  const observation = { result, durationMs: 6, bytes: 4310, outputSchema: OUTPUT_SCHEMA };
  const check = (): unknown => {
    const outcome = checkResult(learned, observation, settings, scanOutputText);
    if (outcome.detections.length > 0) {
      throw new Error(`the benign result raised ${outcome.detections[0]?.kind ?? '?'}`);
    }
    return outcome;
  };
  results.push(
    await measure(
      'checkResult (behaviour, incl. scanner)',
      '4 KB text + structuredContent, learned profile (budget ≤ 50 µs)',
      check,
      options,
    ),
  );
  return results;
}
