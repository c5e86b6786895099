import { z } from 'zod';

import { POLICY_CONFIG_SHAPE } from '../policy/index.js';

/** The configuration file (YAML). Unknown keys are errors, so typos never silently relax anything. */
export const ConfigSchema = z
  .object({
    /** `discovery`: trust on first use. `enforcing`: a new server is pending until approved. */
    posture: z.enum(['discovery', 'enforcing']).default('discovery'),
    /** `on-list`: verify every listing; `every-call`: also re-list tools before each call. */
    recheck: z.enum(['on-list', 'every-call']).default('on-list'),
    /** Seconds between periodic re-probes; 0 disables them. */
    recheck_interval: z.number().int().min(0).max(86_400).default(300),
    /** Allow tool arguments the pinned inputSchema does not declare. */
    allow_unknown_arguments: z.boolean().default(false),
    /** Milliseconds the gateway waits for the server to answer its own probes. */
    request_timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
    limits: z
      .object({
        max_items: z.number().int().min(1).max(1_000_000).default(10_000),
        max_pages: z.number().int().min(1).max(100_000).default(100),
        max_message_bytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024 * 1024)
          .default(16 * 1024 * 1024),
        max_depth: z.number().int().min(8).max(1000).default(64),
      })
      .strict()
      .prefault({}),
    // Per-call rules (DESIGN §6): mode, default_verdict, rules, egress.
    ...POLICY_CONFIG_SHAPE,
    approvals: z
      .object({
        /** Seconds a held request waits for a human before it expires (expiry denies). */
        timeout: z.number().int().min(1).max(86_400).default(300),
        /** Ask the client's user in-band (MCP elicitation) when the client supports it. */
        elicitation: z.boolean().default(true),
        /** Seconds between progress notifications to a client that asked for progress. */
        progress_interval: z.number().int().min(1).max(3_600).default(5),
        /** The HMAC-signed approval callback: off unless configured. */
        callback: z
          .object({
            /** `host:port` to listen on; loopback only (port 0 picks a free one). */
            listen: z.string().regex(/^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/, {
              message: 'must be 127.0.0.1:PORT, localhost:PORT or [::1]:PORT (loopback only)',
            }),
            /** Name of the environment variable holding the shared secret (never the secret). */
            secret_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/),
            /** Seconds a signed request stays valid; its nonce is remembered that long. */
            replay_window: z.number().int().min(10).max(3_600).default(300),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** Keep raw call arguments and results in the redactable payload table. */
        keep_payloads: z.boolean().default(false),
        /** Seconds between signed checkpoints while entries arrive (one is also signed at exit). */
        checkpoint_interval: z.number().int().min(1).max(86_400).default(1),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** A validated configuration with every default filled in. */
export type Config = z.infer<typeof ConfigSchema>;
