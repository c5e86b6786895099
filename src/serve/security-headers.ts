/**
 * Response headers that keep the console safe in a browser (issue 6: "Strict CSP; no inline
 * scripts"), set on every response of `holdfast serve`, errors and MCP answers included.
 *
 * The policy allows scripts, styles, fonts and fetches from the server itself only and nothing
 * inline: an injected `<script>` or `onclick=` does not run, even if some server-authored text ever
 * slipped into a page unescaped. Pages cannot be framed (clickjacking an Approve button), forms
 * post only back to the server, and nothing is cached except the static assets: console pages and
 * API answers show holds, digests and audit entries that must not outlive the session.
 */
import type { MiddlewareHandler } from 'hono';

/** The Content-Security-Policy: no `unsafe-inline`, no `unsafe-eval`, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Powerful browser features the console never uses, turned off for it and anything it embeds. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
].join(', ');

/** Every header set on every response, replacing any value a handler set. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': PERMISSIONS_POLICY,
};

/** Options for {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /**
   * Paths starting with this (e.g. `/console/assets/`) keep the `Cache-Control` their handler set;
   * every other response gets `no-store`. Without it nothing is exempt.
   */
  staticPrefix?: string;
}

/** The middleware: sets {@link SECURITY_HEADERS}, and `Cache-Control: no-store` outside the static prefix. */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const { staticPrefix } = options;
  if (staticPrefix?.startsWith('/') === false) {
    throw new RangeError('the static prefix must be an absolute path');
  }
  return async (c, next) => {
    await next();
    // After the handler (or the error handler) answered: c.header copies an immutable response.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
    const isStatic = staticPrefix !== undefined && c.req.path.startsWith(staticPrefix);
    if (!isStatic) c.header('Cache-Control', 'no-store');
  };
}
