/**
 * Behaviour monitoring on the result path (DESIGN §8): each tool result is checked against the
 * tool's learned profile before it is relayed; every anomaly is recorded (with its audit entry)
 * before anything else happens, and its action is applied: alert, withhold the result, quarantine
 * the tool, or block the server. Any fault here withholds the result (I3): the caller treats a
 * throw as "withhold".
 */
import type {
  AnomalyKind,
  BehaviorSettings,
  Detection,
  OutputScanner,
  ToolProfile,
} from '../behavior/index.js';
import { checkResult, createProfile, parseProfile, toProfileJson } from '../behavior/index.js';
import { toModeEvents } from '../pinning/risk-transition.js';
import { quarantine } from '../pinning/status.js';
import { scanOutputText } from '../risk/index.js';
import { raiseForAnomaly } from '../risk/ratchet.js';
import type { Clock } from '../shared/clock.js';
import { createId } from '../shared/ids.js';
import type { Anomaly, AnomalyAction, BehaviorStore, PinStore } from '../store/ports.js';
import type { JsonObject } from '../surface/types.js';
import { toAnomalyEvent } from './audit-events.js';
import { describeError } from './describe-error.js';

/** The behaviour settings from the configuration. */
export interface BehaviorOptions {
  settings: BehaviorSettings;
  actions: Readonly<Record<AnomalyKind, AnomalyAction>>;
  /** The output text scanner; the risk engine's `scanOutputText` unless a test injects one. */
  scanner?: OutputScanner;
}

/** What the monitor needs from its session. */
export interface BehaviorMonitorOptions extends BehaviorOptions {
  name: string;
  session: string;
  store: BehaviorStore & PinStore;
  clock: Clock;
  log: (line: string) => void;
}

/** A result as the monitor sees it. */
export interface CheckedResult {
  tool: string;
  /** The tools/call result, or undefined when the server answered with a JSON-RPC error. */
  result: JsonObject | undefined;
  durationMs: number;
  bytes: number;
  /** The approved definition's outputSchema, if it declares one. */
  outputSchema: JsonObject | undefined;
}

/** What to do with the result, and the anomalies recorded for it. */
export interface Verdict {
  action: AnomalyAction | 'relay';
  anomalies: Anomaly[];
}

const SEVERITY: Readonly<Record<AnomalyAction | 'relay', number>> = {
  relay: 0,
  alert: 1,
  withhold: 2,
  quarantine: 3,
  block: 4,
};

/** Characters of a detection's message or evidence kept with the anomaly. */
const MAX_TEXT = 1000;

/**
 * `text` cut to `max` UTF-16 units without splitting a pair, with any lone surrogate replaced, so
 * every backend stores exactly the same string.
 */
export function toStorableText(text: string, max: number): string {
  let out = '';
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const isLow = c >= 0xdc00 && c <= 0xdfff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      if (out.length + 2 > max) break;
      out += text.slice(i, i + 2);
      i++;
    } else {
      out += isHigh || isLow ? '\ufffd' : text.charAt(i);
    }
  }
  return out;
}

/** Distinct alerts remembered per session for de-duplication (bounded memory). */
const MAX_REMEMBERED_ALERTS = 1024;

/** Profiles are written back after this many calls, when learning ends, and at close. */
const SAVE_EVERY = 25;

interface CachedProfile {
  profile: ToolProfile;
  unsaved: number;
}

/** One session's behaviour monitor. */
export class BehaviorMonitor {
  readonly #options: BehaviorMonitorOptions;
  readonly #profiles = new Map<string, CachedProfile>();
  /** Loads under way, so concurrent results of one tool share one profile. */
  readonly #loading = new Map<string, Promise<CachedProfile>>();
  readonly #alerted = new Set<string>();

  constructor(options: BehaviorMonitorOptions) {
    this.#options = options;
  }

  /**
   * Checks one result, records its anomalies and applies their actions.
   * @throws on any fault (a scanner or store error): the caller withholds the result.
   */
  async #check(checked: CheckedResult): Promise<Verdict> {
    const { settings } = this.#options;
    const cached = await this.#profile(checked.tool);
    const outcome = checkResult(
      cached.profile,
      checked,
      settings,
      this.#options.scanner ?? scanOutputText,
    );
    const wasLearning = cached.profile.calls < settings.learnCalls;
    cached.profile = outcome.profile;
    cached.unsaved++;
    const finishedLearning = wasLearning && outcome.profile.calls >= settings.learnCalls;
    if (cached.unsaved >= SAVE_EVERY || finishedLearning) await this.#save(checked.tool, cached);
    let action: Verdict['action'] = 'relay';
    const anomalies: Anomaly[] = [];
    for (const detection of outcome.detections) {
      if (this.#isRepeatedAlert(checked.tool, detection)) continue;
      const anomaly = await this.#record(checked.tool, detection);
      anomalies.push(anomaly);
      if (SEVERITY[anomaly.action] > SEVERITY[action]) action = anomaly.action;
    }
    if (action === 'quarantine') await this.#quarantineTool(checked.tool, anomalies);
    if (action === 'block') await this.#blockServer(anomalies);
    return { action, anomalies };
  }

