/**
 * Micro-benchmarks of the in-process pieces on the gateway's paths, imported from the sources (tsx):
 * strict JSON parsing and RFC 8785 canonicalization of a realistic tools/list message, surface
 * digests of a 100-tool surface, and the per-call work (strict parse of an upstream line, SQLite
 * status read, call gate with argument validation). Each reports µs per operation.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { enableLinearRegExpEngine } from '../src/cli/regexp-engine.js';
import { decideCall } from '../src/gateway/gate.js';
import { createArgumentValidator } from '../src/pinning/arguments.js';
import type { ServerRecord } from '../src/pinning/types.js';
import { compilePolicy, evaluatePolicy, PolicyConfigSchema } from '../src/policy/index.js';
import { defaultDbPath, openSqliteStore } from '../src/store/index.js';
import { computeSurfaceDigests, profileDigest } from '../src/surface/digest.js';
import { canonicalize } from '../src/surface/jcs.js';
import { parseStrictJson } from '../src/surface/strict-json.js';
import type { JsonObject, Surface } from '../src/surface/types.js';
import { checkUpstreamText } from '../src/transports/wire-check.js';
import { REPO_ROOT } from './latency.js';
import { measureRisk } from './risk.js';
import { median } from './stats.js';

/** The tool corpus beside the repository, one JSON tool per line. */
export const TOOLS_CORPUS = join(
  REPO_ROOT,
  'test',
  'fixtures',
  'shared-data',
  'livemcpbench-tools',
  'tools.flat.jsonl',
);

/** One micro-benchmark result. */
export interface MicroResult {
  name: string;
  /** What the input was, e.g. its size. */
  input: string;
  /** Median over batches (µs per operation). */
  usPerOp: number;
  /** Fastest batch (µs per operation). */
  minUsPerOp: number;
  ops: number;
}

/** Results of the micro-benchmarks. */
export interface MicroResults {
  results: MicroResult[];
  /** Where the tool definitions came from. */
  corpus: string;
}

export interface MicroOptions {
  /** Time spent measuring each operation (warm-up excluded). */
  timePerOpMs: number;
  progress: (line: string) => void;
}

/** Results land here so the optimizer cannot drop the work. */
export let sink: unknown;

/** Times `fn` in batches of about 5 ms each until the time budget is spent (bounded count too). */
export async function measure(
  name: string,
  input: string,
  fn: () => unknown,
  options: MicroOptions,
): Promise<MicroResult> {
  const isAsync = fn() instanceof Promise;
  const run = async (n: number): Promise<number> => {
    const start = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < n; i++) sink = await fn();
    else for (let i = 0; i < n; i++) sink = fn();
    return Number(process.hrtime.bigint() - start) / 1e3;
  };
  // Warm up (JIT) and size a batch to take about 5 ms.
  let batch = 1;
  for (let tries = 0; tries < 20; tries++) {
    const us = await run(batch);
    if (us >= 5000) break;
    batch = Math.min(1_000_000, batch * (us < 500 ? 10 : 2));
  }
  const perOp: number[] = [];
  const deadline = performance.now() + options.timePerOpMs;
  let ops = 0;
  while ((performance.now() < deadline || perOp.length < 5) && perOp.length < 1000) {
    perOp.push((await run(batch)) / batch);
    ops += batch;
  }
  const result: MicroResult = {
    name,
    input,
    usPerOp: median(perOp),
    minUsPerOp: Math.min(...perOp),
    ops,
  };
  options.progress(`  ${name} (${input}): ${result.usPerOp.toFixed(2)} µs/op`);
  return result;
}

export interface CorpusTool {
  name: string;
  description?: string;
  inputSchema?: JsonObject;
}

export function loadTools(): { tools: CorpusTool[]; corpus: string } {
  if (existsSync(TOOLS_CORPUS)) {
    const tools: CorpusTool[] = [];
    for (const line of readFileSync(TOOLS_CORPUS, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as Record<string, unknown>;
      if (typeof row['name'] !== 'string') continue;
      const tool: CorpusTool = { name: row['name'] };
      if (typeof row['description'] === 'string') tool.description = row['description'];
      if (typeof row['inputSchema'] === 'object' && row['inputSchema'] !== null) {
        tool.inputSchema = row['inputSchema'] as JsonObject;
      }
      tools.push(tool);
    }
    if (tools.length > 0) return { tools, corpus: 'livemcpbench-tools/tools.flat.jsonl' };
  }
  // Synthetic stand-ins of a typical size when the corpus is not beside the repository.
  const tools: CorpusTool[] = [];
  for (let i = 0; i < 200; i++) {
    tools.push({
      name: `tool_${i}`,
      description: `Does thing number ${i} with the given query and returns the matching results.`,
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'What to look for.' },
          limit: { type: 'number', default: 10, description: 'Most results returned.' },
        },
        required: ['query'],
      },
    });
  }
  return { tools, corpus: 'synthetic (corpus not found)' };
}

