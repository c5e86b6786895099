/**
 * Behaviour anomalies as the console shows them (DESIGN §8). The store keeps `message` and
 * `evidence` safe to show (made visible, cut short, secrets masked); the tool name is the server's
 * and is made visible here.
 */
import type { Anomaly } from '../../store/index.js';
import { toVisible } from '../../surface/visible.js';

/** One anomaly, display-safe, with its time as ISO 8601. */
export interface AnomalyView extends Omit<Anomaly, 'at'> {
  at: string;
}

/** The display-safe view of `anomaly`. */
export function toAnomalyView(anomaly: Anomaly): AnomalyView {
  return {
    ...anomaly,
    at: new Date(anomaly.at).toISOString(),
    tool: toVisible(anomaly.tool),
    session: toVisible(anomaly.session),
  };
}
