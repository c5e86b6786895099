/**
 * Loads the labelled corpora the risk engine is measured on (docs/detection.md): the shared
 * attack/benign frames (test/fixtures/shared-data, copied from ../shared/data), the dev, held-out and
 * held-out-2 fixtures and the captured reference servers (test/fixtures/risk/). Shared by
 * scripts/detection.ts and test/risk/detection.test.ts, so the doc and the test count the same
 * cases. held-out-2 is loaded as its own corpus and kept out of the union the targets are
 * computed over (`isUnionCorpus`): it is never used for tuning, so it is reported on its own.
 *
 * Definitions become scannable surfaces; outputs become the strings a gateway would scan
 * (`scanOutputText`), each with a JSON Pointer. Nothing here runs the engine.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ScanContext, ScannableSurface } from '../src/risk/types.js';
import type { JsonObject } from '../src/surface/types.js';
import { loadFixtureDir } from './detection-fixtures.js';
import {
  asObject,
  definitionCase,
  MCPTOX_DRIFT_LABELS,
  messageCarrier,
  objectList,
  outputTexts,
} from './detection-frames.js';

/** `attack` must be flagged; `benign` must not; `warn` (upstream's retrieved-content set) is reported only. */
export type Label = 'attack' | 'benign' | 'warn';

/** One definition case: a surface (one or more items) with the context it is scanned in. */
export interface DefinitionCase {
  corpus: string;
  /** File (and tool/server) name; never payload text. */
  id: string;
  family: string;
  label: Label;
  surface: ScannableSurface;
  ctx: ScanContext;
  /** Whether `surface.server` is a real initialize result (else its item is not counted). */
  hasServer: boolean;
}

/** One string of an output, where it sits in the message. */
export interface OutputText {
  pointer: string;
  text: string;
}

/** One output case (a tools/call or resources/read result, a sampling or elicitation request). */
export interface OutputCase {
  corpus: string;
  id: string;
  family: string;
  label: Label;
  texts: OutputText[];
}

/** A frame the measurement does not scan, and why. */
export interface SkippedCase {
  corpus: string;
  id: string;
  reason: string;
}

/** Everything loaded. */
export interface DetectionCorpus {
  definitions: DefinitionCase[];
  outputs: OutputCase[];
  skipped: SkippedCase[];
}

/** The corpus never used for tuning (test/fixtures/risk/held-out-2/), reported on its own. */
export const HELD_OUT_2_CORPUS = 'held-out-2';

/** Whether a corpus counts in the union the main targets are computed over (all but held-out-2). */
export function isUnionCorpus(corpus: string): boolean {
  return corpus !== HELD_OUT_2_CORPUS;
}

/** Where the corpora live. */
export interface CorpusPaths {
  /** The shared data, copied with its READMEs and licences into test/fixtures/shared-data/. */
  shared: string;
  /** test/fixtures/risk/ */
  fixtures: string;
}

/** The default locations, resolved from this file (not from the working directory). */
export const DEFAULT_CORPUS_PATHS: CorpusPaths = {
  shared: fileURLToPath(new URL('../test/fixtures/shared-data/', import.meta.url)),
  fixtures: fileURLToPath(new URL('../test/fixtures/risk/', import.meta.url)),
};

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

function loadMcptoxFrames(
  shared: string,
  label: Label,
  folder: string,
  out: DetectionCorpus,
): void {
  const corpus = `mcptox/${folder}`;
  for (const file of jsonFiles(join(shared, 'mcpm-guard-fixtures/mcptox', folder))) {
    const frame = asObject(readJson(file));
    const message = asObject(frame?.['message']);
    const id = basename(file, '.json');
    const category = frame?.['category'];
    const family = typeof category === 'string' ? category : folder;
    const carrier = message === undefined ? undefined : messageCarrier(message);
    if (carrier === undefined) {
      out.skipped.push({ corpus, id, reason: 'no carrier this measurement scans' });
    } else if (carrier.kind === 'skip') {
      out.skipped.push({ corpus, id, reason: carrier.reason });
    } else if (carrier.kind === 'definition') {
      out.definitions.push({
        ...definitionCase(carrier.surface, id),
        corpus,
        id,
        family,
        label,
        hasServer: carrier.hasServer,
      });
    } else {
      out.outputs.push({ corpus, id, family, label, texts: carrier.texts });
    }
  }
}

function loadMcptoxDrift(shared: string, out: DetectionCorpus): void {
  for (const file of jsonFiles(join(shared, 'mcpm-guard-fixtures/mcptox/drift'))) {
    const pair = asObject(readJson(file));
    const name = basename(file, '.json');
    const server = typeof pair?.['server_name'] === 'string' ? pair['server_name'] : name;
    const phases: [string, Label][] = [
      ['install_time_definition', 'benign'],
      ['post_install_definition', MCPTOX_DRIFT_LABELS[name] ?? 'attack'],
    ];
    for (const [phase, label] of phases) {
      const tool = asObject(pair?.[phase]);
      if (tool === undefined) continue;
      const id = `${name}#${phase === 'install_time_definition' ? 'before' : 'after'}`;
      out.definitions.push({
        ...definitionCase({ tools: [tool] }, server),
        corpus: label === 'attack' ? 'mcptox/drift' : 'mcptox/drift (benign side)',
        id,
        family: 'rug-pull',
        label,
        hasServer: false,
      });
    }
  }
}

