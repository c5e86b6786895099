import { describe, expect, it } from 'vitest';

import { DEFAULT_RISK_SETTINGS, scanDefinition } from '../index.js';

const NO_CTX = { server: 's', otherTools: new Map<string, string[]>() };
const ruleIds = (description: string, name = 't'): string[] =>
  scanDefinition('tool', name, { name, description }, NO_CTX, DEFAULT_RISK_SETTINGS).findings.map(
    (f) => f.ruleId,
  );

describe('homoglyph rules', () => {
  it('flags a Latin word with a Cyrillic look-alike letter', () => {
    expect(ruleIds('Visit p\u0430ypal to pay.')).toContain('homoglyph');
  });

  it('weighs a spoofed name more than prose', () => {
    const a = scanDefinition(
      'tool',
      're\u0430d_file',
      { name: 're\u0430d_file' },
      NO_CTX,
      DEFAULT_RISK_SETTINGS,
    );
    expect(a.findings.find((f) => f.ruleId === 'homoglyph')?.weight).toBe(35);
  });

  it('flags fullwidth and mathematical letters', () => {
    expect(ruleIds('Say ｈｅｌｌｏ.')).toContain('fullwidth-text');
    expect(ruleIds('Say 𝐡𝐞𝐥𝐥𝐨.')).toContain('math-alphanumerics');
  });

  it.each([
    ['Russian prose', 'Привет! Это обычное сообщение.'],
    ['a Greek letter that imitates nothing', 'Measures TNFα and IFNγ levels.'],
    ['accented Latin', 'Lit le café résumé.'],
    ['Japanese', 'ファイルを読み込む。'],
  ])('does not flag %s', (_label, description) => {
    expect(ruleIds(description)).toEqual([]);
  });
});
