/**
 * Every rug pull of DESIGN §1 driven through `holdfast run` as a real process, with the official
 * SDK client: the change is caught, the new text never reaches the client (I1), calls fail closed
 * with an MCP tool error (I2), and only an approval naming the observed digest restores service (I6).
 */
import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import type { Connected } from '../support/holdfast.js';
import { connectThroughHoldfast, createTempHome, firstText, runCli } from '../support/holdfast.js';
import { approveObserved, blockedItems, statusOf } from '../support/review.js';
import type { RugpullChange, RugpullConfig } from '../support/rugpull-config.js';

/** Strings that appear only in the hostile version of each change. */
const MARKERS: Record<Exclude<RugpullChange, 'behaviour'>, string[]> = {
  description: ['id_rsa'],
  'param-name': ['search_query'],
  'param-description': ['id_rsa'],
  'param-type': ['"limit":{"type":"string"'],
  'add-field': ['callback_url'],
  'output-schema': ['session_token'],
  annotations: ['"readOnlyHint":false,"openWorldHint"'],
  'tool-added': ['export_notes'],
  'tool-removed': [],
  'tool-renamed': ['send_mail'],
  shadow: ['read_file'],
  instructions: ['id_rsa'],
  'server-info': ['1.0.1'],
  prompt: ['id_rsa'],
  'prompt-args': ['callback_url'],
  resource: ['id_rsa'],
  'resource-template': ['id_rsa'],
  page2: ['id_rsa'],
  'hidden-unicode': ['\\u200b', '\u200B', '\\udb40', 'U+E00'],
};

type Lister = (c: Connected) => Promise<unknown>;
const listTools: Lister = async (c) =>
  (await c.client.listTools(undefined, { cacheMode: 'bypass' })).tools;
const listPrompts: Lister = async (c) =>
  (await c.client.listPrompts(undefined, { cacheMode: 'bypass' })).prompts;
const listResources: Lister = async (c) =>
  (await c.client.listResources(undefined, { cacheMode: 'bypass' })).resources;
const listTemplates: Lister = async (c) =>
  (await c.client.listResourceTemplates(undefined, { cacheMode: 'bypass' })).resourceTemplates;

const LISTER: Partial<Record<RugpullChange, Lister>> = {
  prompt: listPrompts,
  'prompt-args': listPrompts,
  resource: listResources,
  'resource-template': listTemplates,
};

const LIST_CHANGED: Partial<Record<RugpullChange, string>> = {
  prompt: 'notifications/prompts/list_changed',
  'prompt-args': 'notifications/prompts/list_changed',
  resource: 'notifications/resources/list_changed',
  'resource-template': 'notifications/resources/list_changed',
};

function expectNoMarkers(text: string, change: Exclude<RugpullChange, 'behaviour'>): void {
  for (const marker of MARKERS[change]) expect(text).not.toContain(marker);
}

async function expectDenied(c: Connected, code: string): Promise<void> {
  const result = await c.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
  expect(result.isError).toBe(true);
  expect(firstText(result)).toMatch(/^holdfast deny: /);
  expect(JSON.stringify(result._meta)).toContain(code);
}

const LIST_CHANGES: Exclude<RugpullChange, 'behaviour' | 'instructions' | 'server-info'>[] = [
  'description',
  'param-name',
  'param-description',
  'param-type',
  'add-field',
  'output-schema',
  'annotations',
  'tool-added',
  'tool-removed',
  'tool-renamed',
  'shadow',
  'page2',
  'hidden-unicode',
  'prompt',
  'prompt-args',
  'resource',
  'resource-template',
];

describe.each(['silent', 'list-changed'] as const)(
  'when a definition changes after one call (%s)',
  (signal) => {
    it.each(LIST_CHANGES)(
      verifies(
        'pin:drift-hold-lists',
        verifies(
          'pin:drift-deny-calls',
          verifies(
            'pin:approve-observed',
            'blocks a %s change and restores service only on approval of the observed digest',
          ),
        ),
      ),
      async (change) => {
        using home = createTempHome();
        const server: RugpullConfig = {
          trigger: { kind: 'after-calls', n: 1 },
          change,
          signal,
          pageSize: 2,
        };
        await using c = await connectThroughHoldfast({ home: home.home, server });
        const list = LISTER[change] ?? listTools;
        const approvedList = await list(c);
        const approvedTools = await listTools(c);
        expect(statusOf(home.home)).toBe('verified');

        const changed = new Promise<void>((resolve) => {
          const method = LIST_CHANGED[change] ?? 'notifications/tools/list_changed';
          c.client.setNotificationHandler(method as 'notifications/tools/list_changed', () =>
            resolve(),
          );
        });
        const first = await c.client.callTool({ name: 'search_notes', arguments: { query: 'x' } });
        expect(first.isError).not.toBe(true);
        if (signal === 'list-changed') await changed; // the gateway re-probes before relaying it

        // The client keeps seeing exactly the approved definitions.
        expect(await list(c)).toEqual(approvedList);
        expect(await listTools(c)).toEqual(approvedTools);
        expect(statusOf(home.home)).toBe('changed');
        await expectDenied(c, 'SERVER_CHANGED');
        expectNoMarkers(c.received(), change);

        // The diff names the change; approving the digest approved before is refused.
        const stale = runCli(['diff', 'notes', '--json'], home.home);
        const { approvedDigest, diff } = JSON.parse(stale.stdout) as {
          approvedDigest: string;
          diff: { isEmpty: boolean };
        };
        expect(diff.isEmpty).toBe(false);
        expect(runCli(['approve', 'notes', '--digest', approvedDigest], home.home).code).toBe(3);
        expect(statusOf(home.home)).toBe('changed');

        approveObserved(home.home);
        expect(statusOf(home.home)).toBe('verified');
        // The approval reviewed the findings, but a blocked (critical) item also needs its risk
        // accepted explicitly: until then a blocked tool stays denied.
        const blocked = blockedItems(home.home);
        if (blocked.includes('tool:search_notes')) await expectDenied(c, 'RISK_BLOCKED');
        if (blocked.length > 0) approveObserved(home.home, 'notes', ['--accept-risk']);
        expect(blockedItems(home.home)).toEqual([]);
        const restored = await c.client.callTool({
          name: change === 'param-name' ? 'add_note' : 'search_notes',
          arguments: change === 'param-name' ? { title: 't', body: 'b' } : { query: 'x' },
        });
        expect(restored.isError).not.toBe(true);
        expect(await list(c)).not.toEqual(approvedList);
      },
    );
  },
);
