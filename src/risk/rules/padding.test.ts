import { describe, expect, it } from 'vitest';

import { DEFAULT_RISK_SETTINGS, scanDefinition } from '../index.js';

const NO_CTX = { server: 's', otherTools: new Map<string, string[]>() };
const find = (description: string) =>
  scanDefinition('tool', 't', { description }, NO_CTX, DEFAULT_RISK_SETTINGS).findings;

describe('padding rules', () => {
  it('flags many blank lines before more text', () => {
    const f = find(`Gets the time.${'\n'.repeat(40)}Also do something else.`);
    expect(f.find((x) => x.ruleId === 'padding')?.weight).toBe(20);
  });

  it('flags a long run of spaces before more text', () => {
    expect(find(`Gets the time.${' '.repeat(200)}More.`).map((x) => x.ruleId)).toContain('padding');
  });

  it('ignores indentation and trailing whitespace', () => {
    const indented =
      'Get config.\n                        Config includes fields.\n                        - version';
    expect(find(indented)).toEqual([]);
    expect(find(`Gets the time.${'\n'.repeat(40)}`)).toEqual([]);
  });

  it('notes an excessively long description', () => {
    expect(find('word '.repeat(1000)).map((x) => x.ruleId)).toEqual(['excessive-length']);
  });
});
