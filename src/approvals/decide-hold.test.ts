import { describe, expect, it } from 'vitest';

import { createMemoryStore } from '../store/index.js';
import { decideHold } from './decide-hold.js';
import { createHold } from './hold.js';

const T0 = 1_767_225_600_000;
const INPUT = {
  server: 'notes',
  method: 'tools/call',
  name: 'send_note',
  principal: 'key:agent',
  definitionDigest: null,
  argsDigest: `sha256:${'f'.repeat(64)}`,
  ruleId: 'review-sends',
  reason: 'sending needs a human',
};

async function setUp(): Promise<{
  store: ReturnType<typeof createMemoryStore>;
  id: string;
}> {
  const store = createMemoryStore();
  const hold = createHold(INPUT, { now: () => T0 }, 60_000);
  await store.createHold(hold);
  return { store, id: hold.id };
}

describe('decideHold', () => {
  it('resolves a pending hold as asked', async () => {
    const { store, id } = await setUp();
    const decision = await decideHold(store, id, { state: 'denied', by: 'user:dave', at: T0 + 1 });
    expect(decision).toMatchObject({
      isResolved: true,
      wasPending: true,
      hold: { state: 'denied', resolvedBy: 'user:dave' },
    });
  });

  it('leaves a decided hold as it is, and reports who decided it', async () => {
    const { store, id } = await setUp();
    await decideHold(store, id, { state: 'denied', by: 'user:dave', at: T0 + 1 });
    const again = await decideHold(store, id, { state: 'approved', by: 'user:erin', at: T0 + 2 });
    expect(again).toMatchObject({
      isResolved: false,
      wasPending: false,
      hold: { state: 'denied', resolvedBy: 'user:dave' },
    });
  });

  it('records an expired hold as expired instead of approving it', async () => {
    const { store, id } = await setUp();
    const late = await decideHold(store, id, {
      state: 'approved',
      by: 'user:dave',
      at: T0 + 60_000,
    });
    expect(late).toMatchObject({ isResolved: false, wasPending: true, hold: { state: 'expired' } });
  });

  it('finds nothing for an unknown id, and never looks up a malformed one', async () => {
    const { store } = await setUp();
    const resolution = { state: 'approved', by: 'user:dave', at: T0 } as const;
    expect(await decideHold(store, 'hold_unknown', resolution)).toBeUndefined();
    store.setFault(new Error('must not be asked'));
    expect(await decideHold(store, '../etc/passwd', resolution)).toBeUndefined();
  });
});
