/**
 * Captures the advertised surface of the reference MCP servers installed in node_modules
 * (server-everything, server-filesystem, server-memory) into test/fixtures/risk/captured/, as a
 * benign corpus for the risk engine's false-positive measurement (docs/detection.md). Uses the
 * official SDK client over stdio: the initialize result and every page of tools/list,
 * prompts/list, resources/list and resources/templates/list, as the client received them.
 *
 * The filesystem server's temporary root is written as `<allowed-dir>`, so a re-capture only
 * differs when a server changes. Usage: npx tsx scripts/capture-benign.ts
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ClientCapabilities } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { format, resolveConfig } from 'prettier';

/** Where the captured servers are written, one JSON file per server. */
export const CAPTURED_DIR = fileURLToPath(
  new URL('../test/fixtures/risk/captured/', import.meta.url),
);

/** The placeholder written instead of the filesystem server's temporary root. */
const ROOT_PLACEHOLDER = '<allowed-dir>';

const require = createRequire(import.meta.url);

interface Target {
  /** Short server name, also the file name. */
  server: string;
  package: string;
  args: (root: string) => string[];
  env?: (root: string) => Record<string, string>;
  /** server-everything lists more tools to clients that declare these. */
  capabilities: ClientCapabilities;
}

const TARGETS: Target[] = [
  {
    server: 'everything',
    package: '@modelcontextprotocol/server-everything',
    args: () => ['stdio'],
    capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
  },
  {
    server: 'filesystem',
    package: '@modelcontextprotocol/server-filesystem',
    args: (root) => [root],
    capabilities: {},
  },
  {
    server: 'memory',
    package: '@modelcontextprotocol/server-memory',
    args: () => [],
    env: (root) => ({ MEMORY_FILE_PATH: join(root, 'memory.jsonl') }),
    capabilities: {},
  },
];

interface Manifest {
  version: string;
  bin?: string | Record<string, string>;
}

function readManifest(pkg: string): { manifest: Manifest; path: string } {
  const path = require.resolve(`${pkg}/package.json`);
  return { manifest: JSON.parse(readFileSync(path, 'utf8')) as Manifest, path };
}

function binOf(pkg: string): string {
  const { manifest, path } = readManifest(pkg);
  const bin =
    typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${pkg} declares no bin`);
  return join(dirname(path), bin);
}

/** Follows nextCursor until the list ends. */
async function allPages<T>(
  list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

async function capture(target: Target, root: string): Promise<Record<string, unknown>> {
  const env: Record<string, string> = { ...(target.env?.(root) ?? {}) };
  const path = process.env['PATH'];
  if (path !== undefined) env['PATH'] = path;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binOf(target.package), ...target.args(root)],
    env,
    stderr: 'pipe',
  });
  const client = new Client(
    { name: 'holdfast-capture', version: '1.0.0' },
    { capabilities: target.capabilities },
  );
  if (target.capabilities.roots !== undefined) {
    client.setRequestHandler('roots/list', () => ({ roots: [] }));
  }
  await client.connect(transport);
  try {
    const caps = client.getServerCapabilities() ?? {};
    const params = (cursor: string | undefined) => (cursor === undefined ? undefined : { cursor });
    const tools =
      caps.tools === undefined
        ? []
        : await allPages(async (c) => {
            const r = await client.listTools(params(c));
            return { items: r.tools, nextCursor: r.nextCursor };
          });
    const prompts =
      caps.prompts === undefined
        ? []
        : await allPages(async (c) => {
            const r = await client.listPrompts(params(c));
            return { items: r.prompts, nextCursor: r.nextCursor };
          });
    const resources =
      caps.resources === undefined
        ? []
        : await allPages(async (c) => {
            const r = await client.listResources(params(c));
            return { items: r.resources, nextCursor: r.nextCursor };
          });
    const resourceTemplates =
      caps.resources === undefined
        ? []
        : await allPages(async (c) => {
            const r = await client.listResourceTemplates(params(c));
            return { items: r.resourceTemplates, nextCursor: r.nextCursor };
          });
    const instructions = client.getInstructions();
    return {
      server: target.server,
      package: target.package,
      version: readManifest(target.package).manifest.version,
      capturedAt: new Date().toISOString().slice(0, 10),
      initialize: {
        protocolVersion: client.getNegotiatedProtocolVersion(),
        serverInfo: client.getServerVersion(),
        capabilities: caps,
        ...(instructions === undefined ? {} : { instructions }),
      },
      tools,
      prompts,
      resources,
      resourceTemplates,
    };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  for (const target of TARGETS) {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'holdfast-capture-')));
    try {
      const captured = await capture(target, root);
      const text = JSON.stringify(captured).split(root).join(ROOT_PLACEHOLDER);
      const file = join(CAPTURED_DIR, `${target.server}.json`);
      const options = (await resolveConfig(file)) ?? {};
      writeFileSync(file, await format(text, { ...options, parser: 'json' }));
      const counts = ['tools', 'prompts', 'resources', 'resourceTemplates']
        .map((k) => `${String((captured[k] as unknown[]).length)} ${k}`)
        .join(', ');
      console.log(`${target.server}: ${counts}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}

await main();
