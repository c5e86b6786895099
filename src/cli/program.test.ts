import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { applyObservation } from '../pinning/status.js';
import { defaultDbPath, ensureHome, openSqliteStore } from '../store/index.js';
import { computeSurfaceDigests, profileDigest } from '../surface/digest.js';
import type { Surface } from '../surface/types.js';
import type { CliDeps } from './deps.js';
import { EXIT } from './deps.js';
import { commanderExitCode, createProgram } from './program.js';

/** 2026-01-01T00:00:00Z. */
const NOW = 1_767_225_600_000;

const SURFACE: Surface = {
  server: { serverInfo: { name: 'notes', version: '1.0.0' }, capabilities: { tools: {} } },
  launch: { command: 'node', args: ['notes.js'] },
  tools: { read_note: { name: 'read_note', description: 'Read a note.' } },
  prompts: {},
  resources: {},
  resourceTemplates: {},
};

let envHome: string;
let flagHome: string;

beforeEach(() => {
  envHome = mkdtempSync(join(tmpdir(), 'holdfast-cli-program-env-'));
  flagHome = mkdtempSync(join(tmpdir(), 'holdfast-cli-program-flag-'));
});

afterEach(() => {
  rmSync(envHome, { recursive: true, force: true });
  rmSync(flagHome, { recursive: true, force: true });
});

/** Parses `args` as the user typed them, the way main.ts does, and captures the output. */
async function holdfast(
  ...args: string[]
): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code: number | undefined;
  const deps: CliDeps = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOLDFAST_HOME: envHome, USER: 'alice' },
    clock: { now: () => NOW },
  };
  const program = createProgram(deps, (exit) => (code = exit));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    const usage = commanderExitCode(error);
    if (usage === undefined) throw error;
    code = usage;
  }
  return { code, stdout, stderr };
}

async function seed(home: string, name: string): Promise<void> {
  ensureHome(home);
  const store = openSqliteStore({ path: defaultDbPath(home) });
  const observation = {
    surface: SURFACE,
    digests: computeSurfaceDigests(SURFACE),
    profile: profileDigest('2025-06-18', {}),
    observedAt: NOW,
  };
  await store.update(name, (current) =>
    applyObservation(current, observation, 'discovery', { name, now: NOW }),
  );
  await store.close();
}

describe('help output', () => {
  it('of the program is stable', async () => {
    const { code, stdout, stderr } = await holdfast('--help');
    expect(code).toBe(EXIT.OK);
    expect(stderr).toBe('');
    expect(stdout).toMatchSnapshot();
  });

  it.each(['run', 'servers', 'diff', 'approve', 'quarantine'])(
    'of %s is stable',
    async (command) => {
      const { code, stdout, stderr } = await holdfast(command, '--help');
      expect(code).toBe(EXIT.OK);
      expect(stderr).toBe('');
      expect(stdout).toMatchSnapshot();
    },
  );

  it('is the same through the help command', async () => {
    const viaFlag = await holdfast('approve', '--help');
    const viaCommand = await holdfast('help', 'approve');
    expect(viaCommand).toEqual(viaFlag);
  });
});

describe('global options', () => {
  it('--json works before the subcommand', async () => {
    await seed(envHome, 'notes');
    const { code, stdout } = await holdfast('--json', 'servers');
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout)).toMatchObject({ servers: [{ name: 'notes', status: 'verified' }] });
  });

  it('--json works after the subcommand', async () => {
    await seed(envHome, 'notes');
    const { code, stdout } = await holdfast('servers', '--json');
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout)).toMatchObject({ servers: [{ name: 'notes', status: 'verified' }] });
  });

  it('--json after a subcommand argument reaches the command', async () => {
    await seed(envHome, 'notes');
    const { code, stdout } = await holdfast('diff', 'notes', '--json');
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout)).toMatchObject({ server: 'notes', status: 'verified' });
  });

  it('without --json the output is for humans', async () => {
    await seed(envHome, 'notes');
    const { stdout } = await holdfast('servers');
    expect(stdout).toMatch(/^NAME +STATUS/);
  });

  it.each([
    ['before', ['--home', 'HOME', 'servers', '--json']],
    ['after', ['servers', '--home', 'HOME', '--json']],
  ])('--home %s the subcommand overrides HOLDFAST_HOME', async (_where, template) => {
    await seed(flagHome, 'elsewhere');
    const args = template.map((a) => (a === 'HOME' ? flagHome : a));
    const { stdout } = await holdfast(...args);
    expect(JSON.parse(stdout)).toMatchObject({ servers: [{ name: 'elsewhere' }] });
  });

  it('the subcommand exit code comes through', async () => {
    const { code, stderr } = await holdfast('--json', 'diff', 'ghost');
    expect(code).toBe(EXIT.NOT_FOUND);
    expect(stderr).toBe('holdfast: no server named "ghost" has been seen\n');
  });

  it('approve passes --digest through', async () => {
    await seed(envHome, 'notes');
    const digest = computeSurfaceDigests(SURFACE).surface;
    const { code, stdout } = await holdfast('approve', 'notes', '--digest', digest, '--json');
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout)).toMatchObject({ approved: true, requested: digest });
  });
});

describe('usage mistakes', () => {
  it('no command at all prints help on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await holdfast();
    expect(code).toBe(EXIT.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: holdfast [options] [command]');
  });

  it('an unknown command exits 2', async () => {
    const { code, stderr } = await holdfast('aprove', 'notes');
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain("error: unknown command 'aprove'");
  });

  it('approve without --digest exits 2', async () => {
    const { code, stderr } = await holdfast('approve', 'notes');
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain("error: required option '--digest <digest>' not specified");
  });

  it('diff without a name exits 2', async () => {
    const { code, stderr } = await holdfast('diff');
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain("error: missing required argument 'name'");
  });

  it('an unknown option exits 2', async () => {
    const { code, stderr } = await holdfast('servers', '--jsn');
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain("error: unknown option '--jsn'");
  });

  it('--version prints the version and exits 0', async () => {
    const { code, stdout } = await holdfast('--version');
    expect(code).toBe(EXIT.OK);
    expect(stdout).toBe('0.1.0\n');
  });

  it('an error that is not from commander has no usage exit code', () => {
    expect(commanderExitCode(new Error('boom'))).toBeUndefined();
  });
});
