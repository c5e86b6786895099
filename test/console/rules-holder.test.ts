/**
 * The rules holder of `holdfast serve`: a replacement is validated, written atomically and
 * owner-only into the config file, audited, and only then swapped in; any failure leaves both the
 * file and the rules in force as they were.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AuditEvent } from '../../src/audit/entry.js';
import { parseConfig } from '../../src/config/load.js';
import { createRulesHolder } from '../../src/serve/rules-holder.js';
import { ConfigError, StoreError } from '../../src/shared/errors.js';
import { errorOf } from '../support/thrown.js';
import { CONFIG_TEXT } from './harness.js';

const CLOCK = { now: () => 1_767_225_600_000 };
const DENY_ALL = 'default_verdict: deny\n';

let dir = '';
let path = '';
let appended: AuditEvent[] = [];
const store = {
  appendAudit: (events: readonly AuditEvent[]): Promise<number[]> => {
    appended.push(...events);
    return Promise.resolve(events.map((_, i) => appended.length - events.length + i));
  },
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'holdfast-rules-'));
  path = join(dir, 'holdfast.yaml');
  writeFileSync(path, CONFIG_TEXT, { mode: 0o644 });
  appended = [];
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function holder(
  options: { path?: string | undefined; failAudit?: boolean } = {},
): ReturnType<typeof createRulesHolder> {
  const failing = {
    appendAudit: (): Promise<number[]> =>
      Promise.reject(new StoreError('STORE_UNAVAILABLE', 'disk gone')),
  };
  return createRulesHolder({
    config: parseConfig(CONFIG_TEXT, path),
    path: 'path' in options ? options.path : path,
    store: options.failAudit === true ? failing : store,
    clock: CLOCK,
  });
}

describe('the rules holder', () => {
  it('writes the file owner-only, leaves no temporary file, records who, then swaps', async () => {
    const rules = holder();
    await rules.replace(DENY_ALL, 'user:dave');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['holdfast.yaml']);
    expect(readFileSync(path, 'utf8')).toContain('default_verdict: deny');
    expect(rules.current().defaultVerdict).toBe('deny');
    expect(rules.config().rules).toEqual([]);
    expect(rules.config().limits.max_depth).toBe(32);
    expect(appended).toEqual([
      {
        at: CLOCK.now(),
        server: '',
        kind: 'config',
        data: {
          action: 'rules-replaced',
          by: 'user:dave',
          digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown,
          rules: 0,
        },
      },
    ]);
  });

  it('names each version of the rules by its digest: the same rules, the same digest', async () => {
    const rules = holder();
    await rules.replace(DENY_ALL, 'user:dave');
    await rules.replace(`# again\n${DENY_ALL}`, 'user:erin');
    await rules.replace('default_verdict: allow\n', 'user:erin');
    const digests = appended.map((e) => e.data['digest']);
    expect(digests[0]).toBe(digests[1]);
    expect(digests[2]).not.toBe(digests[0]);
  });

  it('puts the old file back and keeps the old rules when the audit entry cannot be written', async () => {
    const rules = holder({ failAudit: true });
    const error = await errorOf(() => rules.replace(DENY_ALL, 'user:dave'));
    expect(error).toBeInstanceOf(StoreError);
    expect(readFileSync(path, 'utf8')).toBe(CONFIG_TEXT);
    expect(rules.current().defaultVerdict).toBe('allow');
  });

  it('refuses to replace rules without a config file', async () => {
    const rules = holder({ path: undefined });
    const error = await errorOf(() => rules.replace(DENY_ALL, 'user:dave'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_UNREADABLE' });
    expect(appended).toEqual([]);
    expect(rules.yaml()).toContain('default_verdict: allow');
  });

  it.each([
    ['not YAML', 'rules: [', '(yaml)'],
    ['not a mapping', '- id: a\n', '(root)'],
    ['a key that is not a rules key', 'limits: { max_depth: 8 }\n', 'limits'],
  ])('refuses %s, listing the field', async (_what, text, field) => {
    const rules = holder();
    const error = await errorOf(() => rules.replace(text, 'user:dave'));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toContain(field);
    expect(readFileSync(path, 'utf8')).toBe(CONFIG_TEXT);
    expect(appended).toEqual([]);
  });

  it('runs replacements one at a time, in the order asked', async () => {
    const rules = holder();
    await Promise.all([
      rules.replace('default_verdict: deny\n', 'user:dave'),
      rules.replace('default_verdict: audit\n', 'user:erin'),
    ]);
    expect(appended.map((e) => e.data['by'])).toEqual(['user:dave', 'user:erin']);
    expect(rules.current().defaultVerdict).toBe('audit');
    expect(readFileSync(path, 'utf8')).toContain('default_verdict: audit');
  });

  it('shows the configuration itself once the file no longer says what is in force', () => {
    const rules = holder();
    expect(rules.yaml()).toContain('# Per-call rules');
    writeFileSync(path, 'default_verdict: deny\n');
    const text = rules.yaml();
    expect(text).not.toContain('# Per-call rules');
    expect(text).toContain('notes-review-sends');
    expect(text).toContain('default_verdict: allow');
  });
});
