/**
 * The one error base class. `code` is a stable string (listed in docs/errors.md); `details` must be
 * safe to log: never a token, an environment value or server-authored text.
 */
export class GatewayError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: C,
    message: string,
    options: { cause?: unknown; details?: Record<string, string | number | boolean> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

/** Surface parsing and digesting faults (malformed lists, duplicate keys, cursor loops, limits). */
export class SurfaceError extends GatewayError<
  | 'SURFACE_DUPLICATE_KEY'
  | 'SURFACE_TOO_DEEP'
  | 'SURFACE_TOO_LARGE'
  | 'SURFACE_MALFORMED'
  | 'SURFACE_CURSOR_LOOP'
  | 'SURFACE_NOT_JSON'
> {}

/** Pin store and approval faults. */
export class PinError extends GatewayError<
  | 'PIN_UNKNOWN_SERVER'
  | 'PIN_UNKNOWN_ITEM'
  | 'PIN_STALE_DIGEST'
  | 'PIN_NOTHING_OBSERVED'
  | 'PIN_STORE_CORRUPT'
> {}

/** Storage faults: any of these makes the gateway deny (I3). */
export class StoreError extends GatewayError<
  'STORE_UNAVAILABLE' | 'STORE_CORRUPT' | 'STORE_PERMISSIONS'
> {}

/** Configuration faults, reported all at once with field paths. */
export class ConfigError extends GatewayError<'CONFIG_INVALID' | 'CONFIG_UNREADABLE'> {
  readonly issues: readonly { path: string; message: string }[];

  constructor(
    code: 'CONFIG_INVALID' | 'CONFIG_UNREADABLE',
    message: string,
    issues: readonly { path: string; message: string }[] = [],
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.issues = issues;
  }
}

/** Upstream transport faults (spawn failure, garbage on stdout, crash, hang). */
export class UpstreamError extends GatewayError<
  | 'UPSTREAM_SPAWN_FAILED'
  | 'UPSTREAM_EXITED'
  | 'UPSTREAM_PROTOCOL'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_CLOSED'
> {}

/** Audit log faults. Any of these on the call path makes the gateway deny (I3, I4). */
export class AuditError extends GatewayError<
  | 'AUDIT_UNAVAILABLE'
  | 'AUDIT_MALFORMED'
  | 'AUDIT_BAD_PROOF'
  | 'AUDIT_BAD_SIGNATURE'
  | 'AUDIT_TAMPERED'
  | 'AUDIT_KEY'
  | 'AUDIT_INCONSISTENT'
> {}

/**
 * Authentication faults and refused credentials (issue 6; docs/auth.md). Messages and details
 * never quote a credential: no key, token, password, cookie, CSRF value or JWT, not even a prefix.
 * (HTTP refusals of keys, tokens and logins are decisions, answered as 401/403/429 values.)
 */
export class AuthError extends GatewayError<
  | 'AUTH_PASSWORD_REJECTED'
  | 'AUTH_JWT_MALFORMED'
  | 'AUTH_JWT_ALG_REFUSED'
  | 'AUTH_JWT_KEY_UNKNOWN'
  | 'AUTH_JWT_BAD_SIGNATURE'
  | 'AUTH_JWT_WRONG_ISSUER'
  | 'AUTH_JWT_WRONG_AUDIENCE'
  | 'AUTH_JWT_EXPIRED'
  | 'AUTH_JWT_NOT_YET_VALID'
  | 'AUTH_JWT_INSUFFICIENT_SCOPE'
  | 'AUTH_JWKS_UNAVAILABLE'
> {}
