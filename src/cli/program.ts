import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { registerAccessCommands } from './commands/access-program.js';
import type { PolicyTestOptions } from './commands/policy.js';
import type { RunOptions } from './commands/run.js';
import type { ScanOptions } from './commands/scan.js';
import type { ServeOptions } from './commands/serve.js';
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

  command('serve')
    .description('the shared gateway: MCP over Streamable HTTP for agents, a console for humans')
    .option('--config <file>', 'configuration file (YAML) with a `servers:` section')
    .option('--listen <host:port>', 'address to listen on (default: serve.listen, 127.0.0.1:8750)')
    .action(async (opts: Omit<ServeOptions, 'home' | 'json'>, cmd: Command) => {
      const stopSignal = new Promise<string>((resolve) => {
        for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
          process.once(signal, () => resolve(signal));
      });
      setExit(
        await (
          await import('./commands/serve.js')
        ).serveCommand({ ...opts, ...merged(cmd) }, deps, { cwd: process.cwd(), stopSignal }),
      );
    });

  command('servers')
    .description('list servers with their status and digests')
    .action(async (_opts: unknown, cmd: Command) =>
      setExit(await (await import('./commands/servers.js')).serversCommand(merged(cmd), deps)),
    );

  command('diff')
    .description(
      'show what changed since approval, with hidden characters made visible and risk findings',
    )
    .argument('<name>', 'server name')
    .option('--config <file>', 'configuration file (YAML): risk thresholds for the findings')
    .action(async (name: string, opts: { config?: string }, cmd: Command) =>
      setExit(
        await (
          await import('./commands/diff.js')
        ).diffCommand(name, { ...merged(cmd), ...opts }, deps),
      ),
    );

  command('approve')
    .description('approve the observed surface; refused unless --digest is the one observed now')
    .argument('<name>', 'server name')
    .requiredOption(
      '--digest <digest>',
      'the observed surface digest you reviewed (from holdfast diff); with --tool, the tool digest',
    )
    .option('--tool <tool>', "release one tool's risk quarantine or block instead")
    .option('--accept-risk', 'also allow items whose risk assessment blocks them')
    .action(
      async (
        name: string,
        opts: { digest: string; tool?: string; acceptRisk?: boolean },
        cmd: Command,
      ) =>
        setExit(
          await (
            await import('./commands/approve.js')
          ).approveCommand(name, { ...merged(cmd), ...opts }, deps),
        ),
    );

  command('quarantine')
    .description('disable a server (or, with --tool, hold every call of one tool) until approved')
    .argument('<name>', 'server name')
    .option('--tool <tool>', 'quarantine only this tool: each call waits for a human')
    .option('--block', 'with --tool: deny its calls and hide it instead')
    .action(async (name: string, opts: { tool?: string; block?: boolean }, cmd: Command) =>
      setExit(
        await (
          await import('./commands/approve.js')
        ).quarantineCommand(name, { ...merged(cmd), ...opts }, deps),
      ),
    );

  command('anomalies')
    .description('list behaviour anomalies raised against tool results')
    .argument('[name]', 'only this server')
    .option('--tool <tool>', 'only this tool')
    .option('--since <seconds>', 'only anomalies at most this many seconds old', toIndex)
    .option('--limit <n>', 'at most this many, the newest (default 100)', toIndex)
    .action(
      async (
        name: string | undefined,
        opts: { tool?: string; since?: number; limit?: number },
        cmd: Command,
      ) =>
        setExit(
          await (
            await import('./commands/anomalies.js')
          ).anomaliesCommand(name, { ...merged(cmd), ...opts }, deps),
        ),
    );

  command('pending')
    .description('list calls held for human approval')
    .action(async (_opts: unknown, cmd: Command) =>
      setExit(await (await import('./commands/pending.js')).pendingCommand(merged(cmd), deps)),
    );

  command('resolve')
    .description('approve or deny a held call (it then proceeds or is denied)')
    .argument('<id>', 'hold id, from holdfast pending')
    .option('--approve', 'let the held call through')
    .option('--deny', 'refuse the held call')
    .action(async (id: string, opts: { approve?: boolean; deny?: boolean }, cmd: Command) =>
      setExit(
        await (
          await import('./commands/pending.js')
        ).resolveCommand(id, { ...opts, ...merged(cmd) }, deps),
      ),
    );

  const policy = program.command('policy').description('check rules and try them on a call');
  const policySub = (name: string): Command =>
    policy
      .command(name)
      .option('--home <dir>', 'state directory (default: $HOLDFAST_HOME or ~/.holdfast)')
      .option('--json', 'machine-readable output')
      .option('--config <file>', 'configuration file (YAML) holding the rules');
  policySub('check')
    .description('validate a configuration; every bad field is reported with its path (exit 2)')
    .action(async (opts: { config?: string }, cmd: Command) =>
      setExit(
        (await import('./commands/policy.js')).policyCheckCommand(
          { ...opts, ...merged(cmd) },
          deps,
        ),
      ),
    );
  policySub('test')
    .description('show which rule decides a call, and why each earlier rule did not match')
    .requiredOption('--server <name>', 'server name')
    .option('--tool <name>', 'tool name (method tools/call)')
    .option('--prompt <name>', 'prompt name (method prompts/get)')
    .option('--resource <uri>', 'resource URI (method resources/read)')
    .option('--method <method>', 'any other method, e.g. sampling/createMessage')
    .option('--args <json>', 'the arguments (or params), as JSON', '{}')
    .option('--definition <digest>', 'the pinned definition digest of the tool or prompt')
    .action(async (opts: PolicyTestOptions, cmd: Command) =>
      setExit(
        (await import('./commands/policy.js')).policyTestCommand({ ...opts, ...merged(cmd) }, deps),
      ),
    );

  command('scan')
    .description(
      'scan server definitions with the risk engine; exit 6 when an item reaches --fail-on',
    )
    .usage('[options] -- COMMAND [ARGS...]  |  --url URL  |  --file FILE  |  --client-config FILE')
    .option('--name <name>', 'server name (default: derived from the command, URL or file)')
    .option('--url <url>', 'a remote server (Streamable HTTP, falling back to SSE)')
    .addOption(
      new Option('--transport <kind>', 'remote transport (default: auto)').choices([
        'auto',
        'streamable-http',
        'sse',
      ]),
    )
    .option('--header <header...>', 'HTTP header for --url, "Name: value" (never printed)')
    .option('--file <file>', 'a saved tools/list result (JSON); - reads stdin')
    .option('--client-config <file>', "a desktop client's MCP configuration: scan its servers")
    .option('--server <name...>', 'with --client-config: only these servers')
    .option('--config <file>', 'configuration file (YAML): risk settings and limits')
    .addOption(
      new Option('--fail-on <band>', 'exit 6 when an item reaches this band')
        .choices(['low', 'medium', 'high', 'critical', 'none'])
        .default('high'),
    )
    .option('--timeout <ms>', "one server's whole probe (default: request_timeout_ms)", toTimeout)
    .option('--sarif', 'SARIF 2.1.0 output (not with --json)')
    .argument('[command...]', 'the server command and its arguments, after --')
    .passThroughOptions()
    .action(async (args: string[], opts: Omit<ScanOptions, 'command'>, cmd: Command) =>
      setExit(
        await (
          await import('./commands/scan.js')
        ).scanCommand({ ...opts, ...merged(cmd), command: args }, deps, {
          stdin: process.stdin,
          cwd: process.cwd(),
        }),
      ),
    );

  registerAccessCommands(program, { deps, setExit, merged });

  registerAudit(program.command('audit').description('read, verify and prove the audit log'), {
    deps,
    setExit,
    merged,
  });

  return program;
}

