import { describe, expect, it } from 'vitest';

import * as policy from './index.js';

describe('the policy folder', () => {
  it('exports the API the gateway and CLI use, and nothing else', () => {
    expect(Object.keys(policy).sort()).toEqual([
      'DEFAULT_POLICY_LIMITS',
      'DEFAULT_REASON',
      'DEFAULT_RULE_ID',
      'EGRESS_RULE_ID',
      'LIMITS_RULE_ID',
      'OPERATORS',
      'POLICY_CONFIG_SHAPE',
      'PolicyConfigSchema',
      'REDACTED',
      'RISK_RULE_ID',
      'TOO_LARGE_REASON',
      'VERDICTS',
      'applyRedactions',
      'checkEgress',
      'compilePolicy',
      'createOperatorTest',
      'evaluatePolicy',
      'explainPolicy',
      'findHosts',
      'parseEgressEntry',
      'parseGlob',
      'parseJsonPath',
      'selectNodes',
    ]);
  });
});
