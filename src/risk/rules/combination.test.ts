import { describe, expect, it } from 'vitest';

import type { RuleHit } from '../rule.js';
import { combinationHit } from './combination.js';

const hit = (facet: RuleHit['facet'], weight = 10): RuleHit => ({
  ruleId: 'x',
  weight,
  message: 'm',
  pointer: '',
  span: { start: 0, end: 0 },
  ...(facet === undefined ? {} : { facet }),
});

describe('combination', () => {
  it('adds nothing for a single facet', () => {
    expect(combinationHit([hit('directive'), hit('directive')])).toBeUndefined();
    expect(combinationHit([hit('secret')])).toBeUndefined();
  });

  it('scores an instruction that meets a secret and a destination', () => {
    const c = combinationHit([hit('directive'), hit('secret'), hit('sink')]);
    expect(c?.weight).toBe(50);
    expect(c?.message).toContain('directive + secret + sink');
  });

  it('scores concealment with anything else', () => {
    expect(combinationHit([hit('concealment'), hit('cross-tool')])?.weight).toBe(15);
  });

  it('ignores hits whose weight was capped to zero', () => {
    expect(combinationHit([hit('directive'), hit('secret', 0)])).toBeUndefined();
  });
});
