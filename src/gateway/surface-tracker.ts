import { toOtherTools, withRiskAssessment } from '../pinning/risk-transition.js';
import { applyObservation } from '../pinning/status.js';
import type { Observation, Posture, ServerRecord } from '../pinning/types.js';
import { scanSurface } from '../risk/index.js';
import type { RiskMode, RiskSettings } from '../risk/types.js';
import type { Clock } from '../shared/clock.js';
import type { PinStore } from '../store/ports.js';
import { computeSurfaceDigests, digestEquals, profileDigest } from '../surface/digest.js';
import type { SurfaceLimits } from '../surface/snapshot.js';
import { advertisedSections, createSurface, hasSectionCapability } from '../surface/snapshot.js';
import type { Digest, JsonObject, Section, Surface } from '../surface/types.js';
import { describeError } from './describe-error.js';
import type { UpstreamRequest } from './probe.js';
import { fetchSection } from './probe.js';

/** What the tracker needs from the session's options. */
export interface SurfaceTrackerOptions {
  /** The server's name as configured (`--name`). */
  name: string;
  store: PinStore;
  posture: Posture;
  /** Launch provenance (no secrets), part of the surface. */
  launch: JsonObject;
  clock: Clock;
  /** Diagnostics for humans (stderr). Never server-authored text. */
  log: (line: string) => void;
  /** Periodic re-probe, or null for none. */
  recheckIntervalMs: number | null;
  limits: SurfaceLimits;
  /** How definitions are scored (DESIGN §7) and the mode of items that appear on their own. */
  risk: { settings: RiskSettings; newItems: RiskMode };
}

/**
 * Keeps this session's view of the server's surface: lists sections upstream (serialized, all
 * pages), turns them into observations, applies them to the pin store, and caches the record by
 * revision so the per-call path reads only the status row.
 */
