/**
 * The risk engine's vocabulary (DESIGN §7): findings, bands and modes. Everything here is data a
 * human can read back: a finding names its rule, its weight and where in the definition it was
 * found, never more of the server's text than the evidence span (made visible and truncated).
 */
import type { JsonObject } from '../surface/types.js';

/** Risk bands, lowest first. */
export const BANDS = ['low', 'medium', 'high', 'critical'] as const;
/** How risky a definition (or one output) looks. */
export type Band = (typeof BANDS)[number];

/** Enforcement modes, loosest first. Modes only ratchet tighter on re-scan (I5). */
export const RISK_MODES = ['allow', 'quarantine', 'block'] as const;
/**
 * - `allow`: the policy decides.
 * - `quarantine`: anything short of deny becomes pending_approval (a human approves each call).
 * - `block`: calls are denied and the item is hidden from listings.
 */
export type RiskMode = (typeof RISK_MODES)[number];

/** What kind of definition is scanned. `server` is the initialize result (instructions, serverInfo). */
export type DefinitionKind = 'tool' | 'prompt' | 'resource' | 'resourceTemplate' | 'server';

/** One finding: which rule fired, how much it weighs, and where. */
export interface Finding {
  /** Stable rule id, e.g. `hidden-instruction`, `sensitive-path`, `invisible-chars`. */
  ruleId: string;
  /** Points added to the score (after per-rule caps). */
  weight: number;
  /** Human sentence saying what was found (no server text beyond `evidence`). */
  message: string;
  /**
   * Where: a JSON Pointer into the scanned definition (`/description`,
   * `/inputSchema/properties/path/description`, `/name`), or `` for the whole definition.
   */
  pointer: string;
  /** UTF-16 offsets of the evidence in the string at `pointer` (`end` exclusive); 0,0 when none. */
  span: { start: number; end: number };
  /** The evidence, made visible (toVisible) and cut to at most 160 characters. */
  evidence: string;
}

/** The verdict on one definition. */
export interface ItemAssessment {
  /** `tool:<name>`, `prompt:<name>`, `resource:<uri>`, `resourceTemplate:<uriTemplate>`, `server`. */
  ref: string;
  kind: DefinitionKind;
  /** The item's key (name/URI), or `server`. */
  key: string;
  findings: Finding[];
  score: number;
  band: Band;
  mode: RiskMode;
}

/** Score thresholds (inclusive lower bounds) and the mode of each band. */
export interface RiskSettings {
  thresholds: { medium: number; high: number; critical: number };
  modes: Record<Band, RiskMode>;
}

/** What a scan knows beyond the definition itself. */
export interface ScanContext {
  /** The name the server is known by (to tell its own tools from others). */
  server: string;
  /** Tool names other servers advertise, with the servers that advertise them (shadowing). */
  otherTools: ReadonlyMap<string, readonly string[]>;
  /**
   * Names of the scanned server's own tools: references to them are not cross-tool references.
   * Optional; `scanSurface` fills it from the surface when absent.
   */
  ownTools?: readonly string[];
}

/** A surface's sections, as scanned (the `Surface` shape, without launch). */
export interface ScannableSurface {
  server: JsonObject;
  tools: Record<string, JsonObject>;
  prompts: Record<string, JsonObject>;
  resources: Record<string, JsonObject>;
  resourceTemplates: Record<string, JsonObject>;
}

/** A whole surface's assessment: every item, and the worst band and mode over them. */
export interface SurfaceAssessment {
  items: ItemAssessment[];
  band: Band;
  mode: RiskMode;
}

/** The ordinal of a band or mode, for comparisons (`rank(BANDS, b)`). */
export function rank<T extends string>(order: readonly T[], value: T): number {
  return order.indexOf(value);
}
