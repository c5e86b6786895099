/**
 * Per-call policy and approval holds through `holdfast run` with a real server (DESIGN §6, §9):
 * what the server actually receives proves what was denied, redacted, held and released.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { signCallback } from '../../src/approvals/index.js';
import { verifies } from '../requirements.js';
import { auditEntries } from '../support/audit.js';
import { createTempDir } from '../support/compare.js';
import { memoryServer } from '../support/compare.js';
import type { ConfiguredOptions } from '../support/configured.js';
import { connectConfigured } from '../support/configured.js';
import type { Connected } from '../support/holdfast.js';
import {
  connectThroughHoldfast,
  createTempHome,
  firstText,
  runCli,
  runCliJson,
} from '../support/holdfast.js';

interface ToolResult {
  content?: unknown;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

async function call(c: Connected, name: string, args: Record<string, unknown>, timeout = 20_000) {
  return (await c.client.request(
    { method: 'tools/call', params: { name, arguments: args } },
    { timeout },
  )) as ToolResult;
}

/** Calls the notes server's send_email tool (subject "s"). */
function sendEmail(c: Connected, to: string, body: string): Promise<ToolResult> {
  return call(c, 'send_email', { to, subject: 's', body });
}

function denial(result: ToolResult): { code?: string; ruleId?: string } {
  return result._meta?.['holdfast/deny'] ?? {};
}

type Configured = Awaited<ReturnType<typeof connectConfigured>>;

/**
 * Runs `body` against holdfast configured with `yaml` around the rug-pull server, in a fresh home
 * and directory that are removed afterwards.
 */
async function withGateway(
  yaml: string,
  body: (c: Configured, home: string) => Promise<void>,
  options?: ConfiguredOptions,
): Promise<void> {
  using home = createTempHome();
  using dir = createTempDir('holdfast-e2e-');
  await using c = await connectConfigured(home.home, dir.dir, yaml, options);
  await body(c, home.home);
}

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n';

describe('per-call rules', () => {
  it(
    verifies(
      'policy:deny',
      'denies an exfiltration-shaped argument with a tool result, forwarding nothing',
    ),
    () =>
      withGateway(
        `rules:
  - id: no-private-keys
    match: { server: notes, tool: "send_*" }
    args_match:
      - { path: "$.body", op: contains, value: "PRIVATE KEY-----" }
    verdict: deny
    reason: the body carries a private key
`,
        async (c, home) => {
          const denied = await sendEmail(c, 'a@b.example', PRIVATE_KEY);
          expect(denied.isError).toBe(true);
          expect(firstText(denied)).toBe('holdfast deny: the body carries a private key');
          expect(denial(denied)).toEqual({ code: 'POLICY_DENIED', ruleId: 'no-private-keys' });
          const ok = await sendEmail(c, 'a@b.example', 'hello');
          expect(firstText(ok)).toBe('Email to a@b.example queued.');
          expect(c.serverGot().map((m) => m.params?.arguments?.['body'])).toEqual(['hello']);

          const entry = auditEntries(home).find(
            (e) => e.kind === 'call' && e.data['code'] === 'POLICY_DENIED',
          );
          expect(entry?.data).toMatchObject({
            rule: 'no-private-keys',
            policy: 'deny',
            enforced: true,
          });
        },
      ),
  );

  it(verifies('policy:egress', 'denies a denied host hidden in nested and encoded forms'), () =>
    withGateway(
      `egress:
  deny: ["169.254.0.0/16", "*.exfil.example"]
`,
      async (c) => {
        const sneaky: Record<string, unknown>[] = [
          { to: 'a@b.example', subject: 's', body: 'see http://2852039166/latest/meta-data' },
          { to: 'a@b.example', subject: 's', body: 'https://notes.example@drop.exfil.example/x' },
          { to: 'a@b.example', subject: 's', body: 'http%3A%2F%2Fdrop.exfil.example%2Fa' },
          { to: 'a@b.example', subject: 's', body: 'http://[::ffff:a9fe:a9fe]/' },
        ];
        for (const args of sneaky) {
          const result = await call(c, 'send_email', args);
          expect(denial(result), JSON.stringify(args)).toEqual({
            code: 'POLICY_DENIED',
            ruleId: 'egress',
          });
        }
        const ok = await sendEmail(c, 'a@b.example', 'see https://notes.example/a');
        expect(ok.isError).not.toBe(true);
        expect(c.serverGot()).toHaveLength(1);
      },
    ),
  );

  it('denies a denied host nested deep in the arguments of a real server (server-memory)', async () => {
    using home = createTempHome();
    using dir = createTempDir('holdfast-e2e-');
    const config = join(dir.dir, 'holdfast.yaml');
    writeFileSync(config, 'egress:\n  deny: ["169.254.0.0/16"]\n');
    await using c = await connectThroughHoldfast({
      home: home.home,
      name: 'memory',
      runArgs: ['--config', config],
      server: memoryServer(join(dir.dir, 'memory.jsonl')),
    });
    await c.client.listTools(undefined, { cacheMode: 'bypass' });
    const entity = (observation: string) => ({
      entities: [{ name: 'n', entityType: 't', observations: ['ok', observation] }],
    });
    const denied = await call(c, 'create_entities', entity('metadata at http://0xA9FEA9FE/latest'));
    expect(denial(denied)).toEqual({ code: 'POLICY_DENIED', ruleId: 'egress' });
    const ok = await call(c, 'create_entities', entity('nothing to see'));
    expect(ok.isError).not.toBe(true);
    const graph = await call(c, 'read_graph', {});
    expect(JSON.stringify(graph)).not.toContain('0xA9FEA9FE');
  });

  it(
    verifies(
      'policy:sanitize',
      'redacts the matched values before forwarding, as the server receives them',
    ),
    () =>
      withGateway(
        `rules:
  - id: scrub-passwords
    match: { tool: add_note }
    args_match:
      - { path: "$.body", op: regex, value: "password[:=]" }
    verdict: sanitize
    reason: password in a note
`,
        async (c) => {
          const result = await call(c, 'add_note', { title: 'wifi', body: 'password=hunter2' });
          expect(result.isError).not.toBe(true);
          expect(c.serverGot()[0]?.params?.arguments).toEqual({
            title: 'wifi',
            body: '[REDACTED by holdfast]',
          });
        },
      ),
  );

  it(
    verifies(
      'policy:shadow',
      'in shadow mode forwards the call and records the verdict it would have given',
    ),
    () =>
      withGateway(
        `mode: shadow
rules:
  - id: no-email
    match: { tool: send_email }
    verdict: deny
    reason: no email in this trial
`,
        async (c, home) => {
          const result = await sendEmail(c, 'a@b.example', 'b');
          expect(result.isError).not.toBe(true);
          expect(c.serverGot()).toHaveLength(1);
          const entry = auditEntries(home).find((e) => e.kind === 'call');
          expect(entry?.data).toMatchObject({
            verdict: 'allow',
            policy: 'deny',
            rule: 'no-email',
            enforced: false,
          });
        },
      ),
  );
});