export class SurfaceTracker {
  readonly #options: SurfaceTrackerOptions;
  readonly #request: UpstreamRequest;
  #surface: Surface | undefined;
  #profile: Digest | undefined;
  #observation: Observation | undefined;
  #record: ServerRecord | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #ready: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SurfaceTrackerOptions, request: UpstreamRequest) {
    this.#options = options;
    this.#request = request;
  }

  /**
   * The record as last read by `currentRecord` (or written by a probe), without reading the store:
   * for what was settled when a request was decided, such as the approved definition it ran under.
   */
  get record(): ServerRecord | undefined {
    return this.#record;
  }

  /** The latest observation this session recorded, if any. */
  get observation(): Observation | undefined {
    return this.#observation;
  }

  /** Starts a surface from the initialize result's server item, for this client profile. */
  initialize(
    serverItem: JsonObject,
    protocolVersion: string,
    clientCapabilities: JsonObject,
  ): void {
    this.#profile = profileDigest(protocolVersion, clientCapabilities);
    this.#surface = createSurface(serverItem, this.#options.launch);
  }

  /** The sections a `list_changed` notification names that this server advertises. */
  advertised(sections: readonly Section[]): Section[] {
    const server = this.#surface?.server ?? {};
    return sections.filter((section) => hasSectionCapability(server, section));
  }

  /** Begins the first full probe once `after` (the relayed `initialized`) is sent. */
  start(after: Promise<void>): void {
    if (this.#ready !== undefined || this.#surface === undefined) return;
    const sections = advertisedSections(this.#surface.server);
    this.#chain = after;
    this.#ready = this.refresh(sections).then(
      () => true,
      (error: unknown) => {
        this.#options.log(
          `initial probe failed; calls are denied until a probe succeeds: ${describeError(error)}`,
        );
        return false;
      },
    );
    const interval = this.#options.recheckIntervalMs;
    if (interval !== null) {
      this.#timer = setInterval(() => {
        this.refresh(sections).catch((error: unknown) => {
          this.#options.log(`periodic re-probe failed: ${describeError(error)}`);
        });
      }, interval);
      this.#timer.unref();
    }
  }

  /** Stops the periodic re-probe. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  /** Waits for the first probe; retries it once now if it failed. */
  async ensureReady(): Promise<void> {
    if (this.#ready === undefined || this.#surface === undefined) {
      throw new Error('the session is not initialized');
    }
    if (await this.#ready) return;
    // The last full probe failed: try again now (the caller waits and is denied if this fails
    // too), so a transient fault never wedges the session.
    const attempt = this.refresh(advertisedSections(this.#surface.server));
    this.#ready = attempt.then(
      () => true,
      () => false,
    );
    await attempt;
  }

  /** Re-lists the given sections upstream (serialized), observes, and records the outcome. */
  refresh(sections: Section[]): Promise<void> {
    const run = this.#chain.then(async () => {
      const surface = this.#surface;
      const profile = this.#profile;
      if (surface === undefined || profile === undefined) {
        throw new Error('the session is not initialized');
      }
      const next: Surface = { ...surface };
      for (const section of sections) {
        next[section] = await fetchSection(this.#request, section, this.#options.limits);
      }
      this.#surface = next;
      await this.#observe({
        surface: next,
        digests: computeSurfaceDigests(next, this.#observation),
        profile,
        observedAt: this.#options.clock.now(),
      });
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #observe(observation: Observation): Promise<void> {
    const { name, posture, clock, store, log } = this.#options;
    const last = this.#observation;
    if (
      last !== undefined &&
      this.#record !== undefined &&
      last.profile === observation.profile &&
      digestEquals(last.digests.surface, observation.digests.surface)
    ) {
      // Same surface as this session's last recorded look: nothing to record (every-call path).
      return;
    }
    // Scanned before the write, so a scanner fault fails the probe (calls are denied: I3).
    const assessment = scanSurface(
      observation.surface,
      { server: name, otherTools: await this.#otherTools() },
      this.#options.risk.settings,
    );
    const stored = await store.update(name, (current) => {
      const ctx = { name, now: clock.now() };
      const transition = applyObservation(current, observation, posture, ctx);
      return withRiskAssessment(
        current,
        transition,
        observation,
        assessment,
        { newMode: this.#options.risk.newItems },
        ctx,
      );
    });
    this.#logTightened(this.#record, stored);
    const previous = this.#record?.status;
    this.#observation = observation;
    this.#record = stored;
    if (stored !== undefined && stored.status !== 'verified' && stored.status !== previous) {
      log(
        `server "${name}" is ${stored.status}: ${stored.reason}. Review with: holdfast diff ${name}`,
      );
    }
  }

  /** Tool names every other server advertises (shadowing, DESIGN §1), from their records. */
  async #otherTools(): Promise<Map<string, string[]>> {
    return toOtherTools(await this.#options.store.listServers(), this.#options.name);
  }

  /** Says on stderr which items a scan or a review tightened (refs only, no server text). */
  #logTightened(before: ServerRecord | undefined, after: ServerRecord | undefined): void {
    const { name, log } = this.#options;
    for (const [ref, item] of Object.entries(after?.risk?.items ?? {})) {
      if (item.mode === 'allow' || before?.risk?.items[ref]?.mode === item.mode) continue;
      const what = item.mode === 'block' ? 'blocked' : 'quarantined (calls need an approval)';
      log(
        `${ref} of server "${name}" is ${what}: risk ${item.band} (score ${item.score}, ${item.source}). Review with: holdfast diff ${name}`,
      );
    }
  }

  /** The server's record as stored now (status read every time; full record when it moved). */
  async currentRecord(): Promise<ServerRecord | undefined> {
    const { store, name } = this.#options;
    const status = await store.getStatus(name);
    if (status === undefined) return (this.#record = undefined);
    if (this.#record?.revision !== status.revision) this.#record = await store.getServer(name);
    return this.#record;
  }
}
