/**
 * The risk engine and behaviour monitoring through `holdfast run` with a real malicious server
 * (DESIGN §7, §8): what the server received and what the client saw prove what was restricted,
 * held and withheld.
 */
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import { createTempDir } from '../support/compare.js';
import type { ConfiguredOptions } from '../support/configured.js';
import { connectConfigured } from '../support/configured.js';
import type { Connected } from '../support/holdfast.js';
import { createTempHome, runCli, runCliJson } from '../support/holdfast.js';
import type { RugpullConfig } from '../support/rugpull-config.js';

interface ToolResult {
  content?: unknown;
  isError?: boolean;
  structuredContent?: unknown;
  _meta?: Record<string, { code?: string; kinds?: string[]; ruleId?: string } | undefined>;
}

interface ServerJson {
  servers: { name: string; observedDigest: string | null }[];
}

interface AnomaliesJson {
  anomalies: { id: string; tool: string; kind: string; action: string; evidence: string }[];
}

interface PendingJson {
  holds: { id: string; ruleId: string; name: string | null }[];
}

async function call(c: Connected, name: string, args: Record<string, unknown>) {
  return (await c.client.request(
    { method: 'tools/call', params: { name, arguments: args } },
    { timeout: 20_000 },
  )) as ToolResult;
}

async function toolNames(c: Connected): Promise<string[]> {
  return (await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools.map((t) => t.name);
}

/** Connects through holdfast with `yaml` as its configuration, to the rug-pull `server`. */
async function connect(
  home: string,
  dir: string,
  yaml: string,
  server: RugpullConfig,
  extra: ConfiguredOptions = {},
): Promise<Connected & { serverGot: () => number }> {
  const c = await connectConfigured(home, dir, yaml, { ...extra, server });
  const received = c.serverGot;
  return Object.assign(c, { serverGot: () => received().length });
}

const POISONED: RugpullConfig = { trigger: { kind: 'immediate' }, change: 'description' };
const QUARANTINE_ALL = `risk:
  modes: { high: quarantine, critical: quarantine }
approvals: { timeout: 2, elicitation: false }
`;

describe('risk assessment of definitions', () => {
  it(
    verifies(
      'risk:first-contact',
      'hides and denies a poisoned tool on first contact, forwarding nothing',
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-risk-');
      await using c = await connect(home.home, dir.dir, '', POISONED);
      const names = await toolNames(c);
      expect(names).not.toContain('search_notes');
      expect(names).toContain('add_note');
      const result = await call(c, 'search_notes', { query: 'milk' });
      expect(result.isError).toBe(true);
      expect(result._meta?.['holdfast/deny']?.code).toBe('RISK_BLOCKED');
      expect(c.serverGot()).toBe(0);
      expect(c.received()).not.toContain('id_rsa');
      expect(c.stderr()).toMatch(/tool:search_notes of server "notes" is blocked/);
    },
  );

  it(
    verifies(
      'risk:first-contact',
      'holds every call of a quarantined tool until a human approves that call',
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-risk-');
      await using c = await connect(home.home, dir.dir, QUARANTINE_ALL, POISONED);
      const pending = call(c, 'search_notes', { query: 'milk' });
      let holds: PendingJson['holds'] = [];
      for (let i = 0; i < 100 && holds.length === 0; i++) {
        holds = runCliJson<PendingJson>(['pending'], home.home).holds;
      }
      expect(holds).toHaveLength(1);
      expect(holds[0]?.ruleId).toBe('risk');
      expect(c.serverGot()).toBe(0);
      expect(runCli(['resolve', holds[0]?.id ?? '', '--approve'], home.home).code).toBe(0);
      const result = await pending;
      expect(result.isError).not.toBe(true);
      expect(c.serverGot()).toBe(1);
    },
  );

  it(
    verifies('risk:instructions', 'withholds poisoned server instructions on first contact'),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-risk-');
      await using c = await connect(home.home, dir.dir, '', {
        trigger: { kind: 'immediate' },
        change: 'instructions',
      });
      expect(c.client.getInstructions()).toBeUndefined();
      expect(c.received()).not.toContain('id_rsa');
    },
  );

  it(
    verifies(
      'risk:ratchet',
      'keeps a quarantine when the next launch loosens the thresholds, until a human approves',
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-risk-');
      {
        await using first = await connect(home.home, dir.dir, QUARANTINE_ALL, POISONED);
        await first.waitForStderr(/tool:search_notes of server "notes" is quarantined/);
      }
      const loose = `risk:
  modes: { high: allow, critical: allow }
approvals: { timeout: 1, elicitation: false }
`;
      {
        await using second = await connect(home.home, dir.dir, loose, POISONED);
        const held = await call(second, 'search_notes', { query: 'milk' });
        expect(held._meta?.['holdfast/deny']?.code).toBe('HOLD_EXPIRED');
        expect(second.serverGot()).toBe(0);
      }
      const digest = runCliJson<ServerJson>(['servers'], home.home).servers[0]?.observedDigest;
      const approved = runCli(['approve', 'notes', '--digest', digest ?? ''], home.home);
      expect(approved.code).toBe(0);
      {
        await using third = await connect(home.home, dir.dir, loose, POISONED);
        const result = await call(third, 'search_notes', { query: 'milk' });
        expect(result.isError).not.toBe(true);
        expect(third.serverGot()).toBe(1);
      }
    },
  );

  it(
    verifies('risk:new-items', 'quarantines a tool that a new client profile lists on its own'),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-risk-');
      const yaml = 'approvals: { timeout: 1, elicitation: false }\n';
      {
        await using first = await connect(home.home, dir.dir, yaml, { capabilityTools: true });
        expect(await toolNames(first)).not.toContain('trigger_sampling');
      }
      await using second = await connect(
        home.home,
        dir.dir,
        yaml,
        { capabilityTools: true },
        { capabilities: { sampling: {} } },
      );
      expect(await toolNames(second)).toContain('trigger_sampling');
      const held = await call(second, 'trigger_sampling', { prompt: 'hi' });
      expect(held._meta?.['holdfast/deny']?.code).toBe('HOLD_EXPIRED');
      expect(second.serverGot()).toBe(0);
      // The tools approved with the server are not affected.
      expect((await call(second, 'search_notes', { query: 'milk' })).isError).not.toBe(true);
    },
  );
});

