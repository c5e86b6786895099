import { setFlagsFromString } from 'node:v8';

import { LINEAR_REGEXP_V8_FLAG } from '../shared/linear-regexp.js';

/** Enables V8's linear-time regexp engine for this process (see shared/linear-regexp.ts). */
export function enableLinearRegExpEngine(): void {
  setFlagsFromString(LINEAR_REGEXP_V8_FLAG);
}
