/**
 * The servers `holdfast scan` launches or connects to, and how: the same strict transports
 * `holdfast run` uses (child process over stdio; Streamable HTTP falling back to legacy SSE).
 */

import type { Transport } from '@modelcontextprotocol/client';
import { SdkHttpError } from '@modelcontextprotocol/client';

import { errorCode } from '../../gateway/describe-error.js';
import { GatewayError } from '../../shared/errors.js';
import { createHttpUpstream } from '../../transports/http/http-upstream.js';
import { createChildUpstream } from '../../transports/stdio/child-upstream.js';
import type { ServerLaunch } from './inputs.js';
import type { ScanSource } from './report.js';

/** Wait after closing a scanned server's stdin before SIGTERM, and again before SIGKILL. */
const KILL_GRACE_MS = 1000;

/** One server to probe. */
export interface ScanTarget {
  name: string;
  source: ScanSource;
  file?: string;
  launch: ServerLaunch;
}

/** What every transport of one scan shares. */
export interface TransportContext {
  /** The environment a child starts with (a configuration's `env` is added on top). */
  baseEnv: Readonly<Record<string, string | undefined>>;
  cwd: string;
  maxMessageBytes: number;
  maxDepth: number;
}

/**
 * The transport to a target. A child's stderr is discarded: it is the server's text, and a scan
 * prints none of that raw.
 */
export function createTargetTransport(launch: ServerLaunch, context: TransportContext): Transport {
  const limits = { maxMessageBytes: context.maxMessageBytes, maxDepth: context.maxDepth };
  if (launch.kind === 'remote') {
    return createHttpUpstream({
      url: launch.url,
      headers: launch.headers,
      transport: launch.transport,
      ...limits,
    });
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(context.baseEnv))
    if (value !== undefined) env[key] = value;
  Object.assign(env, launch.env);
  return createChildUpstream({
    command: launch.command,
    args: launch.args,
    env,
    cwd: launch.cwd ?? context.cwd,
    stderr: 'ignore',
    killGraceMs: KILL_GRACE_MS,
    ...limits,
  });
}

/**
 * Why a probe failed, as a stable code and a message safe to print: Holdfast's own errors carry
 * no server text; anything else (an HTTP client error may quote a response body) is reduced to
 * its kind, its HTTP status or its system error code.
 */
export function describeProbeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof GatewayError) return { code: errorCode(error), message: error.message };
  if (error instanceof SdkHttpError) {
    return { code: 'UPSTREAM_CLOSED', message: `the server answered HTTP ${error.status}` };
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const errno = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return { code: 'UPSTREAM_CLOSED', message: `the connection failed${errno}` };
}
