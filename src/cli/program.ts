import { Command, Option } from 'commander';

import { approveCommand, quarantineCommand } from './commands/approve.js';
import { diffCommand } from './commands/diff.js';
import { runCommand } from './commands/run.js';
import { serversCommand } from './commands/servers.js';
import type { CliDeps, GlobalOptions } from './deps.js';


/** Builds the command-line program; the only composition root (STYLE §1). */
export function createProgram(deps: CliDeps, setExit: (code: number) => void): Command {
  const program = new Command('holdfast')
    .description('MCP security gateway: pins every server surface and fails closed on rug pulls')
    .version('0.1.0')
    .option('--home <dir>', 'state directory (default: $HOLDFAST_HOME or ~/.holdfast)')
    .option('--json', 'machine-readable output')
    .enablePositionalOptions()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) })
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('run')
    .description('relay MCP on stdin/stdout to one server, pinning its surface')
    .usage('[options] -- COMMAND [ARGS...]  |  --url URL')
    .option('--name <name>', 'server name (default: derived from the command or URL)')
    .option('--config <file>', 'configuration file (YAML)')
    .addOption(new Option('--posture <posture>', 'first-contact posture').choices(['discovery', 'enforcing']))
    .addOption(new Option('--recheck <when>', 're-list tools before every call').choices(['on-list', 'every-call']))
    .option('--url <url>', 'a remote server (Streamable HTTP, falling back to SSE)')
    .addOption(new Option('--transport <kind>', 'remote transport').choices(['auto', 'streamable-http', 'sse']).default('auto'))
    .option('--header <header...>', 'HTTP header for --url, "Name: value" (never stored)')
    .option('--pin-env <name...>', 'environment variable names to pin in the launch provenance (values are never stored)')
    .argument('[command...]', 'the server command and its arguments, after --')
    .passThroughOptions()
    .action(async (command: string[], opts: Omit<Parameters<typeof runCommand>[0], 'command'>) => {
      const stopSignal = new Promise<string>((resolve) => {
        for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolve(signal));
      });
      setExit(await runCommand({ ...globals(), ...opts, command }, deps, { stdin: process.stdin, stdout: process.stdout, cwd: process.cwd(), stopSignal }));
    });

  program
    .command('servers')
    .description("list servers with their status and digests")
    .action(async () => setExit(await serversCommand(globals(), deps)));

  program
    .command('diff')
    .description('show what changed since approval, with hidden characters made visible')
    .argument('<name>', 'server name')
    .action(async (name: string) => setExit(await diffCommand(name, globals(), deps)));

  program
    .command('approve')
    .description('approve the observed surface; refused unless --digest is the one observed now')
    .argument('<name>', 'server name')
    .requiredOption('--digest <digest>', 'the observed surface digest you reviewed (from holdfast diff)')
    .action(async (name: string, opts: { digest: string }) => setExit(await approveCommand(name, { ...globals(), ...opts }, deps)));

  program
    .command('quarantine')
    .description('disable a server until it is approved again')
    .argument('<name>', 'server name')
    .action(async (name: string) => setExit(await quarantineCommand(name, globals(), deps)));

  return program;
}

