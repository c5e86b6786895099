import { MIN_CALLBACK_SECRET_BYTES } from '../approvals/index.js';
import { AuditLog } from '../audit/log.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { CheckpointSigning, Store } from '../store/index.js';
import type { CallbackServer } from '../transports/http/callback-server.js';
import { startCallbackServer } from '../transports/http/callback-server.js';
import type { CliDeps } from './deps.js';
import { EXIT } from './deps.js';

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
