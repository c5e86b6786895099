/**
 * The outcome of `holdfast scan`, shared by the human, JSON and SARIF renderers: one entry per
 * server (scanned, or failed to probe), the `--fail-on` threshold and whether the gate tripped.
 */
import type { Band, ItemAssessment, RiskMode, SurfaceAssessment } from '../../risk/index.js';
import { BANDS, rank } from '../../risk/index.js';

/** `--fail-on` values: a band, or `none` (never fail for risk). */
export const FAIL_ON = [...BANDS, 'none'] as const;
/** The threshold of the risk gate. */
export type FailOn = (typeof FAIL_ON)[number];

/** How a server came to be scanned. */
export type ScanSource = 'command' | 'url' | 'file' | 'client-config';

/** One server's scan. */
export interface ServerScan {
  /** The server's name (`--name`, the client configuration's key, or derived). */
  name: string;
  source: ScanSource;
  /** For `file` and `client-config`: the file scanned, as given (`-` for stdin). */
  file?: string;
  outcome:
    | { kind: 'scanned'; assessment: SurfaceAssessment }
    | { kind: 'failed'; code: string; message: string };
}

/** The whole scan. */
export interface ScanReport {
  servers: ServerScan[];
  failOn: FailOn;
  /** Whether any item reached `failOn` (the risk gate, exit 6). */
  failed: boolean;
}

/**
 * Whether an item trips the gate: it has findings and its band is at least `failOn`. An item
 * nothing was found in is in the lowest band but never fails a scan, even with `--fail-on low`.
 */
export function isAtOrAbove(item: ItemAssessment, failOn: FailOn): boolean {
  if (failOn === 'none' || item.findings.length === 0) return false;
  return rank(BANDS, item.band) >= rank(BANDS, failOn);
}

/** Assembles the report and decides the gate. */
export function toScanReport(servers: ServerScan[], failOn: FailOn): ScanReport {
  const failed = servers.some(
    (s) =>
      s.outcome.kind === 'scanned' &&
      s.outcome.assessment.items.some((item) => isAtOrAbove(item, failOn)),
  );
  return { servers, failOn, failed };
}

/** One server as `--json` prints it. */
export interface ServerScanJson {
  name: string;
  source: ScanSource;
  file?: string;
  /** Worst band and its mode over the items; null when the server could not be probed. */
  band: Band | null;
  mode: RiskMode | null;
  items: ItemAssessment[];
  /** Why the server could not be probed (a stable code and a message without server text). */
  error?: { code: string; message: string };
}

/** The `--json` document: `{servers, failOn, failed}`. */
export function toScanJson(report: ScanReport): {
  servers: ServerScanJson[];
  failOn: FailOn;
  failed: boolean;
} {
  const servers = report.servers.map((s): ServerScanJson => {
    const head = {
      name: s.name,
      source: s.source,
      ...(s.file === undefined ? {} : { file: s.file }),
    };
    if (s.outcome.kind === 'failed') {
      const { code, message } = s.outcome;
      return { ...head, band: null, mode: null, items: [], error: { code, message } };
    }
    const { band, mode, items } = s.outcome.assessment;
    return { ...head, band, mode, items };
  });
  return { servers, failOn: report.failOn, failed: report.failed };
}
