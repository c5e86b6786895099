import type { ServerSummary } from '../../pinning/server-summary.js';
import { toServerSummary } from '../../pinning/server-summary.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openStore, toTerminalSafe, writeJson, writeTable } from '../deps.js';

export type { ServerSummary } from '../../pinning/server-summary.js';
export { toServerSummary } from '../../pinning/server-summary.js';

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
