export type {
  CallbackAccepted,
  CallbackDecision,
  CallbackMessage,
  CallbackRefused,
  CallbackRequest,
  CallbackSecret,
  CallbackVerdict,
  SignCallbackInput,
  SignedCallback,
} from './callback.js';
export {
  assertCallbackSettings,
  CALLBACK_HEADERS,
  DEFAULT_REPLAY_WINDOW_S,
  MAX_CALLBACK_BODY_BYTES,
  MIN_CALLBACK_SECRET_BYTES,
  signCallback,
  toCallbackSignature,
  verifyCallback,
} from './callback.js';
export type { HoldInput } from './hold.js';
export {
  assertNewHold,
  assertNonceUse,
  createHold,
  DEFAULT_HOLD_TTL_MS,
  expire,
  HOLD_ID_PATTERN,
  HOLD_STATES,
  isExpired,
  isHold,
  isResolvedAs,
  MAX_HOLD_TTL_MS,
  resolve,
} from './hold.js';
export { toHoldEvent, toHoldResolvedEvent } from './hold-events.js';
