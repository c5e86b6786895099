/**
 * I3: any internal error denies; it never forwards. Driven in process through the real
 * GatewaySession with a store that can be made to fail.
 */
import { describe, expect, it } from 'vitest';

import { StoreError } from '../../src/shared/errors.js';
import { createMemoryPinStore } from '../../src/store/index.js';
import { verifies } from '../requirements.js';
import { firstText } from '../support/holdfast.js';
import { wire } from '../support/wire.js';

describe('when the state store fails', () => {
  it(verifies('gate:fail-closed', 'denies a call instead of forwarding it'), async () => {
    await using w = await wire();
    await w.client.listTools(undefined, { cacheMode: 'bypass' });
    const ok = await w.client.callTool({ name: 'search_notes', arguments: { query: 'a' } });
    expect(firstText(ok)).toBe('found a');

    w.store.setFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    const before = w.upstreamMethods().filter((m) => m === 'tools/call').length;
    const denied = await w.client.callTool({ name: 'search_notes', arguments: { query: 'b' } });
    expect(denied.isError).toBe(true);
    expect(firstText(denied)).toMatch(/^holdfast deny: /);
    expect(w.upstreamMethods().filter((m) => m === 'tools/call').length).toBe(before);
  });

  it('answers a listing with an error instead of relaying unverified definitions', async () => {
    await using w = await wire();
    await w.client.listTools(undefined, { cacheMode: 'bypass' });
    w.store.setFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    await expect(w.client.listTools(undefined, { cacheMode: 'bypass' })).rejects.toThrow(
      /holdfast/,
    );
  });

  it('refuses other requests while the store is down', async () => {
    await using w = await wire();
    await w.client.listTools(undefined, { cacheMode: 'bypass' });
    w.store.setFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    await expect(
      w.client.getPrompt({ name: 'summarize', arguments: { topic: 'x' } }),
    ).rejects.toThrow(/holdfast/);
    expect(w.upstreamMethods()).not.toContain('prompts/get');
  });

  it('recovers once the store is back, without trusting anything new', async () => {
    await using w = await wire();
    await w.client.listTools(undefined, { cacheMode: 'bypass' });
    w.store.setFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    await w.client.callTool({ name: 'search_notes', arguments: { query: 'b' } });
    w.store.setFault(undefined);
    const ok = await w.client.callTool({ name: 'search_notes', arguments: { query: 'c' } });
    expect(firstText(ok)).toBe('found c');
    expect((await w.store.getServer('notes'))?.status).toBe('verified');
  });
});

describe('when the store fails before the first probe', () => {
  it('fails the initialize handshake and never baselines', async () => {
    const store = createMemoryPinStore();
    store.setFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    await expect(wire({ store })).rejects.toThrow(/holdfast/);
    store.setFault(undefined);
    expect(await store.getServer('notes')).toBeUndefined();
  });
});
