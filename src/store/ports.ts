import type { AuditEvent, AuditPayload } from '../audit/entry.js';
import type { Role } from '../auth/types.js';
import type { PinEvent, ServerRecord, ServerStatus } from '../pinning/types.js';
import type { JsonObject } from '../surface/types.js';

/** The result of an update function: the record to write and the events to append with it. */
export interface PinUpdate {
  record: ServerRecord;
  events: PinEvent[];
}

/**
 * Storage for pinning state. Every backend (memory, SQLite, PostgreSQL) passes the contract suite in
 * `test/contract/pin-store.contract.ts`. Any fault throws `StoreError`; callers deny (I3).
 */
export interface PinStore {
  /** The full record, or undefined when the server was never seen. */
  getServer(name: string): Promise<ServerRecord | undefined>;
  /** Status and revision only: the per-call hot path. */
  getStatus(name: string): Promise<{ status: ServerStatus; revision: number } | undefined>;
  /** Every record, ordered by name. */
  listServers(): Promise<ServerRecord[]>;
  /**
   * Atomically read the current record, let `fn` (pure, synchronous) decide, and write its
   * result with the events in one transaction. `fn` returning undefined writes nothing.
   * The written record's revision is set by the store (previous + 1, or 1).
   * Returns the record as stored after the call.
   */
  update(
    name: string,
    fn: (current: ServerRecord | undefined) => PinUpdate | undefined,
  ): Promise<ServerRecord | undefined>;
  /** Pinning events in append order (decoded from the audit log), optionally for one server. */
  listEvents(filter?: { server?: string; limit?: number }): Promise<PinEvent[]>;
  close(): Promise<void>;
}

/** A tree head: the number of entries and the Merkle root over them. */
export interface TreeHead {
  size: number;
  root: Buffer;
}

/** A signed checkpoint as stored: the tree size it commits to and the signed note, verbatim. */
export interface StoredCheckpoint {
  size: number;
  note: string;
}

/** One stored entry with the leaf hash stored for it (undefined when that node is missing). */
export interface StoredEntry {
  index: number;
  entry: Buffer;
  leaf: Buffer | undefined;
}

/**
 * Signs a checkpoint for `head` inside the store's write transaction, so no append or other signer
 * interleaves. `previous` is the newest stored checkpoint; `prove(oldSize)` returns the consistency
 * proof from an older size to `head.size`. Returns the signed note, or throws to refuse.
 */
export type CheckpointSigning = (
  head: TreeHead,
  previous: StoredCheckpoint | undefined,
  prove: (oldSize: number) => Buffer[],
) => string;

/**
 * The append-only audit log (DESIGN §10): entries, the Merkle tree over them, signed checkpoints and
 * the redactable payloads. Every backend passes `test/contract/audit-store.contract.ts`.
 */
export interface AuditStore {
  /**
   * Appends the events as consecutive entries, durably, in one transaction (one fsync), and
   * returns their indexes. Pin updates append their events through the same path.
   */
  appendAudit(events: readonly AuditEvent[]): Promise<number[]>;
  /** The current tree head. */
  auditHead(): Promise<TreeHead>;
  /** Up to `limit` stored entries from index `start` on, in index order (gaps show as jumps). */
  readEntries(start: number, limit: number): Promise<StoredEntry[]>;
  /** RFC 9162 inclusion proof of `index` in the tree of `size` entries, from stored nodes. */
  inclusionProof(index: number, size: number): Promise<Buffer[]>;
  /** RFC 9162 consistency proof from `size1` to `size2`, from stored nodes. */
  consistencyProof(size1: number, size2: number): Promise<Buffer[]>;
  /** The root of the first `size` entries, from stored nodes. */
  rootAt(size: number): Promise<Buffer>;
  /** Every stored checkpoint, by size. */
  listCheckpoints(): Promise<StoredCheckpoint[]>;
  /**
   * Signs a checkpoint over the current tree with `sign` in one write transaction and stores it.
   * When the newest checkpoint already covers the tree, returns it without signing.
   */
  addCheckpoint(sign: CheckpointSigning): Promise<StoredCheckpoint>;
  /** The payload kept beside entry `index`, if any. */
  readPayload(index: number): Promise<AuditPayload | undefined>;
  /** Deletes the payload of entry `index` (redaction); the log still verifies. */
  deletePayload(index: number): Promise<boolean>;
}

