/** Reviewer actions through the real CLI. */
import { runCli, runCliJson } from './holdfast.js';

/** What `holdfast diff --json` prints. */
export interface DiffJson {
  server: string;
  status: string;
  approvedDigest: string | null;
  observedDigest: string;
  diff: { isEmpty: boolean; changes: { section: string; key: string; kind: string }[] };
}

/** The server's status as `holdfast servers --json` reports it. */
export function statusOf(home: string, name = 'notes'): string | undefined {
  const { servers } = runCliJson<{ servers: { name: string; status: string }[] }>(
    ['servers'],
    home,
  );
  return servers.find((s) => s.name === name)?.status;
}

/** Reads the diff and approves exactly the observed digest it shows. */
export function approveObserved(home: string, name = 'notes', extra: string[] = []): DiffJson {
  const diff = runCliJson<DiffJson>(['diff', name], home);
  const result = runCli(['approve', name, '--digest', diff.observedDigest, ...extra], home);
  if (result.code !== 0) throw new Error(`approve failed (${result.code}): ${result.stderr}`);
  return diff;
}

/** The items of `name` the risk engine (or a human) has blocked, from `holdfast servers --json`. */
export function blockedItems(home: string, name = 'notes'): string[] {
  const { servers } = runCliJson<{ servers: { name: string; risk: { blocked: string[] } }[] }>(
    ['servers'],
    home,
  );
  return servers.find((s) => s.name === name)?.risk.blocked ?? [];
}
