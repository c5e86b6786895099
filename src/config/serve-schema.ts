/**
 * The configuration of `holdfast serve` (issue 6): the upstream servers it fronts and how it listens.
 * `holdfast run` ignores both sections.
 */
import { z } from 'zod';

/** A server name: also the namespace of its tools (`name__tool`), so it never contains `__`. */
const SERVER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]|_(?!_)){0,63}$/;
/** An environment variable name (values are read at start; only names live in the file). */
const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/);
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

const StdioServerSchema = z
  .object({
    /** The executable and its arguments. */
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** Working directory (default: where `holdfast serve` started). */
    cwd: z.string().min(1).optional(),
    /**
     * Variables passed to the server: each key is set from the named variable of holdfast's own
     * environment. Without `env`, the server inherits holdfast's environment.
     */
    env: z.record(ENV_NAME, ENV_NAME).optional(),
    /** Environment variable names pinned into the launch provenance (names only, never values). */
    pin_env: z.array(ENV_NAME).default([]),
  })
  .strict();

const HttpServerSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    /** `auto` tries Streamable HTTP, then falls back to legacy SSE. */
    transport: z.enum(['auto', 'streamable-http', 'sse']).default('auto'),
    /** Headers sent upstream, each read from the named environment variable (never written here). */
    headers_env: z
      .record(z.string().regex(HEADER_NAME, { message: 'not an HTTP header name' }), ENV_NAME)
      .default({}),
  })
  .strict();

/** One upstream: a command (stdio) or a URL (Streamable HTTP / SSE). */
export const UpstreamSchema = z.union([StdioServerSchema, HttpServerSchema]);

export const ServersSchema = z
  .record(
    z
      .string()
      .regex(SERVER_NAME, {
        message: 'server names are 1-64 letters, digits, ".", "-" or single "_" (never "__")',
      })
      // `a_` + `__` + `x` would read back as server `a`, tool `_x`.
      .refine((name) => !name.endsWith('_'), { message: 'server names never end with "_"' }),
    UpstreamSchema,
  )
  .default({});

export const ServeSchema = z
  .object({
    /** `host:port` to listen on. Loopback by default; anything else is the operator's explicit choice. */
    listen: z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { message: 'must be HOST:PORT' })
      .default('127.0.0.1:8750'),
    /** The URL clients use to reach holdfast (origin checks, cookies, OAuth metadata); default from `listen`. */
    public_url: z.url({ protocol: /^https?$/ }).optional(),
    /** Further browser origins allowed to call the endpoints (the public URL's origin always is). */
    allowed_origins: z.array(z.string().min(1)).default([]),
    /** Tools, prompts and resources per page on aggregated endpoints (cursors minted by holdfast). */
    page_size: z.number().int().min(1).max(10_000).default(100),
    /** Seconds an idle MCP session is kept before it is closed with its upstream sessions. */
    session_idle_timeout: z.number().int().min(10).max(86_400).default(1_800),
    /** Most MCP sessions open at once; more are refused with 503. */
    max_sessions: z.number().int().min(1).max(100_000).default(1_000),
    /** Events kept per MCP session for resumption after a dropped SSE stream (Last-Event-ID). */
    resume_events: z.number().int().min(0).max(100_000).default(1_000),
    /** Who may read `GET /metrics`: any authenticated human (default), or anyone who can reach it. */
    metrics: z.enum(['authenticated', 'public']).default('authenticated'),
    /** Accept OAuth 2.1 bearer JWTs from agents, validated against this issuer's JWKS. */
    oauth: z
      .object({
        issuer: z.url(),
        jwks_url: z.url({ protocol: /^https?$/ }),
        /** Tokens must name this audience (RFC 8707 resource); usually the public MCP URL. */
        audience: z.string().min(1),
        required_scopes: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});

export type UpstreamConfig = z.infer<typeof UpstreamSchema>;
