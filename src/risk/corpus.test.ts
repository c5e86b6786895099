/**
 * Quality gate on the development corpora (docs/risk-rules.md "Measured"): attack definitions must
 * reach medium or above, real benign tools must stay below high, attack outputs must be flagged
 * and benign outputs must not. Fails when a rule change regresses either side.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { JsonObject, JsonValue } from '../surface/types.js';
import {
  DEFAULT_RISK_SETTINGS,
  OUTPUT_SECRET_RULE,
  type ScanContext,
  scanOutputText,
  scanSurface,
} from './index.js';
import type { Band, ScannableSurface } from './types.js';

const SHARED = fileURLToPath(new URL('../../test/fixtures/shared-data/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/risk/', import.meta.url));
const MCPTOX = join(SHARED, 'mcpm-guard-fixtures/mcptox');

interface DefinitionCase {
  id: string;
  surface: ScannableSurface;
  ctx: ScanContext;
}
interface OutputCase {
  id: string;
  texts: string[];
}

const asObject = (v: unknown): JsonObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
const objects = (v: JsonValue | undefined): JsonObject[] =>
  Array.isArray(v)
    ? v.flatMap((x): JsonObject[] => {
        const o = asObject(x);
        return o === undefined ? [] : [o];
      })
    : [];
const keyed = (items: JsonObject[], field: string): Record<string, JsonObject> =>
  Object.fromEntries(
    items.map((item, i) => [typeof item[field] === 'string' ? item[field] : `#${String(i)}`, item]),
  );
const readJson = (file: string): JsonObject =>
  asObject(JSON.parse(readFileSync(file, 'utf8'))) ?? {};
const jsonFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));

function surfaceOf(parts: {
  server?: JsonObject;
  tools?: JsonObject[];
  prompts?: JsonObject[];
  resources?: JsonObject[];
  resourceTemplates?: JsonObject[];
}): ScannableSurface {
  return {
    server: parts.server ?? {},
    tools: keyed(parts.tools ?? [], 'name'),
    prompts: keyed(parts.prompts ?? [], 'name'),
    resources: keyed(parts.resources ?? [], 'uri'),
    resourceTemplates: keyed(parts.resourceTemplates ?? [], 'uriTemplate'),
  };
}

/** Every string leaf, skipping content types and base64. */
function texts(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  const o = asObject(value);
  if (o === undefined) return [];
  return Object.entries(o).flatMap(([k, v]) =>
    ['type', 'mimeType', 'blob', 'data'].includes(k) ? [] : texts(v),
  );
}

const noContext = (server: string): ScanContext => ({ server, otherTools: new Map() });

/** The mcptox frames of one folder, split into definitions (list/initialize results) and outputs. */
function mcptox(folder: string): { definitions: DefinitionCase[]; outputs: OutputCase[] } {
  const definitions: DefinitionCase[] = [];
  const outputs: OutputCase[] = [];
  for (const file of jsonFiles(join(MCPTOX, folder))) {
    const message = asObject(readJson(file)['message']) ?? {};
    const method = message['method'];
    const result = asObject(message['result']);
    const id = `${folder}/${file.split('/').pop() ?? ''}`;
    if (method === 'sampling/createMessage' || method === 'elicitation/create')
      outputs.push({ id, texts: texts(message['params']) });
    else if (typeof method === 'string' || result === undefined) continue;
    else if (Array.isArray(result['tools']) || typeof result['protocolVersion'] === 'string') {
      const server = typeof result['protocolVersion'] === 'string' ? result : undefined;
      definitions.push({
        id,
        surface: surfaceOf({ tools: objects(result['tools']), ...(server ? { server } : {}) }),
        ctx: noContext(id),
      });
    } else outputs.push({ id, texts: texts(result) });
  }
  return { definitions, outputs };
}

