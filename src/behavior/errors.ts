import { GatewayError } from '../shared/errors.js';

/**
 * Behaviour-monitoring faults.
 * - `BEHAVIOR_PROFILE_CORRUPT`: a stored profile is not one this code wrote (malformed, wrong
 *   version, out-of-range numbers); the caller treats the tool as unprofiled and fails closed.
 * - `BEHAVIOR_CHECK_FAILED`: a check was asked with impossible inputs (settings out of range, a
 *   negative or non-finite duration or size). A caller bug, never a server's doing.
 */
export class BehaviorError extends GatewayError<
  'BEHAVIOR_PROFILE_CORRUPT' | 'BEHAVIOR_CHECK_FAILED'
> {}