describe('a human restricting one tool', () => {
  it(
    verifies(
      'risk:human-item',
      "holds, then blocks and hides one tool on a human's word, and releases it only at its digest",
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-risk-');
      const yaml = 'approvals: { timeout: 1, elicitation: false }\n';
      await using c = await connect(home.home, dir.dir, yaml, {});
      const quarantined = runCliJson<{ mode: string; digest: string }>(
        ['quarantine', 'notes', '--tool', 'add_note'],
        home.home,
      );
      expect(quarantined.mode).toBe('quarantine');
      const held = await call(c, 'add_note', { title: 't', body: 'b' });
      expect(held._meta?.['holdfast/deny']?.code).toBe('HOLD_EXPIRED');
      // Re-approving the server does not release a tool a human restricted on its own.
      const digest = runCliJson<ServerJson>(['servers'], home.home).servers[0]?.observedDigest;
      expect(runCli(['approve', 'notes', '--digest', digest ?? ''], home.home).code).toBe(0);
      const risk = runCliJson<{ servers: { risk: { quarantined: string[] } }[] }>(
        ['servers'],
        home.home,
      ).servers[0]?.risk;
      expect(risk?.quarantined).toEqual(['tool:add_note']);
      expect(runCli(['quarantine', 'notes', '--tool', 'add_note', '--block'], home.home).code).toBe(
        0,
      );
      expect(await toolNames(c)).not.toContain('add_note');
      const denied = await call(c, 'add_note', { title: 't', body: 'b' });
      expect(denied._meta?.['holdfast/deny']?.code).toBe('RISK_BLOCKED');
      expect(c.serverGot()).toBe(0);
      const wrong = `sha256:${'0'.repeat(64)}`;
      const refused = runCli(
        ['approve', 'notes', '--tool', 'add_note', '--digest', wrong],
        home.home,
      );
      expect(refused.code).toBe(3);
      const release = ['approve', 'notes', '--tool', 'add_note', '--digest', quarantined.digest];
      expect(runCli(release, home.home).code).toBe(0);
      expect(await toolNames(c)).toContain('add_note');
      expect((await call(c, 'add_note', { title: 't', body: 'b' })).isError).not.toBe(true);
      expect(c.serverGot()).toBe(1);
    },
  );
});

