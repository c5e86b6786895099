import { MIN_CALLBACK_SECRET_BYTES } from '../approvals/index.js';
import { AuditLog } from '../audit/log.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { CheckpointSigning, Store } from '../store/index.js';
import type { CallbackServer } from '../transports/http/callback-server.js';
import { startCallbackServer } from '../transports/http/callback-server.js';
import type { CliDeps, GlobalOptions } from './deps.js';
import { EXIT, openAuditSigning, openStore, resolveHome } from './deps.js';

/** What a gateway process (`run`, `serve`) runs on: the store, its audit log, the callback. */
export interface GatewayServices {
  store: Store;
  audit: AuditLog;
  callback: CallbackServer | undefined;
  /** Closes the callback, the audit log (signing its last checkpoint) and the store. */
  close(): Promise<void>;
}

/**
 * Opens the state store (passed through `wrap`, e.g. to count what it appends), the checkpoint
 * signer, the approval callback when configured, and the audit log. Returns an exit code after
 * saying why when any of them cannot be opened; nothing is left open then.
 */
export async function openGatewayServices(
  config: Config,
  options: GlobalOptions,
  deps: Pick<CliDeps, 'env' | 'clock'>,
  log: (line: string) => void,
  wrap: (store: Store) => Store = (store) => store,
): Promise<GatewayServices | { exit: number }> {
  let store: Store | undefined;
  let signing: CheckpointSigning;
  try {
    store = wrap(openStore(options, deps.env));
    signing = openAuditSigning(resolveHome(options, deps.env));
  } catch (error) {
    await store?.close();
    log(`cannot open the state store: ${(error as Error).message}`);
    return { exit: EXIT.FAILURE };
  }
  const started = await startConfiguredCallback(config, store, deps, log);
  if ('exit' in started) {
    await store.close();
    return started;
  }
  const { callback } = started;
  const audit = openGatewayAudit(config, store, signing, deps.clock, log);
  const opened = store;
  return {
    store: opened,
    audit,
    callback,
    close: async () => {
      await callback?.close();
      await audit.close();
      await opened.close();
    },
  };
}

/** The audit log every gateway session of a process appends to, with the configured cadence. */
export function openGatewayAudit(
  config: Config,
  store: Store,
  signing: CheckpointSigning,
  clock: Clock,
  log: (line: string) => void,
): AuditLog {
  return new AuditLog({
    store,
    signing,
    clock,
    log,
    checkpointIntervalMs: config.audit.checkpoint_interval * 1000,
  });
}

/**
 * Starts the HMAC-signed approval callback when `approvals.callback` is configured (docs/cli.md),
 * for `holdfast run` and `holdfast serve` alike. Returns the server (or undefined when none is
 * configured), or an exit code after saying why it could not start.
 */
export async function startConfiguredCallback(
  config: Config,
  store: Store,
  deps: Pick<CliDeps, 'env' | 'clock'>,
  log: (line: string) => void,
): Promise<{ callback: CallbackServer | undefined } | { exit: number }> {
  const settings = config.approvals.callback;
  if (settings === undefined) return { callback: undefined };
  const secret = deps.env[settings.secret_env];
  if (secret === undefined || Buffer.byteLength(secret) < MIN_CALLBACK_SECRET_BYTES) {
    log(
      `approvals.callback needs a secret of at least ${MIN_CALLBACK_SECRET_BYTES} bytes in $${settings.secret_env}`,
    );
    return { exit: EXIT.USAGE };
  }
  const colon = settings.listen.lastIndexOf(':');
  try {
    const callback = await startCallbackServer({
      host: settings.listen.slice(0, colon).replace(/^\[|\]$/g, ''),
      port: Number(settings.listen.slice(colon + 1)),
      secret,
      store,
      clock: deps.clock,
      replayWindowS: settings.replay_window,
      log,
    });
    log(`approval callback listening on ${callback.url}`);
    return { callback };
  } catch (error) {
    log(`cannot start the approval callback: ${(error as Error).message}`);
    return { exit: EXIT.FAILURE };
  }
}
