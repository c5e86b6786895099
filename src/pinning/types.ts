import type { RiskRecord } from '../risk/ratchet.js';
import type { Digest, Section, Surface, SurfaceDigests } from '../surface/types.js';

/**
 * Server status (DESIGN §5). `unknown` is the absence of a record.
 * - `verified`: the observed surface matches the approved baseline.
 * - `pending`: first seen under the enforcing posture; nothing approved yet.
 * - `changed`: drifted from the baseline; held until a human approves the observed digest.
 * - `quarantined`: disabled by a human; only an explicit approval restores it.
 */
export type ServerStatus = 'verified' | 'pending' | 'changed' | 'quarantined';

/** Posture for servers seen for the first time. */
export type Posture = 'discovery' | 'enforcing';

/** The item keys one client profile saw, per section. */
export type ProfileKeys = Record<Section, string[]>;

/** What a human (or trust on first use) approved. */
export interface Baseline {
  /** Union of approved items across the client profiles seen. */
  surface: Surface;
  digests: SurfaceDigests;
  /** Which items each client profile (see `profileDigest`) lists. */
  profiles: Record<string, ProfileKeys>;
  approvedAt: number;
  /** `tofu` for trust on first use, otherwise the human's identity. */
  approvedBy: string;
}

/** One complete look at a server's surface, as one client profile sees it. */
export interface Observation {
  surface: Surface;
  digests: SurfaceDigests;
  profile: Digest;
  observedAt: number;
}

/** A server's pinning state. `revision` increases on every write (compare-and-set). */
export interface ServerRecord {
  name: string;
  status: ServerStatus;
  revision: number;
  baseline: Baseline | null;
  /** The most recent observation (the one `approve --digest` must name). */
  observed: Observation | null;
  /** Why the status is what it is, safe to show (never server-authored text). */
  reason: string;
  updatedAt: number;
  /**
   * Each item's risk assessment and enforcement mode (DESIGN §7). Absent in records written before
   * the risk engine; the first observation fills it in.
   */
  risk?: RiskRecord;
}

/** Kinds of pinning events, recorded in the audit log. `call-denied` only appears in logs migrated from 0.1. */
export const PIN_EVENT_KINDS = [
  'probe',
  'baseline',
  'drift',
  'pending',
  'approve',
  'approve-refused',
  'quarantine',
  'profile-learned',
  'profile-unreviewed',
  'risk-mode',
  'call-denied',
] as const;

/** A kind of pinning event. */
export type PinEventKind = (typeof PIN_EVENT_KINDS)[number];

/** One recorded pinning event. `data` holds digests and codes, never server-authored text. */
export interface PinEvent {
  at: number;
  server: string;
  kind: PinEventKind;
  data: Record<string, string | number | boolean | null>;
}
