import { z } from 'zod';

import { POLICY_CONFIG_SHAPE } from '../policy/index.js';
import { RISK_MODES } from '../risk/types.js';
import { ServersSchema, ServeSchema } from './serve-schema.js';

/** What an anomaly can make the gateway do (DESIGN §8), mildest first. */
export const ANOMALY_ACTIONS = ['alert', 'withhold', 'quarantine', 'block'] as const;

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
    risk: z
      .object({
        /** Score thresholds (inclusive) of the bands; defaults in docs/risk-rules.md. */
        thresholds: z
          .object({
            medium: z.number().int().min(1).max(10_000),
            high: z.number().int().min(1).max(10_000),
            critical: z.number().int().min(1).max(10_000),
          })
          .strict()
          .refine((t) => t.medium < t.high && t.high < t.critical, {
            message: 'thresholds must increase: medium < high < critical',
          })
          .optional(),
        /** The enforcement mode of each band. */
        modes: z
          .object({
            low: z.enum(RISK_MODES).optional(),
            medium: z.enum(RISK_MODES).optional(),
            high: z.enum(RISK_MODES).optional(),
            critical: z.enum(RISK_MODES).optional(),
          })
          .strict()
          .prefault({}),
        /** The mode of a tool that appears on its own (a new client profile lists it). */
        new_items: z.enum(RISK_MODES).default('quarantine'),
      })
      .strict()
      .prefault({}),
    behavior: z
      .object({
        /** Calls per tool that teach its profile before statistical checks start. */
        learn_calls: z.number().int().min(1).max(100_000).default(20),
        /** What each kind of anomaly does: alert, withhold the result, quarantine the tool, block the server. */
        actions: z
          .object({
            'output-schema': z.enum(ANOMALY_ACTIONS).default('withhold'),
            'output-injection': z.enum(ANOMALY_ACTIONS).default('withhold'),
            'output-secret': z.enum(ANOMALY_ACTIONS).default('withhold'),
            shape: z.enum(ANOMALY_ACTIONS).default('alert'),
            'new-host': z.enum(ANOMALY_ACTIONS).default('alert'),
            size: z.enum(ANOMALY_ACTIONS).default('alert'),
            latency: z.enum(ANOMALY_ACTIONS).default('alert'),
            'error-rate': z.enum(ANOMALY_ACTIONS).default('alert'),
          })
          .strict()
          .prefault({}),
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
    /** The upstream servers `holdfast serve` fronts, by name. */
    servers: ServersSchema,
    /** How `holdfast serve` listens and authenticates. */
    serve: ServeSchema,
  })
  .strict();

/** A validated configuration with every default filled in. */
export type Config = z.infer<typeof ConfigSchema>;
