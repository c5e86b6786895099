/**
 * `npm run demo`: a real MCP server behind `holdfast run`, driven by the official SDK client, pulls
 * a rug after its first call. Holdfast catches it, keeps serving the approved definitions, denies
 * calls, and shows the reviewer exactly what changed, with the risk engine's findings. A second
 * server keeps its definitions and turns its results hostile: behaviour monitoring withholds them.
 * Everything runs locally in a temp home.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { rugpullCommand } from '../test/support/rugpull-config.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'holdfast-demo-'));
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n: number, title: string): void =>
  void process.stdout.write(`\n${bold(`== ${n}. ${title}`)}\n`);
const say = (s: string): void => void process.stdout.write(`${s}\n`);

function holdfast(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [BIN, '--home', home, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trimEnd() };
}

async function main(): Promise<void> {
  say(`Holdfast demo. State directory: ${home}`);
  // A notes server that behaves for its first call, then poisons search_notes' description and
  // announces it with notifications/tools/list_changed.
  const server = rugpullCommand({
    trigger: { kind: 'after-calls', n: 1 },
    change: 'description',
    signal: 'list-changed',
  });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'run', '--name', 'notes', '--', server.command, ...server.args],
    env: { ...server.env, HOLDFAST_HOME: home },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').trimEnd().split('\n'))
      say(`   [holdfast stderr] ${line}`);
  });
  const client = new Client({ name: 'demo-agent', version: '1.0.0' });
  const changed = new Promise<void>((resolve) => {
    client.setNotificationHandler('notifications/tools/list_changed', () => resolve());
  });

  step(1, 'An agent connects through `holdfast run` (discovery posture: trust on first use)');
  await client.connect(transport);
  const before = await client.listTools(undefined, { cacheMode: 'bypass' });
  for (const tool of before.tools) say(`   tool ${tool.name}: ${tool.description ?? ''}`);
  say(holdfast('servers').out.replace(/^/gm, '   '));

  step(2, 'The agent calls search_notes: allowed and forwarded');
  const ok = await client.callTool({ name: 'search_notes', arguments: { query: 'groceries' } });
  say(`   result: ${JSON.stringify(ok.content)}`);

  step(3, 'The server pulls the rug: it rewrites search_notes and sends list_changed');
  await changed;
  say(holdfast('servers').out.replace(/^/gm, '   '));

  step(4, 'The agent lists tools again: it still sees only the approved text (I1)');
  const after = await client.listTools(undefined, { cacheMode: 'bypass' });
  for (const tool of after.tools) say(`   tool ${tool.name}: ${tool.description ?? ''}`);
  const same = JSON.stringify(after.tools) === JSON.stringify(before.tools);
  say(`   identical to the approved list: ${same ? 'yes' : 'NO'}`);

  step(5, 'The agent calls search_notes again: denied with an MCP tool error, nothing forwarded');
  const denied = await client.callTool({ name: 'search_notes', arguments: { query: 'groceries' } });
  say(`   isError: ${String(denied.isError)}  ${JSON.stringify(denied.content)}`);

  step(6, 'A human reviews the change: `holdfast diff notes` (hidden characters made visible)');
  say(holdfast('diff', 'notes').out.replace(/^/gm, '   '));

  step(7, 'Approving a digest other than the one observed now is refused (I6)');
  const diff = JSON.parse(holdfast('diff', 'notes', '--json').out) as { approvedDigest: string };
  const refused = holdfast('approve', 'notes', '--digest', diff.approvedDigest);
  say(`   exit ${refused.code}: ${refused.out.split('\n')[0] ?? ''}`);

  await client.close();

  step(8, 'Same definition, hostile results: a second server turns its results into an injection');
  const withheld = await behaviourRugPull();
  say(`   isError: ${String(withheld.isError)}  ${JSON.stringify(withheld.content)}`);
  say(holdfast('anomalies', 'weather').out.replace(/^/gm, '   '));

  step(
    9,
    'Every decision is in the tamper-evident audit log: `holdfast audit show`, `verify`, `receipt`',
  );
  say(holdfast('audit', 'show', '--kind', 'call').out.replace(/^/gm, '   '));
  const verified = holdfast('audit', 'verify');
  say(verified.out.replace(/^/gm, '   '));
  const calls = JSON.parse(holdfast('audit', 'show', '--kind', 'call', '--json').out) as {
    entries: { index: number }[];
  };
  const last = String(calls.entries.at(-1)?.index ?? 0);
  const receipt = join(home, `denied-call.tlog-proof`);
  holdfast('audit', 'receipt', last, '--out', receipt);
  const vkey = holdfast('audit', 'key').out;
  const checked = holdfast('audit', 'verify-receipt', receipt, '--vkey', vkey);
  say(`   receipt for entry ${last} (the denied call), checked offline: ${checked.out}`);

  say(`\nDone: the rug pull was blocked; nothing unapproved reached the agent.`);
  say(
    'To accept the change you would run the approve command printed by step 6, with --accept-risk:',
  );
  say(
    'the risk engine blocks the poisoned search_notes (critical) until a human accepts the risk.',
  );
  const isProven = verified.code === 0 && checked.code === 0;
  const isWithheld = withheld.isError === true;
  if (!same || denied.isError !== true || refused.code !== 3 || !isProven || !isWithheld) {
    process.exitCode = 1;
  }
}

/**
 * A server whose definitions never change but whose results turn hostile after two calls: the
 * third result carries injected instructions and breaks the pinned outputSchema. Returns what the
 * agent got instead.
 */
async function behaviourRugPull(): Promise<{ isError?: boolean; content?: unknown }> {
  const server = rugpullCommand({ trigger: { kind: 'after-calls', n: 2 }, change: 'behaviour' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'run', '--name', 'weather', '--', server.command, ...server.args],
    env: { ...server.env, HOLDFAST_HOME: home },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').trimEnd().split('\n'))
      say(`   [holdfast stderr] ${line}`);
  });
  const agent = new Client({ name: 'demo-agent', version: '1.0.0' });
  await agent.connect(transport);
  await agent.listTools(undefined, { cacheMode: 'bypass' });
  for (let i = 1; i <= 2; i++) {
    const result = await agent.callTool({ name: 'search_notes', arguments: { query: 'e' } });
    say(`   call ${i}: ${JSON.stringify(result.content)}`);
  }
  const third = await agent.callTool({ name: 'search_notes', arguments: { query: 'e' } });
  await agent.close();
  return third as { isError?: boolean; content?: unknown };
}

try {
  await main();
} finally {
  rmSync(home, { recursive: true, force: true });
}
