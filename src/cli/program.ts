import { Command, CommanderError, Option } from 'commander';

import type { RunOptions } from './commands/run.js';
import type { CliDeps, GlobalOptions } from './deps.js';
import { EXIT } from './deps.js';

/**
 * Builds the command-line program; the only composition root (STYLE §1). Commands are loaded when
 * used, so `holdfast servers` does not pay for the MCP SDK's start-up.
 */
export function createProgram(deps: CliDeps, setExit: (code: number) => void): Command {
  const program = new Command('holdfast')
    .description('MCP security gateway: pins every server surface and fails closed on rug pulls')
    .version('0.1.0')
    .option('--home <dir>', 'state directory (default: $HOLDFAST_HOME or ~/.holdfast)')
    .option('--json', 'machine-readable output')
    .enablePositionalOptions()
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      // Wrap help to the stream it is written to, not to process.stdout; 80 columns otherwise.
      getOutHelpWidth: () => terminalWidth(deps.stdout),
      getErrHelpWidth: () => terminalWidth(deps.stderr),
    })
    .exitOverride();
  /** Global options may also follow the subcommand (`holdfast diff notes --json`). */
  const command = (name: string): Command =>
    program
      .command(name)
      .option('--home <dir>', 'state directory (default: $HOLDFAST_HOME or ~/.holdfast)')
      .option('--json', 'machine-readable output');
  const merged = (cmd: Command): GlobalOptions => {
    const own = cmd.opts<GlobalOptions>();
    const top = program.opts<GlobalOptions>();
    const home = own.home ?? top.home;
    const options: GlobalOptions = {};
    if (home !== undefined) options.home = home;
    if (own.json === true || top.json === true) options.json = true;
    return options;
  };

  command('run')
    .description('relay MCP on stdin/stdout to one server, pinning its surface')
    .usage('[options] -- COMMAND [ARGS...]  |  --url URL')
    .option('--name <name>', 'server name (default: derived from the command or URL)')
    .option('--config <file>', 'configuration file (YAML)')
    .addOption(
      new Option('--posture <posture>', 'first-contact posture').choices([
        'discovery',
        'enforcing',
      ]),
    )
    .addOption(
      new Option(
        '--recheck <when>',
        'when to verify the tool list: on every listing, or also before every call',
      ).choices(['on-list', 'every-call']),
    )
    .option('--url <url>', 'a remote server (Streamable HTTP, falling back to SSE)')
    .addOption(
      new Option('--transport <kind>', 'remote transport')
        .choices(['auto', 'streamable-http', 'sse'])
        .default('auto'),
    )
    .option('--header <header...>', 'HTTP header for --url, "Name: value" (never stored)')
    .option(
      '--pin-env <name...>',
      'environment variable names to pin in the launch provenance (values are never stored)',
    )
    .argument('[command...]', 'the server command and its arguments, after --')
    .passThroughOptions()
    .action(async (args: string[], opts: Omit<RunOptions, 'command'>, cmd: Command) => {
      const stopSignal = new Promise<string>((resolve) => {
        for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
          process.once(signal, () => resolve(signal));
      });
      setExit(
        await (
          await import('./commands/run.js')
        ).runCommand({ ...opts, ...merged(cmd), command: args }, deps, {
          stdin: process.stdin,
          stdout: process.stdout,
          cwd: process.cwd(),
          stopSignal,
        }),
      );
    });

  command('servers')
    .description('list servers with their status and digests')
    .action(async (_opts: unknown, cmd: Command) =>
      setExit(await (await import('./commands/servers.js')).serversCommand(merged(cmd), deps)),
    );

  command('diff')
    .description('show what changed since approval, with hidden characters made visible')
    .argument('<name>', 'server name')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      setExit(await (await import('./commands/diff.js')).diffCommand(name, merged(cmd), deps)),
    );

  command('approve')
    .description('approve the observed surface; refused unless --digest is the one observed now')
    .argument('<name>', 'server name')
    .requiredOption(
      '--digest <digest>',
      'the observed surface digest you reviewed (from holdfast diff)',
    )
    .action(async (name: string, opts: { digest: string }, cmd: Command) =>
      setExit(
        await (
          await import('./commands/approve.js')
        ).approveCommand(name, { ...merged(cmd), digest: opts.digest }, deps),
      ),
    );

  command('quarantine')
    .description('disable a server until it is approved again')
    .argument('<name>', 'server name')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      setExit(
        await (await import('./commands/approve.js')).quarantineCommand(name, merged(cmd), deps),
      ),
    );

  return program;
}

/**
 * The exit code for an error commander raised (help, version, usage mistakes), or undefined for
 * any other error. Help asked for (`--help`, `help`) and `--version` exit 0; a usage mistake,
 * including no command at all, exits 2 (docs/cli.md).
 */
export function commanderExitCode(error: unknown): number | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
}

/** The column count of a terminal stream; 80 for pipes, files and test doubles. */
function terminalWidth(stream: object): number {
  const { isTTY, columns } = stream as { isTTY?: unknown; columns?: unknown };
  return isTTY === true && typeof columns === 'number' && columns > 0 ? columns : 80;
}
