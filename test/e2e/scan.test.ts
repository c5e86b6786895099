/**
 * `holdfast scan`, the risk engine as a CI gate, driven through the built CLI: a poisoned stdio
 * server fails the gate (exit 6) with the finding shown, a real benign server (server-memory)
 * passes, a saved tool list and a desktop client configuration are scanned (with shadowing across
 * the configuration's servers), SARIF output is well-formed, and scanned servers never outlive
 * the scan.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createTempDir, filesystemServer, memoryServer } from '../support/compare.js';
import { useEverythingServers } from '../support/everything-http.js';
import { createTempHome, HOLDFAST_BIN } from '../support/holdfast.js';
import { processState } from '../support/raw-client.js';
import { POISON } from '../support/rugpull/payloads.js';
import { rugpullCommand } from '../support/rugpull-config.js';

/** Exit codes (docs/cli.md). */
const OK = 0;
const FAILURE = 1;
const USAGE = 2;
const RISK = 6;

interface ScanJson {
  servers: {
    name: string;
    source: string;
    band: string | null;
    mode: string | null;
    items: {
      ref: string;
      band: string;
      score: number;
      findings: { ruleId: string; pointer: string; message: string; evidence: string }[];
    }[];
    error?: { code: string; message: string };
  }[];
  failOn: string;
  failed: boolean;
}

const POISONED = rugpullCommand({ trigger: { kind: 'immediate' }, change: 'description' });
const SHADOWING = rugpullCommand({ trigger: { kind: 'immediate' }, change: 'shadow' });

/**
 * Runs `holdfast scan` to completion with `env` added to the environment (a stdio server inherits
 * holdfast's environment) and `input` on its stdin.
 */
