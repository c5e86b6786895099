/**
 * The risk scanner (DESIGN §7): every rule over one definition, or over every item of a surface.
 * Deterministic and explainable: the same input gives the same findings, each naming its rule,
 * weight, JSON Pointer and evidence.
 */

import type { JsonObject } from '../surface/types.js';
import { toBand, toMode } from './band.js';
import type { DefinitionRule, RuleHit } from './rule.js';
import { broadSchema } from './rules/broad-schema.js';
import { combinationHit } from './rules/combination.js';
import { concealment } from './rules/concealment.js';
import { credentialPhishing } from './rules/credential-phishing.js';
import { crossTool } from './rules/cross-tool.js';
import { destructive } from './rules/destructive.js';
import { exfilParameter } from './rules/exfil-parameter.js';
import { hiddenChars } from './rules/hidden-chars.js';
import { hiddenInstruction } from './rules/hidden-instruction.js';
import { homoglyph } from './rules/homoglyph.js';
import { dampLoneSecrets } from './rules/lone-secret.js';
import { padding } from './rules/padding.js';
import { sensitiveTarget } from './rules/sensitive-target.js';
import { suspiciousUrl } from './rules/suspicious-url.js';
import { scoreOf, toFindings } from './score.js';
import { collectStrings } from './strings.js';
import {
  type Band,
  BANDS,
  type DefinitionKind,
  type ItemAssessment,
  rank,
  RISK_MODES,
  type RiskMode,
  type RiskSettings,
  type ScanContext,
  type ScannableSurface,
  type SurfaceAssessment,
} from './types.js';

/** Every definition rule, in the order documented in docs/risk-rules.md. */
export const DEFINITION_RULES: readonly DefinitionRule[] = [
  hiddenInstruction,
  concealment,
  sensitiveTarget,
  credentialPhishing,
  exfilParameter,
  suspiciousUrl,
  hiddenChars,
  homoglyph,
  crossTool,
  destructive,
  broadSchema,
  padding,
];

/** The `ref` of an item: `tool:<name>`, `prompt:<name>`, `resource:<uri>`, … or `server`. */
export function refOf(kind: DefinitionKind, key: string): string {
  return kind === 'server' ? 'server' : `${kind}:${key}`;
}

/** Scans one definition: findings, score, band and the mode the band maps to. */
export function scanDefinition(
  kind: DefinitionKind,
  key: string,
  definition: JsonObject,
  ctx: ScanContext,
  settings: RiskSettings,
): ItemAssessment {
  const { strings, truncated } = collectStrings(definition);
  const input = { kind, key, definition, ctx, strings };
  const hits: RuleHit[] = dampLoneSecrets(DEFINITION_RULES.flatMap((rule) => rule(input)));
  if (truncated) {
    hits.push({
      ruleId: 'excessive-length',
      weight: 12,
      message: 'definition too large or too deep to scan in full',
      pointer: '',
      span: { start: 0, end: 0 },
    });
  }
  const combined = combinationHit(hits);
  if (combined !== undefined) hits.push(combined);
  const texts = new Map(strings.map((s) => [s.pointer, s.original]));
  const findings = toFindings(hits, (pointer) => texts.get(pointer));
  const score = scoreOf(findings);
  const band = toBand(score, settings);
  return { ref: refOf(kind, key), kind, key, findings, score, band, mode: toMode(band, settings) };
}

const SECTION_KINDS = [
  ['tools', 'tool'],
  ['prompts', 'prompt'],
  ['resources', 'resource'],
  ['resourceTemplates', 'resourceTemplate'],
] as const;

/**
 * Scans the `server` item (initialize result) and every item of every section. Items are sorted
 * by ref; the surface's band and mode are the worst of its items'.
 */
export function scanSurface(
  surface: ScannableSurface,
  ctx: ScanContext,
  settings: RiskSettings,
): SurfaceAssessment {
  const context: ScanContext =
    ctx.ownTools === undefined ? { ...ctx, ownTools: Object.keys(surface.tools) } : ctx;
  const items: ItemAssessment[] = [
    scanDefinition('server', 'server', surface.server, context, settings),
  ];
  for (const [section, kind] of SECTION_KINDS) {
    for (const [key, definition] of Object.entries(surface[section])) {
      items.push(scanDefinition(kind, key, definition, context, settings));
    }
  }
  items.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  let band: Band = BANDS[0];
  let mode: RiskMode = RISK_MODES[0];
  for (const item of items) {
    if (rank(BANDS, item.band) > rank(BANDS, band)) band = item.band;
    if (rank(RISK_MODES, item.mode) > rank(RISK_MODES, mode)) mode = item.mode;
  }
  return { items, band, mode };
}
