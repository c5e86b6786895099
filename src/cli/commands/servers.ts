import type { ServerRecord } from '../../pinning/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openStore, writeJson } from '../deps.js';

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
  };
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
      short(s.approvedDigest),
      short(s.observedDigest),
      s.updatedAt,
    ]);
    const header = ['NAME', 'STATUS', 'TOOLS', 'APPROVED', 'OBSERVED', 'UPDATED'];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
    );
    for (const row of [header, ...rows]) {
      deps.stdout.write(
        `${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
      );
    }
    const attention = summaries.filter((s) => s.status !== 'verified');
    for (const s of attention) {
      deps.stdout.write(`\n${s.name}: ${s.reason}\n  review: holdfast diff ${s.name}\n`);
    }
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

function short(digest: string | null): string {
  return digest === null ? '-' : `${digest.slice(0, 19)}…`;
}
