import type { AuditEvent } from '../../audit/entry.js';
import {
  assertNewAnomaly,
  assertProfileKey,
  copyAnomaly,
  matchesAnomalyQuery,
  parseProfileText,
  toAnomalyQuery,
  toProfileText,
} from '../behavior-checks.js';
import type { Anomaly, BehaviorStore } from '../ports.js';

/**
 * Builds the behaviour half of the memory store. `settle` runs a call after the store's closed
 * and fault checks; `appendNow` appends audit events synchronously, all or nothing, and throws
 * the injected audit fault, so an anomaly whose entry fails is not stored either.
 */
export function createMemoryBehavior(
  settle: <T>(op: () => T) => Promise<T>,
  appendNow: (events: readonly AuditEvent[]) => number[],
): BehaviorStore {
  /** Profiles as JSON text, so every read parses a fresh object; keyed by server and tool. */
  const profiles = new Map<string, Map<string, string>>();
  /** Anomalies in recording order, and their ids. */
  const anomalies: Anomaly[] = [];
  const anomalyIds = new Set<string>();

  return {
    getProfile(server, tool) {
      return settle(() => {
        const text = profiles.get(server)?.get(tool);
        return text === undefined ? undefined : parseProfileText(text, server);
      });
    },
    putProfile(server, tool, profile, at) {
      return settle(() => {
        assertProfileKey(server, tool, at);
        const text = toProfileText(profile);
        let byTool = profiles.get(server);
        if (byTool === undefined) profiles.set(server, (byTool = new Map<string, string>()));
        byTool.set(tool, text);
      });
    },
    recordAnomaly(anomaly, event) {
      return settle(() => {
        assertNewAnomaly(anomaly, event);
        if (anomalyIds.has(anomaly.id)) {
          throw new RangeError('an anomaly with this id already exists');
        }
        const copy = copyAnomaly(anomaly);
        const [index] = appendNow([event]);
        if (index === undefined) throw new Error('the audit log appended no entry');
        anomalies.push(copy);
        anomalyIds.add(copy.id);
        return index;
      });
    },
    listAnomalies(filter) {
      return settle(() => {
        const query = toAnomalyQuery(filter);
        const matching = anomalies
          .filter((anomaly) => matchesAnomalyQuery(anomaly, query))
          // Array.prototype.sort is stable: equal times stay in recording order.
          .sort((a, b) => a.at - b.at);
        const { limit = matching.length } = query;
        return matching.slice(Math.max(0, matching.length - limit)).map(copyAnomaly);
      });
    },
  };
}
