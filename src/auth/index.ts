/**
 * Authentication and roles (issue 6; docs/auth.md): credential formats, password hashing, OAuth
 * bearer JWT verification, console sessions, the login brake, and the checks and audit events of
 * the access store. Transport-free: the HTTP middleware lives in serve/auth.ts.
 */
export type { AccessAction, AccessFields } from './access-events.js';
export { ACCESS_SERVER, toAccessEvent } from './access-events.js';
export type { ConsoleSessionsOptions, LoginSession, StoredLogin } from './console-sessions.js';
export {
  ConsoleSessions,
  DEFAULT_ABSOLUTE_MS,
  DEFAULT_IDLE_MS,
  DEFAULT_MAX_SESSIONS,
} from './console-sessions.js';
export type { JwtAlgorithm, JwtClaims, JwtKeyLookup, JwtVerifyOptions } from './jwt.js';
export { JWT_ALGORITHMS, MAX_JWT_LENGTH, verifyJwt } from './jwt.js';
export type { LoginThrottle, LoginThrottleOptions } from './login-throttle.js';
export {
  createLoginThrottle,
  DEFAULT_MAX_FAILURES,
  DEFAULT_MAX_TRACKED,
  DEFAULT_WINDOW_MS,
} from './login-throttle.js';
export type { ScryptParams } from './passwords.js';
export {
  assertPasswordPolicy,
  DEFAULT_SCRYPT,
  generatePassword,
  hashPassword,
  isPasswordHash,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  verifyPassword,
} from './passwords.js';
export {
  AGENT_KEY_ID_PATTERN,
  assertAccessEvent,
  copyAgentKey,
  copyUser,
  copyUserToken,
  isAgentKeyRecord,
  isTime,
  isUserRecord,
  isUserTokenRecord,
  KEY_NAME_PATTERN,
  TOKEN_LABEL_PATTERN,
  USER_NAME_PATTERN,
  USER_TOKEN_ID_PATTERN,
} from './records.js';
export type { CredentialKind, MintedCredential, ParsedCredential } from './tokens.js';
export {
  credentialKindOf,
  hashSecret,
  mintAgentKey,
  mintUserToken,
  parseCredential,
  SECRET_BYTES,
  verifySecret,
} from './tokens.js';
export type { Permission, Principal, Role } from './types.js';
export { hasPermission, PERMISSION_ROLE, principalLabel, ROLES } from './types.js';
