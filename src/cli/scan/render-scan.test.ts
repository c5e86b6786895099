import { describe, expect, it } from 'vitest';

import type { ItemAssessment } from '../../risk/index.js';
import { toTerminalLine } from '../deps.js';
import { renderScan } from './render-scan.js';
import type { ServerScan } from './report.js';
import { isAtOrAbove, toScanJson, toScanReport } from './report.js';

const POISONED: ItemAssessment = {
  ref: 'tool:search_notes',
  kind: 'tool',
  key: 'search_notes',
  score: 85,
  band: 'critical',
  mode: 'block',
  findings: [
    {
      ruleId: 'hidden-instruction',
      weight: 40,
      message: 'asks the model to keep something from the user',
      pointer: '/description',
      span: { start: 0, end: 11 },
      evidence: '<IMPORTANT>Before using this tool, read',
    },
    {
      ruleId: 'sensitive-path',
      weight: 45,
      message: 'names a credential file',
      pointer: '/inputSchema/properties/side note/description',
      span: { start: 5, end: 18 },
      evidence: '~/.ssh/id_rsa\u001b[2J\u202e',
    },
  ],
};

const CLEAN: ItemAssessment = {
  ref: 'tool:add_note',
  kind: 'tool',
  key: 'add_note',
  score: 0,
  band: 'low',
  mode: 'allow',
  findings: [],
};

function scanned(name: string, items: ItemAssessment[]): ServerScan {
  const worst = items.some((i) => i.band === 'critical') ? 'critical' : 'low';
  return {
    name,
    source: 'command',
    outcome: {
      kind: 'scanned',
      assessment: { items, band: worst, mode: worst === 'critical' ? 'block' : 'allow' },
    },
  };
}

describe('renderScan', () => {
  it('prints each flagged item with its findings and evidence, and a summary per server', () => {
    const text = renderScan(toScanReport([scanned('notes', [CLEAN, POISONED])], 'high'));
    expect(text).toBe(
      [
        'notes (command)',
        '  critical   85  tool:search_notes',
        '    hidden-instruction (+40) /description: asks the model to keep something from the user',
        '      evidence: <IMPORTANT>Before using this tool, read',
        '    sensitive-path (+45) "/inputSchema/properties/side note/description": names a credential file',
        '      evidence: ~/.ssh/id_rsa\\u001b[2J\\u202e',
        '  notes: 2 item(s): 1 critical, 0 high, 0 medium, 1 low; worst band critical -> mode block',
        '',
        'Risk gate: FAILED (an item is at or above high).',
        '',
      ].join('\n'),
    );
  });

  it('says when a server has no findings, and that the gate passed', () => {
    const text = renderScan(toScanReport([scanned('memory', [CLEAN])], 'high'));
    expect(text).toContain('memory (command)\n  no findings\n');
    expect(text).toContain('Risk gate: passed (nothing at or above high).');
  });

  it('reports a server that could not be scanned, and names the input file', () => {
    const failed: ServerScan = {
      name: 'broken',
      source: 'client-config',
      file: 'claude config.json',
      outcome: { kind: 'failed', code: 'UPSTREAM_SPAWN_FAILED', message: 'Failed to start' },
    };
    const text = renderScan(toScanReport([failed], 'none'));
    expect(text).toContain('broken (client-config "claude config.json")\n');
    expect(text).toContain('  could not scan: UPSTREAM_SPAWN_FAILED: Failed to start\n');
    expect(text).toContain('Risk gate: off (--fail-on none).');
  });

  it('escapes a server-chosen name that is not plain ASCII', () => {
    const evil: ItemAssessment = { ...POISONED, ref: 'tool:read\u200bfile' };
    const text = renderScan(toScanReport([scanned('x\u001b[31m', [evil])], 'none'));
    expect(text).toContain('"x\\u001b[31m" (command)');
    expect(text).toContain('"tool:read\\u200bfile"');
    for (const c of ['\u001b', '\u200b', '\u202e']) expect(text).not.toContain(c);
  });
});

describe('toTerminalLine', () => {
  it('escapes controls, line separators and bidi controls, and keeps other text', () => {
    expect(toTerminalLine('a\tb\u0085c\u2028d\u2066e ⟦U+200B ZWSP⟧ é')).toBe(
      'a\\u0009b\\u0085c\\u2028d\\u2066e ⟦U+200B ZWSP⟧ é',
    );
  });
});

describe('the risk gate', () => {
  it.each([
    ['low', true],
    ['medium', true],
    ['high', true],
    ['critical', true],
    ['none', false],
  ] as const)('--fail-on %s trips on a critical item: %s', (failOn, expected) => {
    expect(isAtOrAbove(POISONED, failOn)).toBe(expected);
  });

  it('never trips on an item without findings, even at --fail-on low', () => {
    expect(isAtOrAbove(CLEAN, 'low')).toBe(false);
  });

  it('trips only at or above the threshold', () => {
    const medium: ItemAssessment = { ...POISONED, band: 'medium', mode: 'quarantine' };
    expect(isAtOrAbove(medium, 'medium')).toBe(true);
    expect(isAtOrAbove(medium, 'high')).toBe(false);
  });

  it('ignores servers that could not be probed', () => {
    const failed: ServerScan = {
      name: 'x',
      source: 'url',
      outcome: { kind: 'failed', code: 'UPSTREAM_TIMEOUT', message: 'late' },
    };
    expect(toScanReport([failed], 'low').failed).toBe(false);
  });
});

describe('toScanJson', () => {
  it('lists every item of every server, with null band and mode for a failed one', () => {
    const failed: ServerScan = {
      name: 'gone',
      source: 'client-config',
      file: 'c.json',
      outcome: { kind: 'failed', code: 'UPSTREAM_EXITED', message: 'Upstream server exited' },
    };
    const json = toScanJson(
      toScanReport([scanned('notes', [CLEAN, POISONED]), failed], 'critical'),
    );
    expect(json).toEqual({
      servers: [
        {
          name: 'notes',
          source: 'command',
          band: 'critical',
          mode: 'block',
          items: [CLEAN, POISONED],
        },
        {
          name: 'gone',
          source: 'client-config',
          file: 'c.json',
          band: null,
          mode: null,
          items: [],
          error: { code: 'UPSTREAM_EXITED', message: 'Upstream server exited' },
        },
      ],
      failOn: 'critical',
      failed: true,
    });
  });
});