function scan(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): { code: number; stdout: string; stderr: string } {
  using home = createTempHome();
  const result = spawnSync(process.execPath, [HOLDFAST_BIN, '--home', home.home, 'scan', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
    ...(input === undefined ? {} : { input }),
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function scanJson(
  args: string[],
  env: Record<string, string> = {},
): { code: number; report: ScanJson; stderr: string } {
  const { code, stdout, stderr } = scan(['--json', ...args], env);
  if (stdout.trim() === '') throw new Error(`no JSON output (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as ScanJson, stderr };
}

/** The poisoned rug-pull server as a holdfast command line (run with POISONED.env). */
function poisonedArgs(): string[] {
  return ['--name', 'notes', '--', POISONED.command, ...POISONED.args];
}

/** The servers of a client configuration: one that cannot start, and the poisoned notes server. */
const BROKEN_AND_NOTES = {
  broken: { command: '/nonexistent/server' },
  notes: { command: POISONED.command, args: POISONED.args, env: POISONED.env },
};

describe('holdfast scan -- CMD', () => {
  it('fails the gate (exit 6) on a poisoned tool description and shows the finding', () => {
    const { code, stdout, stderr } = scan(poisonedArgs(), POISONED.env);
    expect(stderr).toContain('holdfast: scanning notes…');
    expect(code).toBe(RISK);
    expect(stdout).toMatch(/^notes \(command\)$/m);
    expect(stdout).toMatch(/^ {2}(critical|high) +\d+ +tool:search_notes$/m);
    expect(stdout).toMatch(
      /^ {4}directive-block \(\+\d+\) \/description: .+\n {6}evidence: <IMPORTANT>$/m,
    );
    expect(stdout).toMatch(
      /^ {4}sensitive-path \(\+\d+\) \/description: .+\n {6}evidence: id_rsa$/m,
    );
    expect(stdout).toContain('Risk gate: FAILED');
  });

  it('reports the same finding as JSON, with every item of the server', () => {
    const { code, report } = scanJson(poisonedArgs(), POISONED.env);
    expect(code).toBe(RISK);
    expect(report.failOn).toBe('high');
    expect(report.failed).toBe(true);
    const [server] = report.servers;
    expect(server).toMatchObject({ name: 'notes', source: 'command' });
    const poisoned = server?.items.find((i) => i.ref === 'tool:search_notes');
    expect(poisoned?.band).toBe('critical');
    expect(poisoned?.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'sensitive-path',
        pointer: '/description',
        evidence: 'id_rsa',
      }),
    );
    // Prompts, resources and templates were listed too.
    expect(server?.items.map((i) => i.ref)).toEqual(
      expect.arrayContaining(['prompt:summarize', 'resource:notes://all']),
    );
  });

  it('passes with --fail-on none whatever it finds', () => {
    const { code, stdout } = scan(['--fail-on', 'none', ...poisonedArgs()], POISONED.env);
    expect(code).toBe(OK);
    expect(stdout).toContain('Risk gate: off (--fail-on none).');
  });

  it('passes a real benign server (server-memory) under --fail-on high', () => {
    using dir = createTempDir('holdfast-scan-memory-');
    const memory = memoryServer(join(dir.dir, 'memory.jsonl'));
    const { code, report, stderr } = scanJson(
      ['--fail-on', 'high', '--name', 'memory', '--', memory.command, ...memory.args],
      memory.env,
    );
    expect(stderr).toContain('scanning memory…');
    expect(code).toBe(OK);
    expect(report.failed).toBe(false);
    expect(report.servers[0]?.items.map((i) => i.ref)).toContain('tool:read_graph');
  });

  it('exits 1 when the server cannot be started, and says why', () => {
    const { code, stdout, stderr } = scan(['--', '/nonexistent/holdfast-test-server']);
    expect(code).toBe(FAILURE);
    expect(stderr).toContain('UPSTREAM_SPAWN_FAILED');
    expect(stdout).toContain('could not scan: UPSTREAM_SPAWN_FAILED');
  });

  it('kills a server that never answers once --timeout passes (no orphan)', () => {
    using dir = createTempDir('holdfast-scan-hang-');
    const pidFile = join(dir.dir, 'pid');
    // Ignores SIGTERM and never answers: only SIGKILL ends it.
    const script =
      "require('fs').writeFileSync(process.argv[1], String(process.pid));" +
      "process.on('SIGTERM', () => {}); process.stdin.resume(); setInterval(() => {}, 1000);";
    const { code, stderr } = scan([
      '--timeout',
      '500',
      '--',
      process.execPath,
      '-e',
      script,
      pidFile,
    ]);
    expect(code).toBe(FAILURE);
    expect(stderr).toContain('UPSTREAM_TIMEOUT');
    expect(processState(Number(readFileSync(pidFile, 'utf8')))).not.toBe('running');
  });
});

describe('holdfast scan --url', () => {
  const everything = useEverythingServers();

  it.each([
    ['Streamable HTTP', () => `http://127.0.0.1:${everything.streamable()}/mcp`],
    ['legacy SSE through the auto fallback', () => `http://127.0.0.1:${everything.sse()}/sse`],
  ])('scans a remote server over %s', (_label, url) => {
    const { code, report, stderr } = scanJson(['--fail-on', 'none', '--url', url()]);
    expect(stderr).toBe('holdfast: scanning 127.0.0.1…\n');
    expect(code).toBe(OK);
    expect(report.servers[0]).toMatchObject({ name: '127.0.0.1', source: 'url' });
    expect(report.servers[0]?.items.map((i) => i.ref)).toContain('tool:echo');
  });

  it('exits 1 when nothing listens at the URL', () => {
    const { code, stderr } = scan(['--name', 'gone', '--url', 'http://127.0.0.1:9/mcp']);
    expect(code).toBe(FAILURE);
    expect(stderr).toMatch(/could not scan gone: UPSTREAM_CLOSED: the connection failed/);
  });
});

describe('holdfast scan --file', () => {
  const poisonedList = {
    tools: [
      { name: 'add', description: 'Add two numbers.', inputSchema: { type: 'object' } },
      {
        name: 'search_notes',
        description: `Search notes. ${POISON}`,
        inputSchema: { type: 'object' },
      },
    ],
  };

  it('scans a saved tools/list result and fails the gate on its poisoned tool', () => {
    using dir = createTempDir('holdfast-scan-file-');
    const file = join(dir.dir, 'tools.json');
    writeFileSync(file, JSON.stringify({ jsonrpc: '2.0', id: 2, result: poisonedList }));
    const { code, report } = scanJson(['--file', file]);
    expect(code).toBe(RISK);
    expect(report.servers[0]).toMatchObject({ name: 'tools.json', source: 'file' });
    expect(
      report.servers[0]?.items.find((i) => i.ref === 'tool:search_notes')?.findings,
    ).not.toEqual([]);
  });

  it('reads the list from stdin with -', () => {
    const { code, stdout } = scan(
      ['--file', '-', '--name', 'saved'],
      {},
      JSON.stringify(poisonedList.tools),
    );
    expect(code).toBe(RISK);
    expect(stdout).toMatch(/^saved \(file -\)$/m);
  });

  it('refuses a list with a repeated key (exit 2) without scanning either value', () => {
    const { code, stdout, stderr } = scan(
      ['--file', '-'],
      {},
      '{"tools":[{"name":"a","description":"ok","description":"poisoned"}]}',
    );
    expect(code).toBe(USAGE);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'holdfast: stdin: SURFACE_DUPLICATE_KEY: JSON object has a duplicate key at /tools/0/description\n',
    );
    expect(stderr).not.toContain('poisoned');
  });

  it('exits 2 with a clear message for a file that does not exist', () => {
    const { code, stderr } = scan(['--file', '/nonexistent/tools.json']);
    expect(code).toBe(USAGE);
    expect(stderr).toBe('holdfast: cannot read /nonexistent/tools.json: ENOENT\n');
  });
});