/** Where a held call stands (DESIGN §9). Only `pending` ever changes, and only once. */
export type HoldState = 'pending' | 'approved' | 'denied' | 'expired';

/**
 * A call held by a `pending_approval` verdict until a human resolves it (DESIGN §9). An approval
 * binds to exactly what was held: principal, server, method and name, definition digest and
 * argument digest (I6). Every field is safe to show: digests, names and the rule's own reason.
 */
export interface Hold {
  /** `hold_` + 16 URL-safe characters (`createId('hold')`). */
  id: string;
  server: string;
  /** The held request's method (`tools/call`, `prompts/get`, `resources/read`). */
  method: string;
  /** The tool or prompt name, or the resource URI; null when the request names nothing. */
  name: string | null;
  /** Who asked: the downstream session's identity, e.g. `stdio:<session id>`. */
  principal: string;
  /** Digest of the definition in force when the call was held; null when there is none. */
  definitionDigest: string | null;
  /** Digest of the arguments the approval applies to. */
  argsDigest: string;
  /** The policy rule that held the call, and its reason. */
  ruleId: string;
  reason: string;
  /** Milliseconds since the Unix epoch. The hold expires (and the call is denied) at `expiresAt`. */
  createdAt: number;
  expiresAt: number;
  state: HoldState;
  /** Who approved or denied it (`cli:<user>`, `callback:<name>`, …); null while pending or when it expired. */
  resolvedBy: string | null;
  /** When it was approved, denied or found expired; null while pending. */
  resolvedAt: number | null;
}

/** What a human decided about a hold, by whom and when. */
export interface HoldResolution {
  state: 'approved' | 'denied';
  by: string;
  at: number;
}

/**
 * The durable queue of held calls and the callback nonces (DESIGN §9). Every backend passes
 * `test/contract/hold-store.contract.ts`. Each creation and each change of state is appended to the
 * audit log (`hold`, `hold-resolved`) in the same transaction. Any fault throws `StoreError`.
 */
export interface HoldStore {
  /**
   * Stores a new hold (state `pending`, nothing resolved) with its `hold` audit entry.
   * @throws RangeError for a malformed hold, one that is not pending, or an id already used.
   */
  createHold(hold: Hold): Promise<void>;
  /** The hold as stored, or undefined when the id is unknown. */
  getHold(id: string): Promise<Hold | undefined>;
  /** Holds matching every given filter field, oldest first (by `createdAt`, then creation order). */
  listHolds(filter?: { state?: HoldState; server?: string }): Promise<Hold[]>;
  /**
   * Compare-and-set: resolves only a hold that is still pending and not expired at `at` (then
   * returns the stored hold); an expired pending hold becomes `expired` instead; any other hold is
   * returned unchanged. The caller checks the returned state. Undefined when the id is unknown.
   */
  resolveHold(id: string, resolution: HoldResolution): Promise<Hold | undefined>;
  /** Marks a pending hold expired if `at` >= expiresAt. Returns the hold as stored. */
  expireHold(id: string, at: number): Promise<Hold | undefined>;
  /**
   * Records a callback nonce; false if it was already used (a replay). Nonces recorded before
   * `forgetBefore` may be pruned: pass a time before which the replay window rejects any request.
   */
  useNonce(nonce: string, at: number, forgetBefore: number): Promise<boolean>;
}

/** What a behaviour anomaly made the gateway do (DESIGN §8). */
export type AnomalyAction = 'alert' | 'withhold' | 'quarantine' | 'block';

/**
 * A deviation of a tool's results from its learned behaviour (DESIGN §8). `message` and `evidence`
 * are safe to show: evidence is made visible, cut short, and secrets in it are masked.
 */
export interface Anomaly {
  /** `anom_` + 16 URL-safe characters (`createId('anom')`). */
  id: string;
  /** Milliseconds since the Unix epoch. */
  at: number;
  server: string;
  tool: string;
  /** The detector that fired (`output-schema`, `output-injection`, `shape`, …). */
  kind: string;
  action: AnomalyAction;
  message: string;
  evidence: string;
  /** The downstream session whose call produced the result. */
  session: string;
}

