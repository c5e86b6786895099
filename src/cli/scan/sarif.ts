/**
 * `holdfast scan --sarif`: the report as a SARIF 2.1.0 log (OASIS SARIF v2.1.0, §3.13 sarifLog,
 * §3.14 run, §3.19 toolComponent, §3.27 result), for code-scanning dashboards and CI annotations.
 * One run, one `rules[]` entry per rule that fired, one result per finding. Servers that could not
 * be probed appear as error notifications of the run's invocation (§3.20.21), not as results.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Band, DefinitionKind } from '../../risk/index.js';
import type { JsonObject, JsonValue } from '../../surface/types.js';
import type { ScanReport } from './report.js';

/** The SARIF schema a consumer can validate the log against. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** What the log says about the tool that wrote it. */
export interface SarifToolInfo {
  /** Holdfast's version (from package.json). */
  version: string;
  /** Where to read about Holdfast and its rules. */
  informationUri: string;
}

/** A SARIF `level` (§3.27.10). */
export type SarifLevel = 'error' | 'warning' | 'note';

/** The level of a finding in an item of `band`: critical and high are errors. */
export function toSarifLevel(band: Band): SarifLevel {
  switch (band) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
      return 'note';
  }
}

/** The SARIF logical location kind (§3.33.7) closest to each kind of definition. */
const LOGICAL_KIND: Readonly<Record<DefinitionKind, string>> = {
  tool: 'function',
  prompt: 'object',
  resource: 'resource',
  resourceTemplate: 'resource',
  server: 'module',
};

/** Builds the SARIF log of a scan. */
export function toSarif(report: ScanReport, tool: SarifToolInfo): JsonObject {
  const rules: JsonObject[] = [];
  const ruleIndex = new Map<string, number>();
  const results: JsonValue[] = [];
  const notifications: JsonValue[] = [];
  for (const server of report.servers) {
    if (server.outcome.kind === 'failed') {
      notifications.push({
        level: 'error',
        message: {
          text: `${server.name}: could not scan (${server.outcome.code}): ${server.outcome.message}`,
        },
      });
      continue;
    }
    const physical = server.file === undefined ? undefined : toArtifactUri(server.file);
    for (const item of server.outcome.assessment.items) {
      for (const finding of item.findings) {
        let index = ruleIndex.get(finding.ruleId);
        if (index === undefined) {
          index = rules.length;
          ruleIndex.set(finding.ruleId, index);
          rules.push({
            id: finding.ruleId,
            name: finding.ruleId,
            shortDescription: { text: `Holdfast risk rule ${finding.ruleId}` },
            helpUri: tool.informationUri,
          });
        }
        const location: JsonObject = {
          logicalLocations: [
            {
              name: item.ref,
              fullyQualifiedName: `${server.name}/${item.ref}`,
              kind: LOGICAL_KIND[item.kind],
            },
          ],
        };
        if (physical !== undefined) {
          location['physicalLocation'] = { artifactLocation: { uri: physical } };
        }
        results.push({
          ruleId: finding.ruleId,
          ruleIndex: index,
          level: toSarifLevel(item.band),
          message: { text: `${item.ref}: ${finding.message}` },
          locations: [location],
          partialFingerprints: {
            'holdfastFinding/v1': fingerprint([
              server.name,
              item.ref,
              finding.ruleId,
              finding.pointer,
            ]),
          },
          properties: {
            server: server.name,
            ref: item.ref,
            band: item.band,
            score: item.score,
            mode: item.mode,
            weight: finding.weight,
            pointer: finding.pointer,
            evidence: finding.evidence,
          },
        });
      }
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'holdfast',
            informationUri: tool.informationUri,
            version: tool.version,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            toolExecutionNotifications: notifications,
          },
        ],
        results,
        properties: { failOn: report.failOn, failed: report.failed },
      },
    ],
  };
}

/**
 * A file path as a SARIF artifact URI (§3.4.3): relative paths stay relative (so CI tools resolve
 * them against the checkout), with `/` separators and every segment percent-encoded; absolute paths
 * become `file:` URLs. Undefined for stdin (`-`).
 */
export function toArtifactUri(file: string): string | undefined {
  if (file === '-') return undefined;
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .split(sep)
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '' && part !== '.')
    .map(encodeURIComponent)
    .join('/');
}

/** A stable id of one finding across runs, for deduplication by code-scanning services. */
function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}
