import { describe, expect, it } from 'vitest';

import type { JsonObject } from '../../surface/types.js';
import { mergeInitialize } from './merge-initialize.js';

const INFO = { name: 'holdfast', version: '1.0.0' };

function answer(member: string, protocolVersion: string, extra: JsonObject = {}) {
  return { member, protocolVersion, result: { protocolVersion, ...extra } };
}

describe('mergeInitialize', () => {
  it("keeps the client's version when every member agreed, else takes the lowest", () => {
    const agreed = [answer('a', '2025-11-25'), answer('b', '2025-11-25')];
    expect(mergeInitialize('2025-11-25', agreed, INFO).protocolVersion).toBe('2025-11-25');
    const split = [answer('a', '2025-11-25'), answer('b', '2025-03-26'), answer('c', '2025-06-18')];
    expect(mergeInitialize('2025-11-25', split, INFO).protocolVersion).toBe('2025-03-26');
  });

  it('unions the routable capabilities and drops the rest', () => {
    const merged = mergeInitialize(
      '2025-11-25',
      [
        answer('a', '2025-11-25', {
          capabilities: { tools: {}, resources: { subscribe: true }, experimental: { x: {} } },
        }),
        answer('b', '2025-11-25', {
          capabilities: { tools: { listChanged: true }, completions: {}, tasks: {} },
        }),
      ],
      INFO,
    );
    expect(merged.result['capabilities']).toEqual({
      tools: { listChanged: true },
      resources: { subscribe: true },
      completions: {},
    });
    expect(merged.result['serverInfo']).toEqual(INFO);
    expect(merged.result).not.toHaveProperty('instructions');
  });
});
