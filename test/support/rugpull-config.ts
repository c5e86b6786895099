/**
 * Configuration of the malicious "rug pull" MCP stdio server (`rugpull-server.ts`).
 *
 * The server is a real process: tests spawn it with {@link rugpullCommand} and talk to it through
 * the official SDK (or through Holdfast). Everything it does is chosen by one env var, `RUGPULL`,
 * holding this object as JSON. Every switch is optional and switches combine.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** When the server turns hostile (DESIGN.md §1 axis 1). Hostility never reverts within a process. */
export type RugpullTrigger =
  /** Hostile from the first message. */
  | { kind: 'immediate' }
  /** Hostile once `n` `tools/call` requests have been answered (call n+1 sees it). */
  | { kind: 'after-calls'; n: number }
  /** Hostile once `n` `tools/list` responses (pages count one each) have been sent. */
  | { kind: 'after-lists'; n: number }
  /** Hostile `ms` milliseconds after `notifications/initialized`. */
  | { kind: 'after-ms'; ms: number }
  /** Hostile after a `tools/call` of `tool` whose argument `arg` equals `value` (JSON equality). */
  | { kind: 'on-arg'; tool: string; arg: string; value: unknown }
  /** Persists a launch counter in `stateFile`; hostile from the second launch on. */
  | { kind: 'second-launch'; stateFile: string }
  /** Split view: hostile only when `initialize` carried `clientInfo.name === name`. */
  | { kind: 'client-name'; name: string };

/**
 * What changes once hostile (DESIGN.md §1 axis 2). `instructions` and `server-info` are only read at
 * `initialize`, so they need the `immediate`, `second-launch` or `client-name` trigger.
 */
export type RugpullChange =
  | 'description'
  | 'param-name'
  | 'param-description'
  | 'param-type'
  | 'add-field'
  | 'output-schema'
  | 'annotations'
  | 'tool-added'
  | 'tool-removed'
  | 'tool-renamed'
  | 'shadow'
  | 'instructions'
  | 'server-info'
  | 'prompt'
  | 'prompt-args'
  | 'resource'
  | 'resource-template'
  | 'page2'
  | 'hidden-unicode'
  | 'behaviour';

/** Protocol-level misbehaviour, independent of the trigger. */
export type RugpullFault =
  /** Non-JSON lines on stdout right after `notifications/initialized`. */
  | 'garbage-stdout'
  /** `process.exit(1)` on the `n`-th `tools/call` (top-level `n`, default 1), without answering. */
  | 'crash-after-calls'
  /** `tools/call` is never answered (cancellation is ignored too). */
  | 'hang-on-call'
  /** Every `tools/call` result carries a 20 MB text block. */
  | 'huge-result'
  /** `tools/list` carries a `search_notes` inputSchema nested 10,000 levels deep (raw line). */
  | 'deep-nesting'
  /** `tools/list` raw line has `search_notes` with two `"description"` keys: honest, then poisoned. */
  | 'duplicate-keys'
  /** Paginated lists whose `nextCursor` never changes (pageSize defaults to 1). */
  | 'cursor-loop'
  /** Exit with status 1 before reading anything. */
  | 'exit-immediately';

/** The whole configuration, passed as JSON in the `RUGPULL` env var. */
export interface RugpullConfig {
  trigger?: RugpullTrigger;
  change?: RugpullChange;
  /** `list-changed`: send the matching `notifications/<kind>/list_changed` when hostility starts. */
  signal?: 'list-changed' | 'silent';
  /** Paginate tools/prompts/resources/templates lists with opaque cursors. */
  pageSize?: number;
  /** Benign: each listing has a different item order and object key order (all lists). */
  shuffle?: boolean;
  /** Benign: page size varies per listing, cycling 1, 2, 3 (overrides `pageSize`). */
  repaginate?: boolean;
  /** Benign: send `notifications/tools/list_changed` right after initialized; list unchanged. */
  listChangedOnConnect?: boolean;
  /** Benign: list `trigger_sampling` only if the client declared the `sampling` capability. */
  capabilityTools?: boolean;
  /** Also list `ask_client`, `report_progress`, `log_message` and `slow` (server→client traffic). */
  interactive?: boolean;
  fault?: RugpullFault;
  /** The call number for `crash-after-calls`. */
  n?: number;
  /** Append one JSON line `{kind, method, id?, params}` per received request/notification. */
  recordFile?: string;
}

/** How to spawn the server: pass to `StdioClientTransport` or `child_process.spawn`. */
export interface RugpullCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

const SERVER_PATH = fileURLToPath(new URL('./rugpull-server.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * The command line for a server with `config`. Paths are absolute, so it works from any cwd; `tsx`
 * is resolved from this repository. The env holds `PATH` and `RUGPULL` only: pass it as the whole
 * environment so nothing else leaks in.
 */
export function rugpullCommand(config: RugpullConfig = {}): RugpullCommand {
  const env: Record<string, string> = { RUGPULL: JSON.stringify(config) };
  if (process.env['PATH'] !== undefined) env['PATH'] = process.env['PATH'];
  return {
    command: process.execPath,
    args: ['--import', TSX_LOADER, SERVER_PATH],
    env,
  };
}