describe('holdfast scan --client-config', () => {
  it('scans every server, flags the tool that shadows another server, and never prints env values', () => {
    using dir = createTempDir('holdfast-scan-config-');
    const fs = filesystemServer(dir.dir);
    const secret = 'sk-live-0123456789abcdef-never-print-me';
    const config = join(dir.dir, 'claude_desktop_config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          fs: { command: fs.command, args: fs.args },
          notes: {
            command: SHADOWING.command,
            args: SHADOWING.args,
            env: { ...SHADOWING.env, NOTES_API_KEY: secret },
          },
        },
      }),
    );
    const { code, report, stderr } = scanJson(['--fail-on', 'none', '--client-config', config]);
    expect(code).toBe(OK);
    expect(stderr).toContain('scanning fs…');
    expect(stderr).toContain('scanning notes…');
    expect(report.servers.map((s) => [s.name, s.source])).toEqual([
      ['fs', 'client-config'],
      ['notes', 'client-config'],
    ]);
    // Each side is told the other offers a tool of the same name.
    for (const [server, other] of [
      [report.servers[0], 'notes'],
      [report.servers[1], 'fs'],
    ] as const) {
      const shadowed = server?.items.find((i) => i.ref === 'tool:read_file');
      expect(shadowed?.findings).toContainEqual(
        expect.objectContaining({
          ruleId: 'shadowed-name',
          pointer: '/name',
          message: `tool name also offered by ${other}`,
        }),
      );
    }
    // Alone, the same server's read_file shadows nothing.
    const alone = scanJson(['--client-config', config, '--server', 'notes'], {});
    const lone = alone.report.servers[0]?.items.find((i) => i.ref === 'tool:read_file');
    expect(lone?.findings.map((f) => f.ruleId)).not.toContain('shadowed-name');
    expect(JSON.stringify(report) + stderr).not.toContain(secret);
  });

  it('reports a server that fails to start, scans the rest, and exits 1', () => {
    using dir = createTempDir('holdfast-scan-config-');
    const config = join(dir.dir, 'mcp.json');
    writeFileSync(config, JSON.stringify({ servers: BROKEN_AND_NOTES }));
    const { code, report } = scanJson(['--fail-on', 'none', '--client-config', config]);
    expect(code).toBe(FAILURE);
    expect(report.servers[0]?.error?.code).toBe('UPSTREAM_SPAWN_FAILED');
    expect(report.servers[1]?.items.length).toBeGreaterThan(0);
    // The gate wins over the failure: a risky server still fails the build as such.
    expect(scan(['--client-config', config]).code).toBe(RISK);
  });

  it('scans only the servers named by --server, and refuses an unknown one', () => {
    using dir = createTempDir('holdfast-scan-config-');
    const config = join(dir.dir, 'mcp.json');
    writeFileSync(config, JSON.stringify({ mcpServers: BROKEN_AND_NOTES }));
    const only = scanJson(['--client-config', config, '--server', 'notes']);
    expect(only.code).toBe(RISK);
    expect(only.report.servers.map((s) => s.name)).toEqual(['notes']);
    const unknown = scan(['--client-config', config, '--server', 'ghost']);
    expect(unknown.code).toBe(USAGE);
    expect(unknown.stderr).toContain('has no server named ghost');
  });
});

describe('holdfast scan --sarif', () => {
  it('writes a SARIF 2.1.0 log with one result per finding', () => {
    const { code, stdout } = scan(['--sarif', ...poisonedArgs()], POISONED.env);
    expect(code).toBe(RISK);
    const log = JSON.parse(stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; rules: { id: string }[] } };
        results: { ruleId: string; level: string; message: { text: string } }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe('holdfast');
    expect(run?.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run?.results.length).toBeGreaterThan(0);
    const ruleIds = new Set(run?.tool.driver.rules.map((r) => r.id));
    for (const result of run?.results ?? []) {
      expect(ruleIds.has(result.ruleId)).toBe(true);
      expect(['error', 'warning', 'note']).toContain(result.level);
    }
  });

  it('refuses --sarif with --json (exit 2)', () => {
    const { code, stderr } = scan(['--json', '--sarif', '--file', 'x.json']);
    expect(code).toBe(USAGE);
    expect(stderr).toContain('--json and --sarif are exclusive');
  });
});
