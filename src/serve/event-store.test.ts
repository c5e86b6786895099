import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';

import { SessionEventStore } from './event-store.js';

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 't', progress: n },
});

async function replay(store: SessionEventStore, after: string): Promise<[string, number][]> {
  const sent: [string, number][] = [];
  const stream = await store.replayEventsAfter(after, {
    send: (_id, message) => {
      sent.push(['sent', (message as unknown as { params: { progress: number } }).params.progress]);
      return Promise.resolve();
    },
  });
  return [[stream, -1], ...sent];
}

describe('SessionEventStore', () => {
  it('replays the events of the same stream after the last one seen, in order', async () => {
    const store = new SessionEventStore(100);
    const first = await store.storeEvent('s1', note(1));
    await store.storeEvent('s2', note(2));
    await store.storeEvent('s1', note(3));
    await store.storeEvent('s1', note(4));
    expect(await replay(store, first)).toEqual([
      ['s1', -1],
      ['sent', 3],
      ['sent', 4],
    ]);
    expect(await store.getStreamIdForEventId(first)).toBe('s1');
  });

  it('forgets the oldest events beyond its bound, and refuses ids it no longer has', async () => {
    const store = new SessionEventStore(3);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) ids.push(await store.storeEvent('s', note(i)));
    await expect(replay(store, ids[0] ?? '')).rejects.toThrow(/unknown or expired/);
    expect(await replay(store, ids[4997] ?? '')).toEqual([
      ['s', -1],
      ['sent', 4998],
      ['sent', 4999],
    ]);
  });

  it("never accepts another store's event ids", async () => {
    const mine = new SessionEventStore(10);
    const theirs = new SessionEventStore(10);
    await mine.storeEvent('s', note(1));
    const foreign = await theirs.storeEvent('s', note(1));
    await expect(replay(mine, foreign)).rejects.toThrow();
    expect(await mine.getStreamIdForEventId(foreign)).toBeUndefined();
    expect(await mine.getStreamIdForEventId('garbage')).toBeUndefined();
  });
});