/**
 * Learned per-tool behaviour profiles and the anomalies raised against them (DESIGN §8). Every
 * backend passes `test/contract/behavior-store.contract.ts`. Any fault throws `StoreError`.
 */
export interface BehaviorStore {
  /** The stored profile of `server`/`tool` (opaque JSON owned by `behavior/`), if any. */
  getProfile(server: string, tool: string): Promise<JsonObject | undefined>;
  /** Replaces the stored profile of `server`/`tool`. */
  putProfile(server: string, tool: string, profile: JsonObject, at: number): Promise<void>;
  /**
   * Stores the anomaly and appends `event` (its `anomaly` audit entry) in one transaction;
   * returns the entry's index.
   * @throws RangeError for a malformed anomaly or an id already used.
   */
  recordAnomaly(anomaly: Anomaly, event: AuditEvent): Promise<number>;
  /** Anomalies matching every given filter, oldest first; `limit` keeps the newest ones. */
  listAnomalies(filter?: {
    server?: string;
    tool?: string;
    since?: number;
    limit?: number;
  }): Promise<Anomaly[]>;
}

/** Everything one backend stores. */
export interface Store extends PinStore, AuditStore, HoldStore, BehaviorStore, AccessStore {}

/** An agent key as stored: only the SHA-256 of its secret is kept (shown once at creation). */
export interface AgentKeyRecord {
  /** `key_` + 16 URL-safe characters; the public part of the token `hfk_<id>_<secret>`. */
  id: string;
  /** A human label, unique among keys that are not revoked: `[A-Za-z0-9._-]{1,64}`. */
  name: string;
  /** Lowercase hex SHA-256 of the secret part; compared in constant time. */
  secretHash: string;
  createdAt: number;
  /** Who created it, e.g. `cli:<os user>` or `user:<name>`. */
  createdBy: string;
  revokedAt: number | null;
}

/** A human account. The password hash is `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`. */
export interface UserRecord {
  /** `[A-Za-z0-9._@-]{1,64}`, unique. */
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  createdBy: string;
  /** Set when the account was removed; a removed account cannot log in or use its tokens. */
  disabledAt: number | null;
}

/** A human's API token (`hfu_<id>_<secret>`), acting with its user's current role. */
export interface UserTokenRecord {
  /** `tok_` + 16 URL-safe characters. */
  id: string;
  user: string;
  /** A label for the token list. */
  label: string;
  secretHash: string;
  createdAt: number;
  revokedAt: number | null;
}

/**
 * Agent keys, human accounts and their API tokens (issue 6). Every change appends its `access`
 * audit entry (who did what to which key or user; never a secret or hash) in the same transaction.
 * Every backend passes `test/contract/access-store.contract.ts`. Any fault throws `StoreError`.
 */
export interface AccessStore {
  /** @throws RangeError for a malformed record, an id already used or a live name already used. */
  createAgentKey(record: AgentKeyRecord, event: AuditEvent): Promise<void>;
  getAgentKey(id: string): Promise<AgentKeyRecord | undefined>;
  /** Every key, revoked ones too, oldest first. */
  listAgentKeys(): Promise<AgentKeyRecord[]>;
  /** Revokes a live key; false when there is none with that id or it was already revoked. */
  revokeAgentKey(id: string, at: number, event: AuditEvent): Promise<boolean>;

  /** Creates or replaces (role, password, disabledAt) the account `record.name`. */
  putUser(record: UserRecord, event: AuditEvent): Promise<void>;
  getUser(name: string): Promise<UserRecord | undefined>;
  /** Every account, removed ones too, by name. */
  listUsers(): Promise<UserRecord[]>;

  /** @throws RangeError for a malformed record or an id already used. */
  createUserToken(record: UserTokenRecord, event: AuditEvent): Promise<void>;
  getUserToken(id: string): Promise<UserTokenRecord | undefined>;
  /** Tokens, optionally of one user, oldest first. */
  listUserTokens(user?: string): Promise<UserTokenRecord[]>;
  /** Revokes a live token; false when there is none with that id or it was already revoked. */
  revokeUserToken(id: string, at: number, event: AuditEvent): Promise<boolean>;
}
