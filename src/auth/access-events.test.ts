import { describe, expect, it } from 'vitest';

import { encodeEntry } from '../audit/entry.js';
import { toAccessEvent } from './access-events.js';
import { assertAccessEvent } from './records.js';

describe('toAccessEvent', () => {
  it('makes an access entry about no server, with action, actor and the given fields', () => {
    const event = toAccessEvent(1_000, 'user-role', 'cli:alice', {
      user: 'bob',
      role: 'admin',
      previous_role: 'viewer',
    });
    expect(event).toEqual({
      at: 1_000,
      server: '',
      kind: 'access',
      data: {
        action: 'user-role',
        by: 'cli:alice',
        user: 'bob',
        role: 'admin',
        previous_role: 'viewer',
      },
    });
    expect(() => encodeEntry(0, event)).not.toThrow();
  });

  it('leaves out fields that are not given', () => {
    const fields = { id: 'key_sample0000000001', name: undefined } as unknown as { id: string };
    expect(toAccessEvent(1, 'key-revoke', 'cli:a', fields).data).toEqual({
      action: 'key-revoke',
      by: 'cli:a',
      id: 'key_sample0000000001',
    });
  });
});

describe('assertAccessEvent', () => {
  const hash = 'ab'.repeat(32);

  it('accepts an access entry without the secrets', () => {
    expect(() => {
      assertAccessEvent(toAccessEvent(1, 'login', 'user:a', { user: 'a' }), [hash]);
    }).not.toThrow();
  });

  it('refuses another kind, and any field that contains a secret', () => {
    const call = { ...toAccessEvent(1, 'login', 'user:a'), kind: 'call' as const };
    expect(() => {
      assertAccessEvent(call, []);
    }).toThrow(RangeError);
    const leaky = toAccessEvent(1, 'key-create', 'cli:a', { label: `x${hash}x` });
    expect(() => {
      assertAccessEvent(leaky, [hash]);
    }).toThrow(RangeError);
  });
});
