import { describe, expect, it } from 'vitest';

import { DEFAULT_RISK_SETTINGS, toBand } from './index.js';
import type { RiskSettings } from './types.js';

describe('toBand', () => {
  it('maps scores to bands at inclusive lower thresholds', () => {
    const { medium, high, critical } = DEFAULT_RISK_SETTINGS.thresholds;
    expect(toBand(0, DEFAULT_RISK_SETTINGS)).toBe('low');
    expect(toBand(medium - 1, DEFAULT_RISK_SETTINGS)).toBe('low');
    expect(toBand(medium, DEFAULT_RISK_SETTINGS)).toBe('medium');
    expect(toBand(high - 1, DEFAULT_RISK_SETTINGS)).toBe('medium');
    expect(toBand(high, DEFAULT_RISK_SETTINGS)).toBe('high');
    expect(toBand(critical, DEFAULT_RISK_SETTINGS)).toBe('critical');
    expect(toBand(10_000, DEFAULT_RISK_SETTINGS)).toBe('critical');
  });

  it('follows configured thresholds', () => {
    const strict: RiskSettings = {
      ...DEFAULT_RISK_SETTINGS,
      thresholds: { medium: 1, high: 2, critical: 3 },
    };
    expect(toBand(1, strict)).toBe('medium');
    expect(toBand(2, strict)).toBe('high');
    expect(toBand(3, strict)).toBe('critical');
  });
});

describe('DEFAULT_RISK_SETTINGS', () => {
  it('allows low and medium, quarantines high and blocks critical', () => {
    expect(DEFAULT_RISK_SETTINGS.modes).toEqual({
      low: 'allow',
      medium: 'allow',
      high: 'quarantine',
      critical: 'block',
    });
  });

  it('orders its thresholds', () => {
    const { medium, high, critical } = DEFAULT_RISK_SETTINGS.thresholds;
    expect(0 < medium && medium < high && high < critical).toBe(true);
  });
});