const HOLD_EMAIL = `rules:
  - id: email-needs-approval
    match: { tool: send_email }
    verdict: pending_approval
    reason: outgoing email
`;

/** Waits (bounded) until holdfast lists exactly one pending hold, and returns its id. */
async function pendingHold(home: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const { holds } = runCliJson<{ holds: { id: string }[] }>(['pending'], home);
    if (holds.length === 1 && holds[0] !== undefined) return holds[0].id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no pending hold appeared');
}

describe('held calls', () => {
  it(
    verifies(
      'holds:cli',
      'holds a call until a human approves it with holdfast resolve, then returns its real result',
    ),
    () =>
      withGateway(HOLD_EMAIL, async (c, home) => {
        const pending = sendEmail(c, 'a@b.example', 'b');
        const id = await pendingHold(home);
        expect(c.serverGot()).toEqual([]);
        const resolved = runCli(['resolve', id, '--approve'], home);
        expect(resolved.code).toBe(0);
        expect(firstText(await pending)).toBe('Email to a@b.example queued.');
        expect(c.serverGot()).toHaveLength(1);

        // And a denial never reaches the server.
        const second = sendEmail(c, 'c@d.example', 'b');
        const other = await pendingHold(home);
        expect(runCli(['resolve', other, '--deny'], home).code).toBe(0);
        expect(denial(await second).code).toBe('HOLD_DENIED');
        expect(c.serverGot()).toHaveLength(1);
      }),
  );

  it(verifies('holds:expiry', 'denies a held call nobody approved when it expires'), () =>
    withGateway(`approvals: { timeout: 1 }\n${HOLD_EMAIL}`, async (c) => {
      const result = await sendEmail(c, 'a@b.example', 'b');
      expect(denial(result).code).toBe('HOLD_EXPIRED');
      expect(c.serverGot()).toEqual([]);
    }),
  );

  it(
    verifies(
      'holds:callback',
      'releases a held call on a signed callback, and rejects a replay of it',
    ),
    async () => {
      const secret = 'k'.repeat(48);
      await withGateway(
        `approvals:
  callback: { listen: "127.0.0.1:0", secret_env: HOLDFAST_TEST_SECRET }
${HOLD_EMAIL}`,
        async (c, home) => {
          await c.waitForStderr(/approval callback listening on (http:\/\/\S+)/);
          const url = /approval callback listening on (http:\/\/\S+)/.exec(c.stderr())?.[1] ?? '';
          const pending = sendEmail(c, 'a@b.example', 'b');
          const id = await pendingHold(home);
          const now = (): number => Math.floor(Date.now() / 1000);
          const signed = signCallback({
            secret,
            holdId: id,
            decision: 'approve',
            by: 'alice',
            timestamp: now(),
            nonce: 'nonce-for-the-first-call-0001',
          });
          const post = () =>
            fetch(`${url}${signed.path}`, {
              method: 'POST',
              headers: signed.headers,
              body: signed.body,
            });
          const first = await post();
          expect(first.status).toBe(200);
          expect(firstText(await pending)).toBe('Email to a@b.example queued.');
          const replay = await post();
          expect(replay.status).toBe(401);

          // A forged signature is refused and the next hold stays pending.
          const next = sendEmail(c, 'x@y.example', 'b');
          const nextId = await pendingHold(home);
          const forged = signCallback({
            secret: 'z'.repeat(48),
            holdId: nextId,
            decision: 'approve',
            by: 'mallory',
            timestamp: now(),
            nonce: 'nonce-for-the-forged-call-01',
          });
          const refused = await fetch(`${url}${forged.path}`, {
            method: 'POST',
            headers: forged.headers,
            body: forged.body,
          });
          expect(refused.status).toBe(401);
          expect(runCli(['resolve', nextId, '--deny'], home).code).toBe(0);
          expect(denial(await next).code).toBe('HOLD_DENIED');
          expect(c.serverGot()).toHaveLength(1);
        },
        {
          env: { HOLDFAST_TEST_SECRET: secret },
        },
      );
    },
  );

  it(
    verifies(
      'holds:elicitation',
      "asks the client's user through MCP elicitation and honours the answer",
    ),
    async () => {
      const asked: string[] = [];
      await withGateway(
        HOLD_EMAIL,
        async (c) => {
          const approved = await sendEmail(c, 'a@b.example', 'b');
          expect(firstText(approved)).toBe('Email to a@b.example queued.');
          const refused = await sendEmail(c, 'c@d.example', 'b');
          expect(denial(refused).code).toBe('HOLD_DENIED');
          expect(asked[0]).toMatch(/send_email.*email-needs-approval/);
          expect(c.serverGot()).toHaveLength(1);
        },
        {
          capabilities: { elicitation: { form: {} } },
          onClient: (client) =>
            client.setRequestHandler('elicitation/create', (request) => {
              asked.push(request.params.message);
              return { action: 'accept', content: { approve: asked.length === 1 } };
            }),
        },
      );
    },
  );

  it('denies a held call the client cancelled, so a later approval cannot run it', () =>
    withGateway(HOLD_EMAIL, async (c, home) => {
      const controller = new AbortController();
      const pending = c.client.request(
        {
          method: 'tools/call',
          params: { name: 'send_email', arguments: { to: 'a@b.example', subject: 's', body: 'b' } },
        },
        { timeout: 20_000, signal: controller.signal },
      );
      const id = await pendingHold(home);
      controller.abort('changed my mind');
      await expect(pending).rejects.toThrow();
      for (let i = 0; i < 100; i++) {
        const { holds } = runCliJson<{ holds: unknown[] }>(['pending'], home);
        if (holds.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(runCliJson<{ holds: unknown[] }>(['pending'], home).holds).toEqual([]);
      expect(runCli(['resolve', id, '--approve'], home).code).toBe(3);
      expect(c.serverGot()).toEqual([]);
    }));

  it('keeps a client that asked for progress informed while the call is held', () =>
    withGateway(`approvals: { progress_interval: 1 }\n${HOLD_EMAIL}`, async (c, home) => {
      const progress: string[] = [];
      const pending = c.client.request(
        {
          method: 'tools/call',
          params: { name: 'send_email', arguments: { to: 'a@b.example', subject: 's', body: 'b' } },
        },
        { timeout: 20_000, onprogress: (p) => void progress.push(p.message ?? '') },
      );
      const id = await pendingHold(home);
      for (let i = 0; i < 100 && progress.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(progress[0]).toMatch(new RegExp(`holdfast resolve ${id} --approve`));
      runCli(['resolve', id, '--approve'], home);
      expect(((await pending) as ToolResult).isError).not.toBe(true);
    }));
});

describe('the same gate for prompts and resources', () => {
  it('denies prompts/get and resources/read by rule, before they reach the server', () =>
    withGateway(
      `rules:
  - id: no-summaries-of-secrets
    match: { prompt: summarize }
    args_match: [{ path: "$.topic", op: contains, value: "secret" }]
    verdict: deny
    reason: no secret topics
  - id: no-bulk-read
    match: { resource: "notes://all" }
    verdict: deny
    reason: read notes one by one
`,
      async (c) => {
        await expect(
          c.client.getPrompt({ name: 'summarize', arguments: { topic: 'secret plans' } }),
        ).rejects.toThrow(/holdfast deny: no secret topics/);
        const ok = await c.client.getPrompt({ name: 'summarize', arguments: { topic: 'garden' } });
        expect(ok.messages.length).toBeGreaterThan(0);
        await expect(c.client.readResource({ uri: 'notes://all' })).rejects.toThrow(
          /holdfast deny: read notes one by one/,
        );
        const one = await c.client.readResource({ uri: 'notes://note/1' });
        expect(one.contents.length).toBeGreaterThan(0);
      },
    ));
});

describe('the same gate for requests from the server', () => {
  it('denies a server→client request by rule, and records the rule', async () => {
    using home = createTempHome();
    using dir = createTempDir('holdfast-e2e-');
    const config = join(dir.dir, 'holdfast.yaml');
    writeFileSync(
      config,
      `rules:
  - id: no-sampling
    match: { method: sampling/createMessage }
    verdict: deny
    reason: this server may not use the client's model
`,
    );
    const sampled: string[] = [];
    await using c = await connectThroughHoldfast({
      home: home.home,
      runArgs: ['--config', config],
      server: { interactive: true },
      capabilities: { sampling: {}, roots: {} },
      onClient: (client) => {
        client.setRequestHandler('sampling/createMessage', () => {
          sampled.push('asked');
          return {
            role: 'assistant',
            content: { type: 'text', text: 'hi' },
            model: 'test',
          };
        });
        client.setRequestHandler('roots/list', () => ({ roots: [] }));
      },
    });
    await c.client.listTools(undefined, { cacheMode: 'bypass' });
    const result = await call(c, 'ask_client', { question: 'q' });
    const answers = JSON.parse(firstText(result)) as Record<string, { error?: string } | undefined>;
    expect(answers['sampling']?.error).toMatch(/holdfast deny: this server may not use/);
    expect(answers['roots']).toEqual({ roots: [] });
    expect(sampled).toEqual([]);
    const entry = auditEntries(home.home).find(
      (e) => e.kind === 'server-request' && e.data['method'] === 'sampling/createMessage',
    );
    expect(entry?.data).toMatchObject({
      verdict: 'deny',
      code: 'POLICY_DENIED',
      rule: 'no-sampling',
    });
  });
});

describe('holdfast policy test', () => {
  it('names the deciding rule and why the rules before it did not match', () => {
    using home = createTempHome();
    using dir = createTempDir('holdfast-e2e-');
    const config = join(dir.dir, 'holdfast.yaml');
    writeFileSync(
      config,
      `rules:
  - id: other-server
    match: { server: files }
    verdict: deny
  - id: big-limits
    match: { tool: search_notes }
    args_match: [{ path: "$.limit", op: gt, value: 100 }]
    verdict: pending_approval
    reason: large searches need a look
`,
    );
    const args = [
      'policy',
      'test',
      '--config',
      config,
      '--server',
      'notes',
      '--tool',
      'search_notes',
    ];
    const held = runCliJson<{
      decision: { verdict: string; ruleId: string };
      rules: { ruleId: string; isMatch: boolean }[];
    }>([...args, '--args', '{"query":"x","limit":500}'], home.home);
    expect(held.decision).toMatchObject({ verdict: 'pending_approval', ruleId: 'big-limits' });
    expect(held.rules.map((r) => [r.ruleId, r.isMatch])).toEqual([
      ['other-server', false],
      ['big-limits', true],
    ]);
    const human = runCli([...args, '--args', '{"query":"x","limit":5}'], home.home);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/verdict: allow/);
    expect(human.stdout).toMatch(/rule big-limits: did not match: args_match condition 0/);
  });
});

describe('a configuration that does not load', () => {
  it(
    verifies(
      'policy:fail-closed-config',
      'leaves the gateway refusing to start, never running without rules',
    ),
    () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-e2e-');
      const config = join(dir.dir, 'bad.yaml');
      writeFileSync(
        config,
        `rules:
  - id: a
    match: { tool: "[" }
    args_match: [{ path: "$..", op: regex, value: "(?=x)" }]
    verdict: deny
  - id: a
    verdict: sanitize
`,
      );
      const run = runCli(['run', '--config', config, '--', process.execPath, '-e', ''], home.home);
      expect(run.code).toBe(2);
      const check = runCliJson<{ ok: boolean; issues: { path: string }[] }>(
        ['policy', 'check', '--config', config],
        home.home,
      );
      expect(check.ok).toBe(false);
      expect(check.issues.map((i) => i.path)).toEqual(
        expect.arrayContaining([
          'rules.0.match.tool',
          'rules.0.args_match.0.path',
          'rules.0.args_match.0.value',
          'rules.1.id',
        ]),
      );
    },
  );
});
