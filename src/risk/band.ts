/**
 * Score → band → mode (DESIGN §7). The thresholds are inclusive lower bounds; each band has an
 * enforcement mode. Operators set both in the config file (`risk.thresholds.{medium,high,critical}`,
 * `risk.modes.{low,medium,high,critical}`); docs/risk-rules.md explains the defaults.
 */

import type { Band, RiskMode, RiskSettings } from './types.js';

/**
 * The defaults: medium from 20 points (one weak-but-real signal, e.g. an invisible character),
 * high from 45 (one strong signal such as "ignore previous instructions", or two that combine),
 * critical from 80 (several independent signals: a directive, a secret target and a destination).
 * Low and medium are allowed (the policy decides), high is quarantined, critical is blocked.
 */
export const DEFAULT_RISK_SETTINGS: RiskSettings = {
  thresholds: { medium: 20, high: 45, critical: 80 },
  modes: { low: 'allow', medium: 'allow', high: 'quarantine', critical: 'block' },
};

/** The band of a score under `settings` (thresholds are inclusive lower bounds). */
export function toBand(score: number, settings: RiskSettings): Band {
  const { medium, high, critical } = settings.thresholds;
  if (score >= critical) return 'critical';
  if (score >= high) return 'high';
  if (score >= medium) return 'medium';
  return 'low';
}

/** The mode of a band under `settings`. */
export function toMode(band: Band, settings: RiskSettings): RiskMode {
  return settings.modes[band];
}
