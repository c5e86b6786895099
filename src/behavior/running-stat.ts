/**
 * The `size` and `latency` detectors' statistics: Welford's online mean and variance (Welford
 * 1962; Knuth TAOCP vol. 2 §4.2.2), numerically stable for long runs.
 */
import type { RunningStat } from './profile.js';

/** How far out a value must be (see BehaviorSettings). */
export interface OutlierBand {
  sigmas: number;
  ratio: number;
  slack: number;
}

/** `stat` with `x` added. */
export function addSample(stat: RunningStat, x: number): RunningStat {
  const n = stat.n + 1;
  const delta = x - stat.mean;
  const mean = stat.mean + delta / n;
  const m2 = stat.m2 + delta * (x - mean);
  return Object.freeze({ n, mean, m2: Math.max(0, m2) });
}

/**
 * Whether `x` is far above what `stat` learned: above mean + `sigmas`·σ, above `ratio`·mean and
 * above mean + `slack`, all three (so a tiny, very stable value does not alert on noise). Needs
 * two samples to say anything.
 */
export function isOutlier(stat: RunningStat, x: number, band: OutlierBand): boolean {
  if (stat.n < 2) return false;
  const sigma = Math.sqrt(stat.m2 / stat.n);
  return (
    x > stat.mean + band.sigmas * sigma && x > band.ratio * stat.mean && x > stat.mean + band.slack
  );
}

/** The threshold a value had to exceed, rounded, for evidence. */
export function describeBand(stat: RunningStat, band: OutlierBand): string {
  const sigma = Math.sqrt(stat.m2 / Math.max(1, stat.n));
  const limit = Math.max(
    stat.mean + band.sigmas * sigma,
    band.ratio * stat.mean,
    stat.mean + band.slack,
  );
  return `learned mean ${Math.round(stat.mean)}, σ ${Math.round(sigma)}, limit ${Math.round(limit)} over ${stat.n} results`;
}
