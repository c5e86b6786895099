/**
 * How a session waits on a held request (DESIGN §9): it may ask the client's user in-band through
 * MCP elicitation — answered in the client's UI by the human, not by the model — and tells a client
 * that asked for progress that the request is still waiting.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import type { Clock } from '../shared/clock.js';
import type { Hold, HoldStore } from '../store/ports.js';
import { isJsonObject } from '../surface/snapshot.js';
import type { JsonObject } from '../surface/types.js';
import type { HoldWaitOptions } from './hold-waiter.js';
import type { GatedRequest } from './request-gate.js';

/** How held requests wait (the `approvals` configuration). */
export interface ApprovalSettings {
  /** How long a hold waits before it expires (expiry denies). */
  ttlMs: number;
  /** How often the shared store is read for a resolution. */
  pollMs: number;
  /** How often a client that asked for progress hears that the request is still waiting. */
  progressIntervalMs: number;
  /** Ask the client's user in-band when the client supports MCP elicitation. */
  elicitation: boolean;
}

/** What the hooks need from their session. */
export interface HoldHookContext {
  approvals: ApprovalSettings;
  store: HoldStore;
  clock: Clock;
  canElicit: () => boolean;
  /** Why nobody waits for this request's answer any more, if so (see HoldWaitOptions). */
  abandoned: () => string | undefined;
  /** Sends a request to the client on the gateway's own behalf and resolves with its result. */
  askClient: (method: string, params: JsonObject) => Promise<JsonObject>;
  sendClient: (message: JSONRPCMessage) => Promise<void>;
}

/** The form the client's user fills in: one yes/no question. */
const APPROVE_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    approve: {
      type: 'boolean',
      title: 'Approve this request',
      description: 'Holdfast forwards the request only if you approve it.',
    },
  },
  required: ['approve'],
};

/** The wait settings and hooks for one held request. */
export function createHoldHooks(
  request: GatedRequest,
  context: HoldHookContext,
): Omit<HoldWaitOptions, 'log'> {
  const { approvals } = context;
  const meta = request.params['_meta'];
  const token = isJsonObject(meta) ? meta['progressToken'] : undefined;
  return {
    store: context.store,
    clock: context.clock,
    ttlMs: approvals.ttlMs,
    pollMs: approvals.pollMs,
    progressIntervalMs: approvals.progressIntervalMs,
    abandoned: context.abandoned,
    elicit:
      approvals.elicitation && context.canElicit() ? (hold) => askUser(hold, context) : undefined,
    progress:
      typeof token === 'string' || typeof token === 'number'
        ? (step, message) =>
            context.sendClient({
              jsonrpc: '2.0',
              method: 'notifications/progress',
              params: { progressToken: token, progress: step, message },
            })
        : undefined,
  };
}

/** Asks the client's user; true/false for an answer, undefined when there is none to act on. */
async function askUser(hold: Hold, context: HoldHookContext): Promise<boolean | undefined> {
  const what = hold.method === 'tools/call' ? `the tool ${hold.name ?? '?'}` : hold.method;
  const result = await context.askClient('elicitation/create', {
    message:
      `Holdfast is holding a call to ${what} on server "${hold.server}" for your approval ` +
      `(rule ${hold.ruleId}: ${hold.reason}). Hold ${hold.id}. Approve it?`,
    requestedSchema: APPROVE_SCHEMA,
  });
  const content = result['content'];
  if (result['action'] === 'accept' && isJsonObject(content)) {
    return typeof content['approve'] === 'boolean' ? content['approve'] : undefined;
  }
  return result['action'] === 'decline' ? false : undefined;
}
