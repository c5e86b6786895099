import { describe, expect, it } from 'vitest';

import type { Band, Finding, ItemAssessment } from '../../risk/index.js';
import type { ServerScan } from './report.js';
import { toScanReport } from './report.js';
import { SARIF_SCHEMA, toArtifactUri, toSarif, toSarifLevel } from './sarif.js';

const TOOL = { version: '1.2.3', informationUri: 'https://holdfast.example/docs' };

function finding(ruleId: string, weight: number): Finding {
  return {
    ruleId,
    weight,
    message: `${ruleId} found`,
    pointer: '/description',
    span: { start: 0, end: 4 },
    evidence: 'text',
  };
}

function item(name: string, band: Band, findings: Finding[]): ItemAssessment {
  return {
    ref: `tool:${name}`,
    kind: 'tool',
    key: name,
    findings,
    score: findings.reduce((sum, f) => sum + f.weight, 0),
    band,
    mode: 'allow',
  };
}

function server(name: string, items: ItemAssessment[], file?: string): ServerScan {
  return {
    name,
    source: file === undefined ? 'command' : 'client-config',
    ...(file === undefined ? {} : { file }),
    outcome: { kind: 'scanned', assessment: { items, band: 'critical', mode: 'block' } },
  };
}

/** Narrow access into the log without casts at every step. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown>)[key];
  return current;
}

const REPORT = toScanReport(
  [
    server('notes', [
      item('search_notes', 'critical', [
        finding('hidden-instruction', 40),
        finding('sensitive-path', 30),
      ]),
      item('add_note', 'low', []),
    ]),
    server(
      'fs',
      [item('read_file', 'medium', [finding('shadowed-name', 20)])],
      'configs/claude.json',
    ),
    {
      name: 'broken',
      source: 'client-config',
      file: 'configs/claude.json',
      outcome: { kind: 'failed', code: 'UPSTREAM_SPAWN_FAILED', message: 'Failed to start' },
    },
  ],
  'high',
);

describe('toSarif', () => {
  const log = toSarif(REPORT, TOOL);
  const run = at(log, 'runs', 0);
  const results = at(run, 'results') as unknown[];

  it('is a SARIF 2.1.0 log with one run by the holdfast driver', () => {
    // sarifLog (§3.13): version and runs are required; $schema lets consumers validate.
    expect(log['version']).toBe('2.1.0');
    expect(log['$schema']).toBe(SARIF_SCHEMA);
    expect(at(log, 'runs')).toHaveLength(1);
    // toolComponent (§3.19): name is required.
    expect(at(run, 'tool', 'driver')).toMatchObject({
      name: 'holdfast',
      version: '1.2.3',
      informationUri: 'https://holdfast.example/docs',
    });
  });

  it('declares each rule that fired once, and every result points at its rule', () => {
    const rules = at(run, 'tool', 'driver', 'rules') as { id: string }[];
    expect(rules.map((r) => r.id)).toEqual([
      'hidden-instruction',
      'sensitive-path',
      'shadowed-name',
    ]);
    for (const rule of rules)
      expect(at(rule, 'shortDescription', 'text')).toEqual(expect.any(String));
    for (const result of results) {
      const index = at(result, 'ruleIndex') as number;
      expect(rules[index]?.id).toBe(at(result, 'ruleId'));
    }
  });

  it('has one result per finding, each with a message (required by §3.27.11)', () => {
    expect(results).toHaveLength(3);
    for (const result of results) expect(at(result, 'message', 'text')).toEqual(expect.any(String));
  });

  it('maps bands to levels: critical and high are errors, medium a warning, low a note', () => {
    expect(results.map((r) => at(r, 'level'))).toEqual(['error', 'error', 'warning']);
    expect((['critical', 'high', 'medium', 'low'] as const).map(toSarifLevel)).toEqual([
      'error',
      'error',
      'warning',
      'note',
    ]);
  });

  it('locates each result logically as server/ref, and physically in the file it came from', () => {
    expect(at(results[0], 'locations', 0)).toEqual({
      logicalLocations: [
        {
          name: 'tool:search_notes',
          fullyQualifiedName: 'notes/tool:search_notes',
          kind: 'function',
        },
      ],
    });
    expect(at(results[2], 'locations', 0, 'physicalLocation')).toEqual({
      artifactLocation: { uri: 'configs/claude.json' },
    });
  });

  it('carries band, score, weight, pointer and evidence as properties', () => {
    expect(at(results[1], 'properties')).toMatchObject({
      server: 'notes',
      ref: 'tool:search_notes',
      band: 'critical',
      score: 70,
      weight: 30,
      pointer: '/description',
      evidence: 'text',
    });
  });

  it('gives each finding a stable fingerprint that differs between findings', () => {
    const prints = results.map((r) => at(r, 'partialFingerprints', 'holdfastFinding/v1'));
    expect(new Set(prints).size).toBe(3);
    expect(at(toSarif(REPORT, TOOL), 'runs', 0, 'results', 0, 'partialFingerprints')).toEqual(
      at(results[0], 'partialFingerprints'),
    );
  });

  it('reports a server that could not be scanned as a failed invocation, not a result', () => {
    expect(at(run, 'invocations', 0, 'executionSuccessful')).toBe(false);
    expect(at(run, 'invocations', 0, 'toolExecutionNotifications')).toEqual([
      {
        level: 'error',
        message: { text: 'broken: could not scan (UPSTREAM_SPAWN_FAILED): Failed to start' },
      },
    ]);
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(log))).toEqual(log);
  });
});

describe('toArtifactUri', () => {
  it('keeps a relative path relative, with / separators and encoded segments', () => {
    expect(toArtifactUri('./configs/my config#1.json')).toBe('configs/my%20config%231.json');
  });

  it('turns an absolute path into a file URL', () => {
    expect(toArtifactUri('/etc/mcp/claude.json')).toBe('file:///etc/mcp/claude.json');
  });

  it('has no artifact for stdin', () => {
    expect(toArtifactUri('-')).toBeUndefined();
  });
});
