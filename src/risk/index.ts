/**
 * The risk engine (DESIGN §7): a deterministic, explainable scanner of server definitions and of
 * tool outputs. Rules, weights and thresholds are documented in docs/risk-rules.md.
 */

export { DEFAULT_RISK_SETTINGS, toBand } from './band.js';
export { OUTPUT_SECRET_RULE, scanOutputText } from './output.js';
export { scanDefinition, scanSurface } from './scan.js';
export type {
  Band,
  DefinitionKind,
  Finding,
  ItemAssessment,
  RiskMode,
  RiskSettings,
  ScanContext,
  ScannableSurface,
  SurfaceAssessment,
} from './types.js';
export { BANDS, rank, RISK_MODES } from './types.js';
