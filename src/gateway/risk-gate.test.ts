import { describe, expect, it } from 'vitest';

import type { ServerRecord } from '../pinning/types.js';
import type { ItemRisk } from '../risk/ratchet.js';
import { decideRisk } from './risk-gate.js';

const item = (mode: ItemRisk['mode']): ItemRisk => ({
  digest: `sha256:${'1'.repeat(64)}`,
  score: 60,
  band: 'high',
  mode,
  source: 'scan',
  by: null,
  reviewed: null,
});

const record = (items: Record<string, ItemRisk>): ServerRecord => ({
  name: 'notes',
  status: 'verified',
  revision: 1,
  baseline: null,
  observed: null,
  reason: '',
  updatedAt: 0,
  risk: { items },
});

const callOf = (name: string) => ({ method: 'tools/call', params: { name } });

describe('the risk gate', () => {
  it('denies a blocked tool', () => {
    expect(decideRisk('notes', record({ 'tool:a': item('block') }), callOf('a'))).toMatchObject({
      kind: 'deny',
      code: 'RISK_BLOCKED',
    });
  });

  it('returns the mode of a quarantined or allowed tool', () => {
    expect(
      decideRisk('notes', record({ 'tool:a': item('quarantine') }), callOf('a')),
    ).toMatchObject({ kind: 'assessed', mode: 'quarantine', ref: 'tool:a' });
  });

  it('fails closed for a tool or prompt without an assessment', () => {
    expect(decideRisk('notes', record({}), callOf('a'))).toMatchObject({
      code: 'RISK_UNASSESSED',
    });
    expect(
      decideRisk('notes', undefined, { method: 'prompts/get', params: { name: 'p' } }),
    ).toMatchObject({ code: 'RISK_UNASSESSED' });
  });

  it('leaves resources read through a template, and requests naming nothing, to the rules', () => {
    const read = { method: 'resources/read', params: { uri: 'notes://1' } };
    expect(decideRisk('notes', record({}), read)).toBeUndefined();
    expect(
      decideRisk('notes', record({}), { method: 'completion/complete', params: {} }),
    ).toBeUndefined();
    const listed = record({ 'resource:notes://1': item('block') });
    expect(decideRisk('notes', listed, read)).toMatchObject({ code: 'RISK_BLOCKED' });
  });
});
