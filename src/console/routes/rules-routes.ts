/**
 * `/api/rules`: the per-call rules in force (DESIGN §6), the editor's save (validated like the
 * config file, written into it, audited with the human's identity, then swapped in) and "test a
 * call", which explains a call exactly like `holdfast policy test`.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { principalLabel } from '../../auth/types.js';
import { explainPolicy } from '../../policy/index.js';
import { toPolicyTestRequest } from '../../policy/test-request.js';
import type { ServeEnv } from '../../serve/env.js';
import { isDigest } from '../../surface/digest.js';
import type { JsonValue } from '../../surface/types.js';
import { apiError, limitBody, readJsonBody, signAfterDecision } from '../api-support.js';
import type { ConsoleDeps } from '../deps.js';

const ReplaceBody = z.object({ yaml: z.string().max(1024 * 1024) }).strict();

const TestBody = z
  .object({
    server: z.string().min(1).max(256),
    tool: z.string().min(1).max(4096).optional(),
    method: z.string().min(1).max(256).optional(),
    args: z.unknown().optional(),
    definitionDigest: z
      .string()
      .refine(isDigest, 'must be sha256: and 64 lowercase hex digits')
      .optional(),
  })
  .strict()
  .refine((body) => body.tool === undefined || body.method === undefined, {
    message: 'give at most one of tool and method',
  });

/** Registers the rules routes on `app`. */
export function registerRulesRoutes(app: Hono<ServeEnv>, deps: ConsoleDeps): void {
  const { rules } = deps;

  app.get('/api/rules', deps.guard('read'), (c) => {
    const config = rules.config();
    const policy = rules.current();
    return c.json({
      savable: rules.path !== undefined,
      path: rules.path ?? null,
      mode: config.mode,
      defaultVerdict: config.default_verdict,
      rules: config.rules,
      ruleOrder: policy.rules.map((rule) => rule.id),
      egress: config.egress,
      yaml: rules.yaml(),
    });
  });

  app.put('/api/rules', deps.guard('review'), limitBody(), async (c) => {
    const body = await readJsonBody(c, ReplaceBody);
    if (!body.ok) return body.response;
    if (rules.path === undefined) {
      return apiError(
        c,
        409,
        'RULES_READ_ONLY',
        'the rules cannot be saved: holdfast serve was started without --config',
      );
    }
    // A ConfigError (every bad field listed) becomes a 400 in the app's error handler.
    await rules.replace(body.value.yaml, principalLabel(c.get('principal')));
    await signAfterDecision(deps);
    return c.json({ ok: true, rules: rules.config().rules.length, mode: rules.config().mode });
  });

  app.post('/api/rules/test', deps.guard('read'), limitBody(), async (c) => {
    const body = await readJsonBody(c, TestBody);
    if (!body.ok) return body.response;
    const { server, tool, method, args, definitionDigest } = body.value;
    const explanation = explainPolicy(
      rules.current(),
      toPolicyTestRequest({
        server,
        tool,
        method,
        // The body was JSON, so whatever `args` holds is a JSON value.
        args: (args ?? {}) as JsonValue,
        definition: definitionDigest,
      }),
    );
    return c.json(explanation);
  });
}
