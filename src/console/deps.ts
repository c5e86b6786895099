/**
 * What the console (routes under `/console` and `/api`) gets from `holdfast serve`. The console is
 * an adapter: every write goes through the same domain functions as the CLI, with the human's
 * principal label (`user:<name>`) as the actor, so it is audited with their identity.
 */
import type { MiddlewareHandler } from 'hono';

import type { Permission } from '../auth/types.js';
import type { Config } from '../config/schema.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { RiskSettings } from '../risk/types.js';
import type { ServeEnv } from '../serve/env.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/index.js';

/** The rules in force, and the one way to change them (validated, written, audited, swapped in). */
export interface RulesHolder {
  /** The compiled policy every new decision uses. */
  current(): CompiledPolicy;
  /** The configuration the policy was compiled from (its `rules`, `egress`, `default_verdict`, `mode`). */
  config(): Config;
  /** The config file, if rules can be saved (serve was started with `--config`). */
  readonly path: string | undefined;
  /**
   * The policy keys in force as YAML text for the editor: the file's own text (with its comments)
   * when it says exactly what is in force, else the configuration written out.
   */
  yaml(): string;
  /**
   * Validates `yamlText` (the YAML of `rules` / `egress` / `default_verdict` / `mode`), writes it
   * into the config file atomically (other keys untouched), records a `config` audit entry with
   * `by`, and swaps the policy in. Throws ConfigError listing every bad field; nothing changes then.
   */
  replace(yamlText: string, by: string): Promise<void>;
}

export interface ConsoleDeps {
  store: Store;
  clock: Clock;
  /**
   * Requires an authenticated human holding `permission` (cookie session or `hfu_` token), checks
   * CSRF on cookie-authenticated writes, and sets `principal`; answers 401/403 otherwise.
   */
  guard: (permission: Permission) => MiddlewareHandler<ServeEnv>;
  /** Signs a checkpoint over the log after a decision is recorded, as the CLI does. */
  signCheckpoint: () => Promise<void>;
  /** The audit log's verifier key (signed-note format) for "verify now" and receipts. */
  verifierKey: string;
  /**
   * The signer's own record of the last checkpoint it signed (`audit-signed.checkpoint` beside the
   * key), which "verify now" also checks the log against, as `holdfast audit verify` does: a
   * truncation that also deleted the stored checkpoints still has to match it. Optional.
   */
  signedHead?: () => string | undefined;
  rules: RulesHolder;
  risk: RiskSettings;
  log: (line: string) => void;
}
