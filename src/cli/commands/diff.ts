import type { ServerRecord } from '../../pinning/types.js';
import { diffSurfaces } from '../../surface/diff.js';
import { renderDiff } from '../../surface/render-diff.js';
import type { Surface } from '../../surface/types.js';
import { SECTIONS } from '../../surface/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT, openStore, writeJson } from '../deps.js';

/**
 * `holdfast diff NAME`: what the server shows now against what was approved, as the same client
 * profile saw it, with hidden characters made visible, and the exact approve command.
 */
export async function diffCommand(
  name: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  const store = openStore(options, deps.env);
  try {
    const record = await store.getServer(name);
    if (record === undefined) {
      deps.stderr.write(`holdfast: no server named "${name}" has been seen\n`);
      return EXIT.NOT_FOUND;
    }
    const observed = record.observed;
    if (observed === null) {
      deps.stderr.write(`holdfast: server "${name}" has no observed surface yet\n`);
      return EXIT.NOT_FOUND;
    }
    const before = approvedForProfile(record);
    const diff = diffSurfaces(before, observed.surface);
    const approvedDigest = record.baseline?.digests.surface ?? null;
    const observedDigest = observed.digests.surface;
    const approveCommand = `holdfast approve ${name} --digest ${observedDigest}`;
    if (options.json === true) {
      writeJson(deps, {
        server: name,
        status: record.status,
        reason: record.reason,
        approvedDigest,
        observedDigest,
        approveCommand,
        diff,
      });
      return EXIT.OK;
    }
    deps.stdout.write(
      `Server:   ${name}\nStatus:   ${record.status} (${record.reason})\nApproved: ${approvedDigest ?? '(nothing approved yet)'}\nObserved: ${observedDigest}\n\n`,
    );
    deps.stdout.write(renderDiff(diff, { color: false }));
    deps.stdout.write(`\nTo approve exactly what is shown above:\n  ${approveCommand}\n`);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

/** The approved items the observed client profile lists (all of them for an unknown profile). */
function approvedForProfile(record: ServerRecord): Surface {
  const baseline = record.baseline;
  const observed = record.observed;
  const empty: Surface = {
    server: {},
    launch: {},
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
  if (baseline === null) return empty;
  const keys =
    observed !== null && Object.hasOwn(baseline.profiles, observed.profile)
      ? baseline.profiles[observed.profile]
      : undefined;
  if (keys === undefined) return baseline.surface;
  const surface: Surface = { ...baseline.surface };
  for (const section of SECTIONS) {
    const allowed = new Set(keys[section]);
    surface[section] = Object.fromEntries(
      Object.entries(baseline.surface[section]).filter(([key]) => allowed.has(key)),
    );
  }
  return surface;
}
