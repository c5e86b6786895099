import { readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  CONFIG_SCHEMA_PATH,
  renderConfigJsonSchema,
  toConfigJsonSchema,
} from '../../scripts/config-schema.js';

const EXAMPLE = `
mode: enforce
default_verdict: allow
rules:
  - id: notes-no-foreign-callback
    priority: 10
    match: { server: notes, tool: "search*" }
    args_match:
      - { path: "$.callback_url", op: regex, value: "^https?://" }
      - { path: "$.callback_url", op: regex, value: "^https://notes\\\\.example/", not: true }
    verdict: deny
    reason: exfiltration-shaped callback_url
egress: { deny: ["169.254.0.0/16", "*.exfil.example"], allow: [] }
`;

describe('docs/holdfast.schema.json', () => {
  it('is what scripts/config-schema.ts generates (run it after changing the config schema)', async () => {
    const committed = readFileSync(CONFIG_SCHEMA_PATH, 'utf8');
    expect(JSON.parse(committed)).toEqual(toConfigJsonSchema());
    expect(committed).toBe(await renderConfigJsonSchema());
  });

  it('accepts a policy example and refuses unknown keys and verdicts', () => {
    const validate = new Ajv2020({ strict: false }).compile(toConfigJsonSchema());
    expect(validate(parse(EXAMPLE))).toBe(true);
    expect(validate({ rules: [{ id: 'r', verdict: 'block' }] })).toBe(false);
    expect(validate({ egress: { deny: [], blocked: [] } })).toBe(false);
    expect(validate({ polcy: {} })).toBe(false);
  });
});