/** What the `audit` subcommands need from {@link createProgram}. */
interface Registration {
  deps: CliDeps;
  setExit: (code: number) => void;
  merged: (cmd: Command) => GlobalOptions;
}

/** `holdfast audit key|checkpoint|show|export|verify|receipt|verify-receipt` (docs/cli.md). */
function registerAudit(audit: Command, { deps, setExit, merged }: Registration): void {
  const sub = (name: string): Command =>
    audit
      .command(name)
      .option('--home <dir>', 'state directory (default: $HOLDFAST_HOME or ~/.holdfast)')
      .option('--json', 'machine-readable output');
  const load = (): Promise<typeof import('./commands/audit.js')> => import('./commands/audit.js');
  const loadVerify = (): Promise<typeof import('./commands/audit-verify.js')> =>
    import('./commands/audit-verify.js');
  const vkeyHelp =
    "the log's public key, or a file holding it (default: the key in the state directory)";

  sub('key')
    .description("print the log's public key (C2SP vkey); creates the key on first use")
    .action(async (_opts: unknown, cmd: Command) =>
      setExit((await load()).auditKeyCommand(merged(cmd), deps)),
    );
  sub('checkpoint')
    .description('sign a checkpoint over the whole log now and print it (keep a copy elsewhere)')
    .action(async (_opts: unknown, cmd: Command) =>
      setExit(await (await load()).auditCheckpointCommand(merged(cmd), deps)),
    );
  sub('show')
    .description('show entries: the newest --limit, or --limit from --from on')
    .option('--from <index>', 'first entry index', toIndex)
    .option('--limit <n>', 'how many entries (default 50)', toIndex)
    .option('--server <name>', 'only entries of this server')
    .option('--kind <kind>', 'only entries of this kind (call, result, drift, approve, …)')
    .action(
      async (
        opts: { from?: number; limit?: number; server?: string; kind?: string },
        cmd: Command,
      ) => setExit(await (await load()).auditShowCommand({ ...opts, ...merged(cmd) }, deps)),
    );
  sub('export')
    .description('write entries as JSON Lines, each line the exact bytes that were hashed')
    .option('--out <file>', 'write to a new file instead of stdout')
    .option('--from <index>', 'first entry index', toIndex)
    .action(async (opts: { out?: string; from?: number }, cmd: Command) =>
      setExit(await (await load()).auditExportCommand({ ...opts, ...merged(cmd) }, deps)),
    );
  sub('verify')
    .description('recompute the whole log and check every checkpoint offline (exit 5 on failure)')
    .option('--vkey <key>', vkeyHelp)
    .option(
      '--checkpoint <file...>',
      'checkpoints or receipts kept elsewhere that the log must match',
    )
    .action(async (opts: { vkey?: string; checkpoint?: string[] }, cmd: Command) =>
      setExit(await (await loadVerify()).auditVerifyCommand({ ...opts, ...merged(cmd) }, deps)),
    );
  sub('receipt')
    .description('write a c2sp.org/tlog-proof@v1 receipt for entry N, with the entry beside it')
    .argument('<index>', 'entry index', toIndex)
    .option('--out <file>', 'receipt file (default holdfast-audit-N.tlog-proof)')
    .action(async (index: number, opts: { out?: string }, cmd: Command) =>
      setExit(
        await (await loadVerify()).auditReceiptCommand(index, { ...opts, ...merged(cmd) }, deps),
      ),
    );
  sub('verify-receipt')
    .description("check a receipt offline against the log's public key (exit 5 on failure)")
    .argument('<file>', 'the .tlog-proof file')
    .option('--vkey <key>', vkeyHelp)
    .option('--entry <file>', 'the entry bytes (default: FILE with .entry.json)')
    .action(async (file: string, opts: { vkey?: string; entry?: string }, cmd: Command) =>
      setExit(
        (await loadVerify()).auditVerifyReceiptCommand(file, { ...opts, ...merged(cmd) }, deps),
      ),
    );
}

/** Parses a non-negative integer option or argument. */
function toIndex(value: string): number {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) {
    throw new InvalidArgumentError('expected a non-negative integer');
  }
  return Number(value);
}

/** Parses a timeout in milliseconds, 100 to 600000. */
function toTimeout(value: string): number {
  const ms = /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms >= 100 && ms <= 600_000)) {
    throw new InvalidArgumentError('expected milliseconds from 100 to 600000');
  }
  return ms;
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