function loadLegitimateSessions(shared: string, out: DetectionCorpus): void {
  const dir = join(shared, 'mcpm-guard-fixtures/legitimate-corpus');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  for (const name of files.sort()) {
    const session = basename(name, '.jsonl');
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    let initialize: JsonObject | undefined;
    let tools: JsonObject[] = [];
    lines.forEach((line, index) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const message = asObject(JSON.parse(trimmed));
      const result = asObject(message?.['result']);
      if (result === undefined) return;
      if (typeof result['protocolVersion'] === 'string') initialize = result;
      else if (Array.isArray(result['tools'])) tools = objectList(result['tools']);
      else {
        const texts = outputTexts(result, '/result');
        const id = `${session}:${String(index + 1)}`;
        out.outputs.push({
          corpus: 'legitimate-corpus',
          id,
          family: session,
          label: 'benign',
          texts,
        });
      }
    });
    out.definitions.push({
      ...definitionCase(
        { tools, ...(initialize === undefined ? {} : { server: initialize }) },
        session,
      ),
      corpus: 'legitimate-corpus',
      id: session,
      family: session,
      label: 'benign',
      hasServer: initialize !== undefined,
    });
  }
}

interface FlatTool {
  server_key: string;
  category: string;
  name: string;
  description?: string;
  inputSchema?: JsonObject;
}

function loadLiveMcpBench(shared: string, out: DetectionCorpus): void {
  const dir = join(shared, 'livemcpbench-tools');
  // tools.flat.jsonl drops annotations; take the non-null ones back from tools.json.
  const annotations = new Map<string, JsonObject>();
  const full = readJson(join(dir, 'tools.json'));
  for (const server of objectList(full)) {
    const byKey = asObject(server['tools']) ?? {};
    for (const [key, entry] of Object.entries(byKey)) {
      for (const tool of objectList(asObject(entry)?.['tools'])) {
        const a = asObject(tool['annotations']);
        const name = tool['name'];
        if (typeof name === 'string' && a !== undefined) annotations.set(`${key}/${name}`, a);
      }
    }
  }
  const byServer = new Map<string, { category: string; tools: JsonObject[] }>();
  for (const line of readFileSync(join(dir, 'tools.flat.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const flat = JSON.parse(line) as FlatTool;
    const tool: JsonObject = { name: flat.name };
    if (flat.description !== undefined) tool['description'] = flat.description;
    tool['inputSchema'] = flat.inputSchema ?? { type: 'object' };
    const a = annotations.get(`${flat.server_key}/${flat.name}`);
    if (a !== undefined) tool['annotations'] = a;
    const entry = byServer.get(flat.server_key) ?? { category: flat.category, tools: [] };
    entry.tools.push(tool);
    byServer.set(flat.server_key, entry);
  }
  for (const [server, { category, tools }] of byServer) {
    out.definitions.push({
      ...definitionCase({ tools }, server),
      corpus: 'livemcpbench',
      id: server,
      family: category,
      label: 'benign',
      hasServer: false,
    });
  }
}

function loadCaptured(dir: string, out: DetectionCorpus): void {
  if (!existsSync(dir)) return;
  for (const file of jsonFiles(dir)) {
    const captured = asObject(readJson(file)) ?? {};
    const server = typeof captured['server'] === 'string' ? captured['server'] : basename(file);
    const list = (key: string) => objectList(captured[key]);
    const initialize = asObject(captured['initialize']);
    const surface = {
      tools: list('tools'),
      prompts: list('prompts'),
      resources: list('resources'),
      resourceTemplates: list('resourceTemplates'),
      ...(initialize === undefined ? {} : { server: initialize }),
    };
    out.definitions.push({
      ...definitionCase(surface, server),
      corpus: 'captured',
      id: basename(file, '.json'),
      family: server,
      label: 'benign',
      hasServer: initialize !== undefined,
    });
  }
}

/** Loads every corpus. Throws when the shared data folder is missing (the numbers would lie). */
export function loadDetectionCorpus(paths: CorpusPaths = DEFAULT_CORPUS_PATHS): DetectionCorpus {
  if (!existsSync(join(paths.shared, 'mcpm-guard-fixtures'))) {
    throw new Error(
      `shared data not found at ${paths.shared} (expected test/fixtures/shared-data)`,
    );
  }
  const out: DetectionCorpus = { definitions: [], outputs: [], skipped: [] };
  loadMcptoxFrames(paths.shared, 'attack', 'attacks', out);
  loadMcptoxFrames(paths.shared, 'benign', 'benign', out);
  loadMcptoxFrames(paths.shared, 'warn', 'warn', out);
  loadMcptoxDrift(paths.shared, out);
  loadLegitimateSessions(paths.shared, out);
  loadLiveMcpBench(paths.shared, out);
  loadCaptured(join(paths.fixtures, 'captured'), out);
  loadFixtureDir(join(paths.fixtures, 'dev'), 'dev', out);
  loadFixtureDir(join(paths.fixtures, 'held-out'), 'held-out', out);
  loadFixtureDir(join(paths.fixtures, HELD_OUT_2_CORPUS), HELD_OUT_2_CORPUS, out);
  return out;
}
