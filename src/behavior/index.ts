/** Behaviour monitoring (DESIGN §8): the folder's public door. */
export { checkResult } from './check.js';
export { BehaviorError } from './errors.js';
export { parseProfile } from './parse-profile.js';
export type { ToolProfile } from './profile.js';
export { createProfile, toProfileJson } from './profile.js';
export type { BehaviorSettings } from './settings.js';
export { DEFAULT_BEHAVIOR_SETTINGS } from './settings.js';
export type {
  AnomalyKind,
  CheckOutcome,
  Detection,
  OutputScanner,
  ResultObservation,
} from './types.js';
export { ANOMALY_KINDS } from './types.js';
