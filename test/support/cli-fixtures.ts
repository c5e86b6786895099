/**
 * Shared fixtures for the CLI command tests (`src/cli/commands/*.test.ts`): a one-tool `notes`
 * surface, observations of it at a fixed instant, a SQLite home seeded through the real pinning
 * transitions, and fake {@link CliDeps} that capture stdout and stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach } from 'vitest';

import type { CliDeps } from '../../src/cli/deps.js';
import { applyObservation } from '../../src/pinning/status.js';
import type { Observation, Posture } from '../../src/pinning/types.js';
import { defaultDbPath, ensureHome, openSqliteStore } from '../../src/store/index.js';
import { computeSurfaceDigests, profileDigest } from '../../src/surface/digest.js';
import type { JsonObject, Surface } from '../../src/surface/types.js';

/** 2026-01-01T00:00:00Z: when every seeded observation is made. */
export const NOW = 1_767_225_600_000;

/** The `read_note` tool of the `notes` server, with `description` (a fresh object each call). */
export function readNoteTool(description = 'Read a note.'): JsonObject {
  return {
    name: 'read_note',
    description,
    inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  };
}

/** The `notes` server's surface offering exactly `tools` (keyed by their `name`). */
export function surfaceWith(...tools: JsonObject[]): Surface {
  return {
    server: { serverInfo: { name: 'notes', version: '1.0.0' }, capabilities: { tools: {} } },
    launch: { command: 'node', args: ['notes.js'] },
    tools: Object.fromEntries(tools.map((tool) => [tool['name'] as string, tool])),
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
}

/** A surface with one tool, `read_note`, whose description is `description`. */
export function noteSurface(description: string): Surface {
  return surfaceWith(readNoteTool(description));
}

/** An observation of `surface` at {@link NOW}, with its real digests and a fixed client profile. */
export function observe(surface: Surface): Observation {
  return {
    surface,
    digests: computeSurfaceDigests(surface),
    profile: profileDigest('2025-06-18', {}),
    observedAt: NOW,
  };
}

/** Feeds each surface to the real pinning transitions and stores the results in `home`. */
export async function seed(
  home: string,
  name: string,
  posture: Posture,
  ...surfaces: Surface[]
): Promise<void> {
  ensureHome(home);
  const store = openSqliteStore({ path: defaultDbPath(home) });
  try {
    for (const surface of surfaces) {
      await store.update(name, (current) =>
        applyObservation(current, observe(surface), posture, { name, now: NOW }),
      );
    }
  } finally {
    await store.close();
  }
}

/** What {@link createCliHarness} hands a test: a temporary home and deps that capture output. */
export interface CliHarness {
  /** A fresh temporary directory, also given to the CLI as `HOLDFAST_HOME`. */
  readonly home: string;
  /** Deps for a command: captured stdout/stderr, `USER=alice`, and a fixed clock. */
  readonly deps: CliDeps;
  /** Everything written to stdout so far (since the last {@link CliHarness.clearOut}). */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
  /** Forgets what was written to stdout so far. */
  clearOut(): void;
  /** Removes the temporary home. */
  [Symbol.dispose](): void;
}

/** Options of {@link createCliHarness}. */
export interface CliHarnessOptions {
  /** What the deps' clock reads (default {@link NOW}). */
  readonly now?: number;
}

/**
 * A temporary home named after `prefix` and fake {@link CliDeps} writing into it. Create one in
 * `beforeEach` and dispose of it in `afterEach`, or hold it with `using`.
 */
export function createCliHarness(prefix: string, options: CliHarnessOptions = {}): CliHarness {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const now = options.now ?? NOW;
  let out = '';
  let err = '';
  return {
    home,
    deps: {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      env: { HOLDFAST_HOME: home, USER: 'alice' },
      clock: { now: () => now },
    },
    out: () => out,
    err: () => err,
    clearOut: () => {
      out = '';
    },
    [Symbol.dispose]: () => {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A {@link CliHarness} seen through {@link useCliHarness}: always the current test's. */
export type CurrentCliHarness = Omit<CliHarness, typeof Symbol.dispose>;

/**
 * Gives every test of the calling file (or `describe`) a fresh {@link createCliHarness}: registers
 * a `beforeEach` that creates it and an `afterEach` that disposes of it. The returned handle reads
 * the current test's harness, so it can be held in a module-level constant.
 */
export function useCliHarness(prefix: string, options: CliHarnessOptions = {}): CurrentCliHarness {
  let current: CliHarness | undefined;
  beforeEach(() => {
    current = createCliHarness(prefix, options);
  });
  afterEach(() => {
    current?.[Symbol.dispose]();
    current = undefined;
  });
  const harness = (): CliHarness => {
    if (current === undefined) throw new Error('useCliHarness: no test is running');
    return current;
  };
  return {
    get home() {
      return harness().home;
    },
    get deps() {
      return harness().deps;
    },
    out: () => harness().out(),
    err: () => harness().err(),
    clearOut: () => {
      harness().clearOut();
    },
  };
}