function driftSide(
  side: 'install_time_definition' | 'post_install_definition',
  name: string,
): DefinitionCase {
  const pair = readJson(join(MCPTOX, 'drift', `${name}.json`));
  return {
    id: `drift/${name}:${side}`,
    surface: surfaceOf({ tools: [asObject(pair[side]) ?? {}] }),
    ctx: noContext(name),
  };
}

/** The project's own dev fixtures (test/fixtures/risk/dev/), by label. */
function devFixtures(label: 'attack' | 'benign'): {
  definitions: DefinitionCase[];
  outputs: OutputCase[];
} {
  const definitions: DefinitionCase[] = [];
  const outputs: OutputCase[] = [];
  for (const file of jsonFiles(join(FIXTURES, 'dev'))) {
    const fx = readJson(file);
    if (fx['label'] !== label) continue;
    const id = `dev/${file.split('/').pop() ?? ''}`;
    if (fx['carrier'] === 'output') {
      outputs.push({ id, texts: texts(fx['result']) });
      continue;
    }
    const d = asObject(fx['definition']) ?? {};
    const carrier = fx['carrier'];
    const context = asObject(fx['context']);
    const other = asObject(context?.['otherTools']) ?? {};
    const otherTools = new Map(Object.entries(other).map(([k, v]) => [k, texts(v)]));
    definitions.push({
      id,
      surface: surfaceOf(
        carrier === 'server'
          ? { server: d }
          : carrier === 'prompt'
            ? { prompts: [d] }
            : carrier === 'resource'
              ? 'uriTemplate' in d
                ? { resourceTemplates: [d] }
                : { resources: [d] }
              : { tools: [d] },
      ),
      ctx: {
        server: typeof context?.['server'] === 'string' ? context['server'] : 'dev',
        otherTools,
      },
    });
  }
  return { definitions, outputs };
}

