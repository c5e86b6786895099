/**
 * Reads the project's own risk fixtures (test/fixtures/risk/dev/, held-out/ and held-out-2/): one
 * JSON file per case, `{ family, carrier, label, notes, context?, definition | result }`,
 * documented in test/fixtures/risk/README.md. A malformed file throws: a fixture that silently drops out of the
 * measurement would make the numbers lie.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { JsonObject } from '../src/surface/types.js';
import type { DetectionCorpus } from './detection-corpus.js';
import { asObject, definitionCase, outputTexts, type SurfaceParts } from './detection-frames.js';

/** Where a fixture's payload is carried. */
export const FIXTURE_CARRIERS = ['tool', 'prompt', 'resource', 'server', 'output'] as const;
/** A fixture's carrier. */
export type FixtureCarrier = (typeof FIXTURE_CARRIERS)[number];

/** One fixture file, validated. */
export interface RiskFixture {
  id: string;
  family: string;
  carrier: FixtureCarrier;
  label: 'attack' | 'benign';
  notes: string;
  /** The scanning server's name and other servers' tool names (for shadowing cases). */
  context?: { server?: string; otherTools?: Record<string, string[]> };
  /** The item (tool/prompt/resource carriers) or initialize result (server carrier). */
  definition?: JsonObject;
  /** The tools/call result (output carrier). */
  result?: JsonObject;
}

function isCarrier(value: unknown): value is FixtureCarrier {
  return (FIXTURE_CARRIERS as readonly unknown[]).includes(value);
}

function parseContext(value: unknown, file: string): RiskFixture['context'] {
  if (value === undefined) return undefined;
  const context = asObject(value);
  if (context === undefined) throw new Error(`${file}: context must be an object`);
  const server = context['server'];
  const other = asObject(context['otherTools']);
  const otherTools: Record<string, string[]> = {};
  for (const [name, servers] of Object.entries(other ?? {})) {
    const names = Array.isArray(servers) ? servers.filter((s) => typeof s === 'string') : [];
    if (!Array.isArray(servers) || names.length !== servers.length) {
      throw new Error(`${file}: context.otherTools.${name} must be a list of server names`);
    }
    otherTools[name] = names;
  }
  return { ...(typeof server === 'string' ? { server } : {}), otherTools };
}

/** Reads and validates one fixture file. */
export function readRiskFixture(file: string): RiskFixture {
  const raw = asObject(JSON.parse(readFileSync(file, 'utf8')));
  if (raw === undefined) throw new Error(`${file}: not a JSON object`);
  const { family, carrier, label, notes } = raw;
  if (typeof family !== 'string' || family === '') throw new Error(`${file}: family missing`);
  if (!isCarrier(carrier))
    throw new Error(`${file}: carrier must be one of ${FIXTURE_CARRIERS.join('|')}`);
  if (label !== 'attack' && label !== 'benign')
    throw new Error(`${file}: label must be attack|benign`);
  if (typeof notes !== 'string' || notes === '') throw new Error(`${file}: notes missing`);
  const definition = asObject(raw['definition']);
  const result = asObject(raw['result']);
  if (carrier === 'output' ? result === undefined : definition === undefined) {
    throw new Error(`${file}: ${carrier === 'output' ? 'result' : 'definition'} missing`);
  }
  const context = parseContext(raw['context'], file);
  return {
    id: basename(file, '.json'),
    family,
    carrier,
    label,
    notes,
    ...(context === undefined ? {} : { context }),
    ...(definition === undefined ? {} : { definition }),
    ...(result === undefined ? {} : { result }),
  };
}

/** The fixture files of a folder, sorted (empty when the folder does not exist). */
export function riskFixtureFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

function surfaceParts(fixture: RiskFixture, definition: JsonObject): SurfaceParts {
  switch (fixture.carrier) {
    case 'tool':
      return { tools: [definition] };
    case 'prompt':
      return { prompts: [definition] };
    case 'resource':
      return 'uriTemplate' in definition
        ? { resourceTemplates: [definition] }
        : { resources: [definition] };
    case 'server':
    case 'output':
      return { server: definition };
  }
}

/** Adds every fixture of `dir` to `out` under the corpus name `corpus`. */
export function loadFixtureDir(dir: string, corpus: string, out: DetectionCorpus): void {
  for (const file of riskFixtureFiles(dir)) {
    const fixture = readRiskFixture(file);
    const { id, family, label } = fixture;
    if (fixture.result !== undefined) {
      out.outputs.push({
        corpus,
        id,
        family,
        label,
        texts: outputTexts(fixture.result, '/result'),
      });
      continue;
    }
    const definition = fixture.definition ?? {};
    const serverInfo = asObject(definition['serverInfo']);
    const serverName =
      fixture.context?.server ??
      (typeof serverInfo?.['name'] === 'string' ? serverInfo['name'] : `${corpus}-fixture`);
    const otherTools = new Map(Object.entries(fixture.context?.otherTools ?? {}));
    out.definitions.push({
      ...definitionCase(surfaceParts(fixture, definition), serverName, otherTools),
      corpus,
      id,
      family,
      label,
      hasServer: fixture.carrier === 'server',
    });
  }
}
