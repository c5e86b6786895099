/**
 * The risk half of I2 (DESIGN §7): a request naming an assessed item passes only as its mode says.
 * `block` denies; `quarantine` is returned to the caller, which turns anything short of deny into
 * pending_approval; `allow` leaves the decision to the rules.
 */
import type { ServerRecord } from '../pinning/types.js';
import type { RiskMode } from '../risk/types.js';
import type { Denial } from './gate.js';

/** The item a request names, assessed. */
export interface AssessedTarget {
  kind: 'assessed';
  ref: string;
  mode: RiskMode;
  band: string;
}

/**
 * The mode of the tool, prompt or listed resource `request` names. Tools and prompts must have an
 * assessment (every observed item gets one; a missing one is a fault, so it denies: I3). Requests
 * that name no item, and resources read through a template, return undefined.
 */
export function decideRisk(
  name: string,
  record: ServerRecord | undefined,
  request: { method: string; params: Record<string, unknown> },
): Denial | AssessedTarget | undefined {
  const target = refOf(request);
  if (target === undefined) return undefined;
  const items = record?.risk?.items;
  const item =
    items !== undefined && Object.hasOwn(items, target.ref) ? items[target.ref] : undefined;
  if (item === undefined) {
    if (!target.isRequired) return undefined;
    return {
      kind: 'deny',
      code: 'RISK_UNASSESSED',
      message: `server "${name}" has no risk assessment for this ${target.noun}; it is denied until one is made`,
    };
  }
  if (item.mode === 'block') {
    return {
      kind: 'deny',
      code: 'RISK_BLOCKED',
      message: `this ${target.noun} of server "${name}" is blocked by its risk assessment (${item.band}). Review with: holdfast diff ${name}`,
    };
  }
  return { kind: 'assessed', ref: target.ref, mode: item.mode, band: item.band };
}

function refOf(request: {
  method: string;
  params: Record<string, unknown>;
}): { ref: string; noun: string; isRequired: boolean } | undefined {
  const { method, params } = request;
  if (method === 'tools/call' && typeof params['name'] === 'string') {
    return { ref: `tool:${params['name']}`, noun: 'tool', isRequired: true };
  }
  if (method === 'prompts/get' && typeof params['name'] === 'string') {
    return { ref: `prompt:${params['name']}`, noun: 'prompt', isRequired: true };
  }
  if (method === 'resources/read' && typeof params['uri'] === 'string') {
    return { ref: `resource:${params['uri']}`, noun: 'resource', isRequired: false };
  }
  return undefined;
}
