import { DEFAULT_BEHAVIOR_SETTINGS } from '../behavior/index.js';
import { toRiskSettings } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { GatewayOptions } from '../gateway/index.js';
import type { Store } from '../store/index.js';
import type { JsonObject } from '../surface/types.js';
import { rawBytesOf } from '../transports/raw-bytes.js';

/** How often a held request looks for its resolution in the shared store. */
export const HOLD_POLL_MS = 200;

/** What differs per session; everything else comes from the configuration. */
export interface SessionParts {
  name: string;
  store: Store;
  launch: JsonObject;
  audit: GatewayOptions['audit'];
  clock: GatewayOptions['clock'];
  log: GatewayOptions['log'];
  posture: Config['posture'];
  recheck: Config['recheck'];
}

/**
 * The options of one gateway session from the configuration: `holdfast run` and `holdfast serve`
 * build theirs here, so both apply exactly the same protections. `policy` is a getter, read at each
 * decision, so a server that swaps rules in affects every live session at once.
 */
export function toGatewayOptions(
  config: Config,
  policy: () => GatewayOptions['policy'],
  parts: SessionParts,
): GatewayOptions {
  const { store } = parts;
  return {
    name: parts.name,
    store,
    posture: parts.posture,
    launch: parts.launch,
    clock: parts.clock,
    log: parts.log,
    recheck: parts.recheck,
    recheckIntervalMs: config.recheck_interval === 0 ? null : config.recheck_interval * 1000,
    allowUnknownArguments: config.allow_unknown_arguments,
    requestTimeoutMs: config.request_timeout_ms,
    limits: { maxItems: config.limits.max_items, maxPages: config.limits.max_pages },
    audit: parts.audit,
    keepPayloads: config.audit.keep_payloads,
    get policy() {
      return policy();
    },
    risk: { settings: toRiskSettings(config), newItems: config.risk.new_items },
    behaviorStore: store,
    behavior: {
      settings: { ...DEFAULT_BEHAVIOR_SETTINGS, learnCalls: config.behavior.learn_calls },
      actions: config.behavior.actions,
    },
    messageBytes: (message) => rawBytesOf(message)?.length,
    holds: store,
    approvals: {
      ttlMs: config.approvals.timeout * 1000,
      pollMs: HOLD_POLL_MS,
      progressIntervalMs: config.approvals.progress_interval * 1000,
      elicitation: config.approvals.elicitation,
    },
  };
}
