import type { ServerRecord } from '../../pinning/types.js';
import type { Band } from '../../risk/types.js';
import { BANDS, rank } from '../../risk/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openStore, toTerminalSafe, writeJson, writeTable } from '../deps.js';

/** One server as `holdfast servers --json` prints it. */
export interface ServerSummary {
  name: string;
  status: ServerRecord['status'];
  approvedDigest: string | null;
  observedDigest: string | null;
  reason: string;
  tools: number;
  updatedAt: string;
  approvedBy: string | null;
  /** The worst band over the items assessed, and the items whose mode is not `allow`. */
  risk: {
    band: Band | null;
    quarantined: string[];
    blocked: string[];
  };
}

/** Summarizes a record without any server-authored text. */
export function toServerSummary(record: ServerRecord): ServerSummary {
  return {
    name: record.name,
    status: record.status,
    approvedDigest: record.baseline?.digests.surface ?? null,
    observedDigest: record.observed?.digests.surface ?? null,
    reason: record.reason,
    tools: Object.keys(record.observed?.surface.tools ?? {}).length,
    updatedAt: new Date(record.updatedAt).toISOString(),
    approvedBy: record.baseline?.approvedBy ?? null,
    risk: toRiskSummary(record),
  };
}

/** The worst band of `record`'s items and which of them are quarantined or blocked. */
function toRiskSummary(record: ServerRecord): ServerSummary['risk'] {
  const items = Object.entries(record.risk?.items ?? {});
  let band: Band | null = null;
  for (const [, item] of items) {
    if (band === null || rank(BANDS, item.band) > rank(BANDS, band)) band = item.band;
  }
  const refs = (mode: string): string[] =>
    items.filter(([, item]) => item.mode === mode).map(([ref]) => ref);
  return { band, quarantined: refs('quarantine'), blocked: refs('block') };
}

function riskCell(risk: ServerSummary['risk']): string {
  const restricted = [
    risk.quarantined.length > 0 ? `${risk.quarantined.length} quarantined` : '',
    risk.blocked.length > 0 ? `${risk.blocked.length} blocked` : '',
  ].filter((part) => part !== '');
  return `${risk.band ?? '-'}${restricted.length > 0 ? ` (${restricted.join(', ')})` : ''}`;
}

/** `holdfast servers`: each server's status and digests. */
export async function serversCommand(options: GlobalOptions, deps: CliDeps): Promise<number> {
  const store = openStore(options, deps.env);
  try {
    const summaries = (await store.listServers()).map(toServerSummary);
    if (options.json === true) {
      writeJson(deps, { servers: summaries });
      return EXIT.OK;
    }
    if (summaries.length === 0) {
      deps.stdout.write(
        'No servers yet. Wrap one with: holdfast run --name NAME -- COMMAND ARGS...\n',
      );
      return EXIT.OK;
    }
    const rows = summaries.map((s) => [
      s.name,
      s.status,
      String(s.tools),
      riskCell(s.risk),
      short(s.approvedDigest),
      short(s.observedDigest),
      s.updatedAt,
    ]);
    const header = ['NAME', 'STATUS', 'TOOLS', 'RISK', 'APPROVED', 'OBSERVED', 'UPDATED'];
    writeTable(deps, header, rows);
    const attention = summaries.filter((s) => s.status !== 'verified');
    for (const s of attention) {
      deps.stdout.write(`\n${s.name}: ${s.reason}\n  review: holdfast diff ${s.name}\n`);
    }
    for (const s of summaries) {
      const restricted = [...s.risk.blocked, ...s.risk.quarantined];
      if (restricted.length === 0) continue;
      deps.stdout.write(
        `\n${s.name}: restricted by risk: ${restricted.map(toTerminalSafe).join(', ')}\n  review: holdfast diff ${s.name}\n`,
      );
    }
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

function short(digest: string | null): string {
  return digest === null ? '-' : `${digest.slice(0, 19)}…`;
}
