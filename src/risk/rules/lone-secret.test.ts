import { describe, expect, it } from 'vitest';

import type { RuleHit } from '../rule.js';
import { dampLoneSecrets, LONE_SECRET_CAP } from './lone-secret.js';

const hit = (ruleId: string, weight: number, facet?: RuleHit['facet']): RuleHit => ({
  ruleId,
  weight,
  message: ruleId,
  pointer: '/description',
  span: { start: 0, end: 0 },
  ...(facet === undefined ? {} : { facet }),
});
const total = (hits: readonly RuleHit[]): number => hits.reduce((sum, h) => sum + h.weight, 0);

describe('dampLoneSecrets', () => {
  it('keeps secrets named alone below high', () => {
    const hits = [
      hit('sensitive-path', 25, 'secret'),
      hit('sensitive-path', 12, 'secret'),
      hit('secret-request', 12, 'secret'),
    ];
    expect(total(dampLoneSecrets(hits))).toBe(LONE_SECRET_CAP);
  });

  it('leaves the weights alone once another facet meets the secret', () => {
    const hits = [
      hit('sensitive-path', 25, 'secret'),
      hit('secret-request', 20, 'secret'),
      hit('send-to-destination', 15, 'sink'),
    ];
    expect(total(dampLoneSecrets(hits))).toBe(60);
  });

  it('does not damp rules outside the sensitive-target family', () => {
    const hits = [hit('credential-phishing', 30, 'secret'), hit('sensitive-path', 25, 'secret')];
    expect(total(dampLoneSecrets(hits))).toBe(55);
  });
});