function toToolItem(tool: CorpusTool, name: string): JsonObject {
  const item: JsonObject = { name };
  if (tool.description !== undefined) item['description'] = tool.description;
  item['inputSchema'] = tool.inputSchema ?? { type: 'object' };
  return item;
}

/** A tools/list response line of about `bytes` bytes (whole tools only). */
function toolsListText(tools: CorpusTool[], bytes: number): string {
  const items: JsonObject[] = [];
  let text = '';
  for (const tool of tools) {
    items.push(toToolItem(tool, tool.name));
    const next = JSON.stringify({ jsonrpc: '2.0', id: 2, result: { tools: items } });
    if (Buffer.byteLength(next) > bytes && text !== '') break;
    text = next;
  }
  return text;
}

export function surfaceOf(tools: CorpusTool[], count: number): Surface {
  const surface: Surface = {
    server: {
      serverInfo: { name: 'bench-surface', version: '1.0.0' },
      capabilities: { tools: { listChanged: true } },
    },
    launch: {
      kind: 'stdio',
      command: 'node',
      args: ['server.js'],
      envNames: [],
      executable: null,
      files: {},
    },
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
  for (let i = 0; Object.keys(surface.tools).length < count && i < count * 10; i++) {
    const tool = tools[i % tools.length];
    if (tool === undefined) break;
    // Names repeat across servers in the corpus; an item must be filed under its own name.
    const name = Object.hasOwn(surface.tools, tool.name) ? `${tool.name}_${i}` : tool.name;
    Object.defineProperty(surface.tools, name, {
      value: toToolItem(tool, name),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return surface;
}

/** Runs the micro-benchmarks. */
export async function runMicro(options: MicroOptions): Promise<MicroResults> {
  const { tools, corpus } = loadTools();
  const results: MicroResult[] = [];

  const listText = toolsListText(tools, 4096);
  const listSize = `${Buffer.byteLength(listText)} B tools/list, ${(JSON.parse(listText) as { result: { tools: unknown[] } }).result.tools.length} tools`;
  const listValue = parseStrictJson(listText);
  results.push(
    await measure('JSON.parse (reference)', listSize, () => JSON.parse(listText), options),
  );
  results.push(
    await measure('parseStrictJson', listSize, () => parseStrictJson(listText), options),
  );
  results.push(
    await measure('canonicalize (JCS)', listSize, () => canonicalize(listValue), options),
  );

  const surface = surfaceOf(tools, 100);
  const surfaceSize = `${Object.keys(surface.tools).length}-tool surface, ${Buffer.byteLength(canonicalize(surface as unknown as JsonObject))} B`;
  results.push(
    await measure(
      'computeSurfaceDigests',
      surfaceSize,
      () => computeSurfaceDigests(surface),
      options,
    ),
  );

  // Per call: the gateway strictly parses every upstream line before relaying it.
  const callResponse = JSON.stringify({
    jsonrpc: '2.0',
    id: 1234,
    result: { content: [{ type: 'text', text: 'bench holdfast 1234' }] },
  });
  results.push(
    await measure(
      'checkUpstreamText',
      `${Buffer.byteLength(callResponse)} B tools/call result`,
      () => checkUpstreamText(callResponse, { maxDepth: 64, maxBytes: 16 * 1024 * 1024 }),
      options,
    ),
  );

  // Per call: status read from SQLite, then the gate (digest compare, ajv validation).
  const home = mkdtempSync(join(tmpdir(), 'holdfast-bench-micro-'));
  const store = openSqliteStore({ path: defaultDbPath(home) });
  try {
    const echo: JsonObject = {
      name: 'echo',
      description: 'Returns the given text unchanged.',
      inputSchema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { text: { type: 'string', description: 'The text to return.' } },
        required: ['text'],
      },
    };
    const echoSurface = surfaceOf([], 0);
    echoSurface.tools = { echo };
    const digests = computeSurfaceDigests(echoSurface);
    const profile = profileDigest('2025-06-18', {});
    const observation = { surface: echoSurface, digests, profile, observedAt: 0 };
    const record: ServerRecord = {
      name: 'echo',
      status: 'verified',
      revision: 1,
      baseline: {
        surface: echoSurface,
        digests,
        profiles: {
          [profile]: { tools: ['echo'], prompts: [], resources: [], resourceTemplates: [] },
        },
        approvedAt: 0,
        approvedBy: 'tofu',
      },
      observed: observation,
      reason: 'benchmark',
      updatedAt: 0,
    };
    await store.update('echo', () => ({ record, events: [] }));
    const stored = await store.getServer('echo');
    if (stored === undefined) throw new Error('the benchmark record was not stored');
    results.push(
      await measure(
        'store.getStatus (SQLite)',
        'one verified server',
        () => store.getStatus('echo'),
        options,
      ),
    );
    const validator = createArgumentValidator({ allowUnknownArguments: false });
    const args = { text: 'bench holdfast 1234' };
    const gate = (): unknown => {
      const verdict = decideCall(
        { name: 'echo', record: stored, observation, toolName: 'echo', args },
        validator,
      );
      if (verdict.kind !== 'allow') throw new Error(`the gate denied: ${verdict.message}`);
      return verdict;
    };
    results.push(await measure('decideCall (gate + ajv)', 'echo {text}', gate, options));
  } finally {
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
  results.push(...(await measurePolicy(options)));
  results.push(...(await measureRisk(tools, options)));
  return { results, corpus };
}

/**
 * Policy evaluation per call (DESIGN §14: ≤ 10 µs for 100 rules): 100 rules of mixed shapes
 * (server and tool globs, JSONPath conditions with regex, contains, in, cidr_match, gt) plus an
 * egress deny list, against typical call arguments. The measured request matches none of the
 * rules, so every rule is tried: the worst case for first-match evaluation.
 */
async function measurePolicy(options: MicroOptions): Promise<MicroResult[]> {
  enableLinearRegExpEngine(); // as the CLI does at start-up: rule regexes need it
  const ops = [
    { op: 'regex', value: '^https?://internal[.]' },
    { op: 'contains', value: 'BEGIN RSA PRIVATE KEY' },
    { op: 'in', value: ['root', 'admin', 'sudo'] },
    { op: 'cidr_match', value: ['10.0.0.0/8', '192.168.0.0/16'] },
    { op: 'gt', value: 10_000 },
  ];
  const rules = Array.from({ length: 100 }, (_, i) => ({
    id: `rule-${i}`,
    match: {
      server: i % 3 === 0 ? 'notes' : `server-${i % 7}-*`,
      tool: i % 2 ? 'search_*' : `tool_${i}`,
    },
    args_match: [{ path: i % 4 === 0 ? '$..url' : `$.field_${i % 5}`, ...ops[i % ops.length] }],
    verdict: i % 2 ? 'deny' : 'pending_approval',
    reason: `benchmark rule ${i}`,
  }));
  const policy = compilePolicy(PolicyConfigSchema.parse({ rules }));
  const withEgress = compilePolicy(
    PolicyConfigSchema.parse({
      rules,
      egress: { deny: ['169.254.0.0/16', '*.exfil.example', 'metadata.google.internal'] },
    }),
  );
  const request = {
    server: 'notes',
    method: 'tools/call',
    name: 'search_notes',
    args: {
      query: 'quarterly report for the garden club',
      limit: 20,
      url: 'https://notes.example/search?q=garden',
      filters: { tags: ['garden', 'club'], since: '2026-01-01' },
    },
    definitionDigest: `sha256:${'ab'.repeat(32)}`,
  };
  for (const p of [policy, withEgress]) {
    const decision = evaluatePolicy(p, request);
    if (decision.ruleId !== 'default') throw new Error(`a rule matched: ${decision.ruleId}`);
  }
  return [
    await measure(
      'evaluatePolicy (100 rules)',
      'search_notes, no rule matches (all tried)',
      () => evaluatePolicy(policy, request),
      options,
    ),
    await measure(
      'evaluatePolicy (100 rules + egress scan)',
      'the same, with a 3-entry egress deny list',
      () => evaluatePolicy(withEgress, request),
      options,
    ),
  ];
}
