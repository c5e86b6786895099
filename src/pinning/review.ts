/**
 * A human's review decisions on one server (DESIGN §5, §7), shared by `holdfast approve` /
 * `holdfast quarantine` and the console: approve the observed surface by naming its digest (I6),
 * quarantine the server, or set one tool's risk mode. Each runs as one compare-and-set update of
 * the pin store, so the decision and its audit events are written together, and a refusal is
 * recorded too. Only these explicit, attributed actions relax anything (I5).
 */
import type { RiskMode } from '../risk/types.js';
import type { PinStore } from '../store/ports.js';
import { setItemRisk } from './item-risk.js';
import { withRiskReview } from './risk-transition.js';
import { approve, quarantine } from './status.js';
import type { ServerRecord } from './types.js';

/** Who decides, and when (ms since the epoch). `by` is recorded: `cli:<user>`, `user:<name>`. */
export interface ReviewActor {
  by: string;
  now: number;
}

/** An item whose risk mode is not `allow`, as the approval's summary lists it. */
export interface RestrictedItem {
  ref: string;
  mode: string;
  band: string;
  source: string;
  by: string | null;
  digest: string;
}

/** The outcome of {@link approveObservedSurface}. */
export interface SurfaceApproval {
  /** False when `digest` is no longer the observed surface digest (the refusal is recorded). */
  approved: boolean;
  /** The surface digest observed when the approval was decided. */
  observed: string | null;
  /** The record as stored afterwards. */
  record: ServerRecord | undefined;
  /** Items still quarantined or blocked after the approval. */
  restricted: RestrictedItem[];
}

/**
 * Re-baselines `name` only if `digest` is the surface digest observed now (I6); the reviewer saw
 * the risk findings with the diff, so their approval reviews the items' risk too (`acceptRisk`
 * also allows items whose band blocks them).
 * @throws PinError `PIN_UNKNOWN_SERVER`, `PIN_NOTHING_OBSERVED`; StoreError on a store fault.
 */
export async function approveObservedSurface(
  store: PinStore,
  name: string,
  digest: string,
  options: ReviewActor & { acceptRisk: boolean },
): Promise<SurfaceApproval> {
  const outcome: { approved: boolean; observed: string | null } = {
    approved: false,
    observed: null,
  };
  const record = await store.update(name, (current) => {
    const ctx = { name, now: options.now };
    const result = approve(current, digest, options.by, ctx);
    outcome.approved = result.approved;
    outcome.observed = current?.observed?.digests.surface ?? null;
    if (!result.approved) return result.transition;
    return withRiskReview(
      result.transition,
      { by: options.by, acceptRisk: options.acceptRisk },
      ctx,
    );
  });
  return { ...outcome, record, restricted: restrictedItems(record) };
}

/**
 * Disables `name` until an approval restores it. Tightening never waits on a review, so it applies
 * whatever the server shows now.
 * @throws PinError `PIN_UNKNOWN_SERVER`; StoreError on a store fault.
 */
export async function quarantineServer(
  store: PinStore,
  name: string,
  actor: ReviewActor,
): Promise<ServerRecord | undefined> {
  return store.update(name, (current) => quarantine(current, actor.by, { name, now: actor.now }));
}

/** The outcome of {@link setToolRiskMode}. */
export interface ToolModeChange {
  /** `tool:<name>`. */
  ref: string;
  /** False when `reviewedDigest` is no longer the tool's assessed digest (the refusal is recorded). */
  applied: boolean;
  /** The tool's definition digest as last assessed. */
  digest: string;
}

/**
 * Sets one tool's risk mode: `quarantine` (each call held for a human), `block` (denied and
 * hidden), or `allow` (the rules decide again). A release names the definition digest the human
 * reviewed (`reviewedDigest`, I6) and is refused when the tool changed since.
 * @throws PinError `PIN_UNKNOWN_SERVER`, `PIN_UNKNOWN_ITEM`; StoreError on a store fault.
 */
export async function setToolRiskMode(
  store: PinStore,
  name: string,
  tool: string,
  mode: RiskMode,
  options: ReviewActor & { reviewedDigest?: string },
): Promise<ToolModeChange> {
  const ref = `tool:${tool}`;
  const outcome = { applied: false, digest: '' };
  await store.update(name, (current) => {
    const result = setItemRisk(
      current,
      ref,
      mode,
      options.reviewedDigest === undefined
        ? { actor: options.by }
        : { actor: options.by, reviewedDigest: options.reviewedDigest },
      { name, now: options.now },
    );
    outcome.applied = result.applied;
    outcome.digest = result.digest;
    return result.transition;
  });
  return { ref, ...outcome };
}

/** Items of `record` whose risk mode is not `allow`, for an approval's summary. */
export function restrictedItems(record: ServerRecord | undefined): RestrictedItem[] {
  return Object.entries(record?.risk?.items ?? {})
    .filter(([, item]) => item.mode !== 'allow')
    .map(([ref, item]) => ({
      ref,
      mode: item.mode,
      band: item.band,
      source: item.source,
      by: item.by,
      digest: item.digest,
    }));
}
