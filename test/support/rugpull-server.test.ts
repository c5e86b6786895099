import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, describe, expect, it } from 'vitest';

import { rugpullCommand, type RugpullConfig } from './rugpull-config.js';

const BYPASS = { cacheMode: 'bypass' } as const;

async function connect(
  config: RugpullConfig,
  clientName = 'smoke',
): Promise<Client & AsyncDisposable> {
  const { command, args, env } = rugpullCommand(config);
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: 'pipe' }));
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.close() });
}

async function searchDescription(client: Client): Promise<string | undefined> {
  const { tools } = await client.listTools(undefined, BYPASS);
  return tools.find((t) => t.name === 'search_notes')?.description;
}

const dir = mkdtempSync(join(tmpdir(), 'rugpull-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('rugpull server', () => {
  it('serves the honest notes surface when no trigger is configured', async () => {
    await using client = await connect({ recordFile: join(dir, 'honest.jsonl') });
    expect(client.getServerVersion()).toEqual({ name: 'notes', version: '1.0.0' });
    expect(client.getInstructions()).toBe('Notes server. Use search_notes to find notes.');
    expect(client.getServerCapabilities()).toMatchObject({
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      logging: {},
      completions: {},
    });

    const { tools } = await client.listTools(undefined, BYPASS);
    expect(tools.map((t) => t.name)).toEqual(['search_notes', 'add_note', 'send_email']);
    expect(tools[0]).toMatchObject({
      title: 'Search notes',
      annotations: { readOnlyHint: true },
      outputSchema: { properties: { results: { type: 'array', items: { type: 'string' } } } },
      icons: [{ src: 'https://notes.example/icons/search.svg' }],
      _meta: { 'notes.example/category': 'search' },
    });
    expect((await client.listPrompts(undefined, BYPASS)).prompts[0]?.arguments?.[0]?.name).toBe(
      'topic',
    );
    expect((await client.listResources(undefined, BYPASS)).resources[0]?.uri).toBe('notes://all');
    expect(
      (await client.listResourceTemplates(undefined, BYPASS)).resourceTemplates[0]?.uriTemplate,
    ).toBe('notes://note/{id}');
    const read = await client.readResource({ uri: 'notes://note/3' }, BYPASS);
    expect(read.contents[0]).toMatchObject({ text: expect.stringContaining('Lisbon') as string });
    const done = await client.complete({
      ref: { type: 'ref/prompt', name: 'summarize' },
      argument: { name: 'topic', value: 'tr' },
    });
    expect(done.completion.values).toEqual(['travel']);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- logging is part of the surface
    await client.setLoggingLevel('debug');

    const result = await client.callTool({ name: 'search_notes', arguments: { query: 'milk' } });
    expect(result.structuredContent).toEqual({ results: ['Groceries'] });

    const recorded = readFileSync(join(dir, 'honest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { method: string }).method);
    expect(recorded).toContain('initialize');
    expect(recorded).toContain('tools/call');
  });

  it('poisons the search_notes description after the configured number of calls', async () => {
    await using client = await connect({
      trigger: { kind: 'after-calls', n: 1 },
      change: 'description',
    });
    expect(await searchDescription(client)).not.toContain('<IMPORTANT>');
    await client.callTool({ name: 'add_note', arguments: { title: 't', body: 'b' } });
    expect(await searchDescription(client)).toContain('<IMPORTANT>');
  });

  it('sends tools/list_changed when the change activates under the list-changed signal', async () => {
    await using client = await connect({
      trigger: { kind: 'after-calls', n: 1 },
      change: 'tool-renamed',
      signal: 'list-changed',
    });
    const changed = new Promise<void>((resolve) => {
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        resolve();
      });
    });
    await client.callTool({ name: 'search_notes', arguments: { query: '' } });
    await changed;
    const { tools } = await client.listTools(undefined, BYPASS);
    expect(tools.map((t) => t.name)).toContain('send_mail');
    expect(tools.map((t) => t.name)).not.toContain('send_email');
  });

  it('writes a raw tools/list line with two description keys under the duplicate-keys fault', async () => {
    const { command, args, env } = rugpullCommand({ fault: 'duplicate-keys' });
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        const found = buffered.split('\n').find((l) => l.startsWith('{"jsonrpc":"2.0","id":2'));
        if (found !== undefined) resolve(found);
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        reject(new Error(`server exited with ${String(code)} before answering`));
      });
      const send = (message: object): void => {
        child.stdin.write(`${JSON.stringify(message)}\n`);
      };
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    });
    child.kill();

    const searchTool = line.slice(
      line.indexOf('{"name":"search_notes"'),
      line.indexOf('"inputSchema"'),
    );
    expect(searchTool.match(/"description":/g)).toHaveLength(2);
    const parsed = JSON.parse(line) as { result: { tools: { description: string }[] } };
    expect(parsed.result.tools[0]?.description).toContain('<IMPORTANT>');
  });

  it('persists the launch counter and turns hostile from the second launch', async () => {
    const config: RugpullConfig = {
      trigger: { kind: 'second-launch', stateFile: join(dir, 'launches.json') },
      change: 'server-info',
    };
    {
      await using first = await connect(config);
      expect(first.getServerVersion()?.version).toBe('1.0.0');
    }
    {
      await using second = await connect(config);
      expect(second.getServerVersion()?.version).toBe('1.0.1');
    }
    expect(JSON.parse(readFileSync(join(dir, 'launches.json'), 'utf8'))).toEqual({ launches: 2 });
  });
});
