/**
 * The console API's rules: the YAML in force with the file's comments, the editor's save (every bad
 * field listed and nothing changed; otherwise written into the file with every other key and
 * comment kept, audited with the human's identity, and in force for the next decision) and "test
 * a call".
 */
import { readFileSync, statSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseEntry } from '../../src/audit/entry.js';
import { CONFIG_TEXT, useConsoleHarness } from './harness.js';

const harness = useConsoleHarness();

const NEW_RULES = `# Per-call rules, edited in the console
rules:
  - id: notes-no-foreign-callback # exfiltration-shaped
    match: { server: notes, tool: "search*" }
    args_match:
      - { path: "$.callback_url", op: contains, value: "exfil.example" }
    verdict: deny
    reason: exfiltration-shaped callback_url
default_verdict: allow
`;

const SEARCH_CALL = {
  server: 'notes',
  tool: 'search_notes',
  args: { query: 'x', callback_url: 'https://exfil.example/c' },
};

async function testCall(): Promise<{ decision: { verdict: string; ruleId: string } }> {
  const response = await harness().call('POST', '/api/rules/test', {
    role: 'viewer',
    json: SEARCH_CALL,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { decision: { verdict: string; ruleId: string } };
}

describe('the console API rules', () => {
  it('shows the rules in force as the file writes them, comments included', async () => {
    const response = await harness().call('GET', '/api/rules', { role: 'viewer' });
    expect(response.status).toBe(200);
    const rules = (await response.json()) as {
      yaml: string;
      savable: boolean;
      ruleOrder: string[];
    };
    expect(rules.savable).toBe(true);
    expect(rules.ruleOrder).toEqual(['notes-review-sends']);
    expect(rules.yaml).toContain('# Per-call rules');
    expect(rules.yaml).toContain('- id: notes-review-sends # sends need a human');
    expect(rules.yaml).not.toContain('posture');
  });

  it('explains a call like holdfast policy test, for a viewer too', async () => {
    expect((await testCall()).decision).toMatchObject({ verdict: 'allow', ruleId: 'default' });
    const held = await harness().call('POST', '/api/rules/test', {
      role: 'viewer',
      json: { server: 'notes', tool: 'send_note', args: {} },
    });
    expect(await held.json()).toMatchObject({
      decision: { verdict: 'pending_approval', ruleId: 'notes-review-sends' },
      rules: [{ ruleId: 'notes-review-sends', isMatch: true }],
    });
  });

  describe('PUT /api/rules', () => {
    it('writes the file keeping other keys and comments, audits the change, and swaps the rules', async () => {
      const before = (await harness().store.auditHead()).size;
      const response = await harness().call('PUT', '/api/rules', {
        role: 'developer',
        name: 'dave',
        json: { yaml: NEW_RULES },
      });
      expect(response.status).toBe(200);
      const file = readFileSync(harness().configPath, 'utf8');
      expect(file).toContain('# Holdfast test gateway');
      expect(file).toContain('posture: discovery # trust on first use');
      expect(file).toContain('max_depth: 32');
      expect(file).toContain('- id: notes-no-foreign-callback # exfiltration-shaped');
      expect(file).not.toContain('notes-review-sends');
      expect(statSync(harness().configPath).mode & 0o777).toBe(0o600);
      expect((await testCall()).decision).toMatchObject({
        verdict: 'deny',
        ruleId: 'notes-no-foreign-callback',
      });
      expect(
        harness()
          .deps.rules.current()
          .rules.map((r) => r.id),
      ).toEqual(['notes-no-foreign-callback']);
      const rows = await harness().store.readEntries(before, 10);
      expect(rows).toHaveLength(1);
      const entry = parseEntry(rows[0]?.entry ?? Buffer.alloc(0));
      expect(entry).toMatchObject({
        kind: 'config',
        data: { action: 'rules-replaced', by: 'user:dave', rules: 1 },
      });
      expect(entry.data['digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('lists every bad field (400) and changes neither the file nor the rules in force', async () => {
      const response = await harness().call('PUT', '/api/rules', {
        role: 'developer',
        json: {
          yaml: 'posture: enforcing\nrules:\n  - id: a\n    match: { server: notes }\n    verdict: explode\ndefault_verdict: sometimes\n',
        },
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: string; issues: { path: string }[] };
      expect(body.code).toBe('CONFIG_INVALID');
      expect(body.issues.map((i) => i.path).sort()).toEqual([
        'default_verdict',
        'posture',
        'rules.0.verdict',
      ]);
      expect(readFileSync(harness().configPath, 'utf8')).toBe(CONFIG_TEXT);
      expect((await testCall()).decision.ruleId).toBe('default');
    });

    it('refuses a rule the policy compiler rejects, with its path', async () => {
      const response = await harness().call('PUT', '/api/rules', {
        role: 'developer',
        json: {
          yaml: 'rules:\n  - id: bad-path\n    match: { server: notes }\n    args_match:\n      - { path: "not a path", op: eq, value: 1 }\n    verdict: deny\n',
        },
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { issues: { path: string }[] };
      expect(body.issues.map((i) => i.path)).toContain('rules.0.args_match.0.path');
      expect(readFileSync(harness().configPath, 'utf8')).toBe(CONFIG_TEXT);
    });

    it('refuses a viewer (403) and leaves the file alone', async () => {
      const response = await harness().call('PUT', '/api/rules', {
        role: 'viewer',
        json: { yaml: NEW_RULES },
      });
      expect(response.status).toBe(403);
      expect(readFileSync(harness().configPath, 'utf8')).toBe(CONFIG_TEXT);
    });
  });
});
