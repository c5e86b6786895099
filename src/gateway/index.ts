export type { CallVerdict, DenyCode } from './gate.js';
export type { GatewayOptions } from './session.js';
export { GatewaySession } from './session.js';
export { JSON_RPC } from './to-json-rpc-error.js';