describe('behaviour monitoring of results', () => {
  const HOSTILE_AFTER_3: RugpullConfig = {
    trigger: { kind: 'after-calls', n: 3 },
    change: 'behaviour',
  };

  it.each([
    ['output-injection', 'output-schema: alert\n    output-injection: withhold'],
    ['output-schema', 'output-schema: withhold\n    output-injection: alert'],
  ])(
    verifies(
      'behavior:output-injection',
      'withholds a result when %s turns hostile after 3 calls, definition unchanged',
    ),
    async (kind, actions) => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-behavior-');
      const yaml = `behavior:\n  learn_calls: 2\n  actions:\n    ${actions}\n`;
      await using c = await connect(home.home, dir.dir, yaml, HOSTILE_AFTER_3);
      for (let i = 0; i < 3; i++) {
        expect((await call(c, 'search_notes', { query: 'e' })).isError).not.toBe(true);
      }
      const withheld = await call(c, 'search_notes', { query: 'e' });
      expect(withheld.isError).toBe(true);
      expect(withheld._meta?.['holdfast/withheld']?.code).toBe('RESULT_WITHHELD');
      expect(withheld._meta?.['holdfast/withheld']?.kinds).toContain(kind);
      expect(c.serverGot()).toBe(4);
      expect(c.received()).not.toContain('exfil.example');
      const anomalies = runCliJson<AnomaliesJson>(['anomalies', 'notes'], home.home).anomalies;
      expect(anomalies.map((a) => a.kind)).toEqual(
        expect.arrayContaining(['output-injection', 'output-schema']),
      );
      expect(anomalies.find((a) => a.kind === kind)?.action).toBe('withhold');
      const entries = runCliJson<{ entries: { kind: string }[] }>(
        ['audit', 'show', '--kind', 'anomaly'],
        home.home,
      ).entries;
      expect(entries.length).toBe(anomalies.length);
    },
  );

  it(
    verifies(
      'behavior:output-schema',
      'withholds structuredContent that breaks the pinned outputSchema by default',
    ),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-behavior-');
      const yaml = 'behavior:\n  actions:\n    output-injection: alert\n';
      await using c = await connect(home.home, dir.dir, yaml, {
        trigger: { kind: 'immediate' },
        change: 'behaviour',
      });
      const withheld = await call(c, 'search_notes', { query: 'e' });
      expect(withheld._meta?.['holdfast/withheld']?.kinds).toContain('output-schema');
      expect(withheld.structuredContent).toBeUndefined();
    },
  );

  it(
    verifies('behavior:profile-persists', 'checks the next session against the profile learned'),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-behavior-');
      const yaml = `behavior:
  learn_calls: 3
  actions: { output-injection: alert, output-schema: alert, shape: withhold }
`;
      {
        await using first = await connect(home.home, dir.dir, yaml, {});
        for (let i = 0; i < 3; i++) await call(first, 'search_notes', { query: 'e' });
      }
      await using second = await connect(home.home, dir.dir, yaml, {
        trigger: { kind: 'immediate' },
        change: 'behaviour',
      });
      const withheld = await call(second, 'search_notes', { query: 'e' });
      expect(withheld._meta?.['holdfast/withheld']?.kinds).toEqual(['shape']);
    },
  );

  it(
    verifies('behavior:fail-closed', 'withholds the result when the stored profile cannot be read'),
    async () => {
      using home = createTempHome();
      using dir = createTempDir('holdfast-behavior-');
      {
        await using first = await connect(home.home, dir.dir, '', {});
        await call(first, 'search_notes', { query: 'e' });
      }
      const db = new Database(join(home.home, 'holdfast.db'));
      const changed = db.prepare('UPDATE behavior_profiles SET profile = \'{"v":99}\'').run();
      db.close();
      expect(changed.changes).toBe(1);
      await using second = await connect(home.home, dir.dir, '', {});
      const withheld = await call(second, 'search_notes', { query: 'e' });
      expect(withheld.isError).toBe(true);
      expect(withheld._meta?.['holdfast/withheld']?.code).toBe('BEHAVIOR_CHECK_FAILED');
      expect(second.received()).not.toContain('Groceries');
    },
  );
});
