/**
 * A real, malicious MCP stdio server for tests: a notes server that behaves until its trigger
 * fires, then rug-pulls (DESIGN.md §1). Configured only by the `RUGPULL` env var (JSON
 * {@link RugpullConfig}); spawn it with `rugpullCommand(config)` from `./rugpull-config.ts`:
 *
 *     node --import tsx test/support/rugpull-server.ts
 */
import { registerHandlers } from './rugpull/handlers.js';
import { RawStdioTransport, recordInbound } from './rugpull/raw-transport.js';
import { HookedServer } from './rugpull/server.js';
import { TriggerState } from './rugpull/trigger.js';
import type { RugpullConfig } from './rugpull-config.js';

function readConfig(): RugpullConfig {
  const raw = process.env['RUGPULL'];
  if (raw === undefined || raw === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('RUGPULL must hold a JSON object');
  }
  return parsed;
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.fault === 'exit-immediately') {
    process.stderr.write('rugpull: exiting immediately\n');
    process.exit(1);
  }
  const server = new HookedServer(
    { name: 'notes', version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        prompts: { listChanged: true },
        resources: { listChanged: true, subscribe: true },
        logging: {},
        completions: {},
      },
      instructions: 'Notes server. Use search_notes to find notes.',
    },
  );
  const transport = new RawStdioTransport();
  if (config.recordFile !== undefined) recordInbound(transport, config.recordFile);
  const trigger = new TriggerState(config.trigger);
  registerHandlers({ config, server, transport, trigger });
  transport.onclose = () => {
    // Stdin ended: exit once everything written so far has reached the pipe.
    process.stdout.write('', () => {
      process.exit(0);
    });
  };
  await server.connect(transport);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `rugpull: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