/** LiveMCPBench: 527 real tools of 70 servers, each server scanned knowing the others' tools. */
function liveMcpBench(): DefinitionCase[] {
  const lines = readFileSync(join(SHARED, 'livemcpbench-tools/tools.flat.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const byServer = new Map<string, JsonObject[]>();
  for (const line of lines) {
    const t = asObject(JSON.parse(line)) ?? {};
    const server = typeof t['server_key'] === 'string' ? t['server_key'] : '?';
    const tool: JsonObject = {
      name: t['name'] ?? '',
      description: t['description'] ?? '',
      inputSchema: t['inputSchema'] ?? { type: 'object' },
    };
    byServer.set(server, [...(byServer.get(server) ?? []), tool]);
  }
  const otherTools = new Map<string, string[]>();
  for (const [server, tools] of byServer) {
    for (const t of tools) {
      const name = typeof t['name'] === 'string' ? t['name'] : '';
      otherTools.set(name, [...(otherTools.get(name) ?? []), server]);
    }
  }
  return [...byServer].map(([server, tools]) => ({
    id: server,
    surface: surfaceOf({ tools }),
    ctx: { server, otherTools },
  }));
}

function bandsOf(c: DefinitionCase): { ref: string; band: Band }[] {
  return scanSurface(c.surface, c.ctx, DEFAULT_RISK_SETTINGS).items.map((i) => ({
    ref: `${c.id} ${i.ref}`,
    band: i.band,
  }));
}
const worst = (c: DefinitionCase): Band =>
  scanSurface(c.surface, c.ctx, DEFAULT_RISK_SETTINGS).band;
const atLeast = (band: Band, floor: Band): boolean =>
  ['low', 'medium', 'high', 'critical'].indexOf(band) >=
  ['low', 'medium', 'high', 'critical'].indexOf(floor);
const flagged = (c: OutputCase, rule: (id: string) => boolean = () => true): boolean =>
  c.texts.some((t) => scanOutputText(t).some((f) => rule(f.ruleId)));

if (!existsSync(MCPTOX))
  throw new Error(`shared data not found at ${SHARED}: the corpus gate cannot run`);

describe('the development corpora', () => {
  const attacks = [
    ...mcptox('attacks').definitions,
    driftSide('post_install_definition', 'mcpoison-cve-2025-54136-equivalent'),
    ...devFixtures('attack').definitions,
  ];

  it('puts at least 95% of attack definitions at medium or above', () => {
    const missed = attacks.filter((c) => !atLeast(worst(c), 'medium')).map((c) => c.id);
    expect(attacks.length).toBeGreaterThanOrEqual(40);
    expect(missed.length / attacks.length, `missed: ${missed.join(', ')}`).toBeLessThanOrEqual(
      0.05,
    );
  });

  it('keeps at most 2% of the 527 real benign tools at high or above', () => {
    const items = liveMcpBench()
      .flatMap(bandsOf)
      .filter((i) => !i.ref.endsWith(' server'));
    const high = items.filter((i) => atLeast(i.band, 'high')).map((i) => i.ref);
    expect(items).toHaveLength(527);
    expect(high.length / items.length, `high: ${high.join(', ')}`).toBeLessThanOrEqual(0.02);
  });

  it('keeps benign fixtures, sessions, drift upgrades and reference servers below high', () => {
    const captured = existsSync(join(FIXTURES, 'captured'))
      ? jsonFiles(join(FIXTURES, 'captured')).map((file) => {
          const c = readJson(file);
          const server = asObject(c['initialize']);
          const parts = {
            tools: objects(c['tools']),
            prompts: objects(c['prompts']),
            resources: objects(c['resources']),
            resourceTemplates: objects(c['resourceTemplates']),
          };
          return {
            id: file,
            surface: surfaceOf(server ? { ...parts, server } : parts),
            ctx: noContext(typeof c['server'] === 'string' ? c['server'] : file),
          };
        })
      : [];
    const benign = [
      ...mcptox('benign').definitions,
      driftSide('post_install_definition', 'legitimate-upgrade'),
      driftSide('install_time_definition', 'mcpoison-cve-2025-54136-equivalent'),
      ...devFixtures('benign').definitions,
      ...captured,
    ];
    const high = benign.filter((c) => atLeast(worst(c), 'high')).map((c) => c.id);
    expect(high).toEqual([]);
  });

  it('flags at least 95% of attack outputs (tool results, resources, sampling and elicitation)', () => {
    const outputs = [
      ...mcptox('attacks').outputs,
      ...mcptox('warn').outputs,
      ...devFixtures('attack').outputs,
    ];
    const missed = outputs.filter((c) => !flagged(c)).map((c) => c.id);
    expect(outputs.length).toBeGreaterThanOrEqual(25);
    expect(missed.length / outputs.length, `missed: ${missed.join(', ')}`).toBeLessThanOrEqual(
      0.05,
    );
  });

  it('flags no benign output as injection', () => {
    const sessions = readdirSync(join(SHARED, 'mcpm-guard-fixtures/legitimate-corpus'))
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) =>
        readFileSync(join(SHARED, 'mcpm-guard-fixtures/legitimate-corpus', f), 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '' && !l.startsWith('#'))
          .flatMap((l, i) => {
            const result = asObject(asObject(JSON.parse(l))?.['result']);
            if (result === undefined || 'tools' in result || 'protocolVersion' in result) return [];
            return [{ id: `${f}:${String(i)}`, texts: texts(result) }];
          }),
      );
    const benign = [...mcptox('benign').outputs, ...devFixtures('benign').outputs, ...sessions];
    const injected = benign
      .filter((c) => flagged(c, (id) => id !== OUTPUT_SECRET_RULE))
      .map((c) => c.id);
    const secret = benign
      .filter((c) => flagged(c, (id) => id === OUTPUT_SECRET_RULE))
      .map((c) => c.id);
    expect(benign.length).toBeGreaterThanOrEqual(25);
    expect(injected).toEqual([]);
    expect(secret).toEqual([]);
  });
});