  /**
   * An alert this session already recorded with the same tool, kind and evidence: a drift that
   * persists is recorded once, not once per call. Anything that withholds is recorded every time.
   */
  #isRepeatedAlert(tool: string, detection: Detection): boolean {
    if (this.#options.actions[detection.kind] !== 'alert') return false;
    const key = `${tool}\u0000${detection.kind}\u0000${detection.evidence}`;
    if (this.#alerted.has(key)) return true;
    if (this.#alerted.size >= MAX_REMEMBERED_ALERTS) this.#alerted.clear();
    this.#alerted.add(key);
    return false;
  }

  /**
   * Checks a tool's result and says what the client gets instead: the withheld tool result, or
   * undefined to relay the result as received. Any fault — the check, the store — withholds (I3).
   */
  async withheldResult(checked: CheckedResult): Promise<JsonObject | undefined> {
    const { name, log } = this.#options;
    const { tool } = checked;
    try {
      const verdict = await this.#check(checked);
      if (verdict.action === 'relay' || verdict.action === 'alert') return undefined;
      // The kinds that withheld it (an alert raised on the same result is listed by id only).
      const withholding = verdict.anomalies.filter((a) => a.action !== 'alert');
      const kinds = [...new Set(withholding.map((a) => a.kind))];
      const ids = verdict.anomalies.map((a) => a.id);
      return toWithheldToolResult(
        `the result of tool "${tool}" was withheld: ${kinds.join(', ')} (${ids.join(', ')}). A human can review it with: holdfast anomalies ${name}`,
        { code: 'RESULT_WITHHELD', anomalies: ids, kinds },
      );
    } catch (error) {
      log(`result withheld (fail closed): ${describeError(error)}`);
      return toWithheldToolResult(
        `holdfast could not check the result of tool "${tool}", so it was withheld`,
        { code: 'BEHAVIOR_CHECK_FAILED' },
      );
    }
  }

  /** Writes back every profile with unsaved calls (at session close). */
  async flush(): Promise<void> {
    for (const [tool, cached] of this.#profiles) {
      if (cached.unsaved > 0) await this.#save(tool, cached);
    }
  }

  async #profile(tool: string): Promise<CachedProfile> {
    const cached = this.#profiles.get(tool);
    if (cached !== undefined) return cached;
    let loading = this.#loading.get(tool);
    if (loading === undefined) {
      loading = this.#load(tool).finally(() => this.#loading.delete(tool));
      this.#loading.set(tool, loading);
    }
    return loading;
  }

  async #load(tool: string): Promise<CachedProfile> {
    const stored = await this.#options.store.getProfile(this.#options.name, tool);
    const profile = stored === undefined ? createProfile() : parseProfile(stored);
    const loaded = { profile, unsaved: 0 };
    this.#profiles.set(tool, loaded);
    return loaded;
  }

  async #save(tool: string, cached: CachedProfile): Promise<void> {
    const { store, name, clock } = this.#options;
    await store.putProfile(name, tool, toProfileJson(cached.profile), clock.now());
    cached.unsaved = 0;
  }

  async #record(tool: string, detection: Detection): Promise<Anomaly> {
    const { name, session, clock, store, actions, log } = this.#options;
    const anomaly: Anomaly = {
      id: createId('anom'),
      at: clock.now(),
      server: name,
      tool,
      kind: detection.kind,
      action: actions[detection.kind],
      message: toStorableText(detection.message, MAX_TEXT),
      evidence: toStorableText(detection.evidence, MAX_TEXT),
      session,
    };
    await store.recordAnomaly(anomaly, toAnomalyEvent(anomaly, detection.ruleId));
    log(
      `anomaly ${anomaly.id}: ${detection.kind} in a result of tool "${tool}" (${anomaly.action}). See: holdfast anomalies ${name}`,
    );
    return anomaly;
  }

  async #quarantineTool(tool: string, anomalies: readonly Anomaly[]): Promise<void> {
    const { name, clock, store } = this.#options;
    const kind = anomalies.find((a) => a.action === 'quarantine')?.kind ?? 'anomaly';
    const ref = `tool:${tool}`;
    await store.update(name, (current) => {
      const item = current?.risk?.items[ref];
      if (current === undefined || item === undefined) return undefined;
      const next = raiseForAnomaly(item, 'quarantine', kind);
      if (next === item) return undefined;
      const ctx = { name, now: clock.now() };
      return {
        record: { ...current, risk: { items: { ...current.risk?.items, [ref]: next } } },
        events: toModeEvents([{ ref, from: item.mode, to: next.mode, item: next }], ctx),
      };
    });
  }

  async #blockServer(anomalies: readonly Anomaly[]): Promise<void> {
    const { name, clock, store } = this.#options;
    const kind = anomalies.find((a) => a.action === 'block')?.kind ?? 'anomaly';
    await store.update(name, (current) =>
      current === undefined || current.status === 'quarantined'
        ? undefined
        : quarantine(current, `anomaly:${kind}`, { name, now: clock.now() }),
    );
  }
}

/** The tool result a client gets instead of a withheld one (DESIGN §8). */
function toWithheldToolResult(message: string, meta: JsonObject): JsonObject {
  return {
    content: [{ type: 'text', text: `holdfast withheld: ${message}` }],
    isError: true,
    _meta: { 'holdfast/withheld': meta },
  };
}
