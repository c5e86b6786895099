/**
 * I3: any internal error denies; it never forwards. Driven in process through the real
 * GatewaySession with a store that can be made to fail.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_BEHAVIOR_SETTINGS } from '../../src/behavior/index.js';
import { defaultConfig } from '../../src/config/load.js';
import { AuditError, StoreError } from '../../src/shared/errors.js';
import { createMemoryStore } from '../../src/store/index.js';
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
    const store = createMemoryStore();
    store.setFault(new StoreError('STORE_UNAVAILABLE', 'disk gone'));
    await expect(wire({ store })).rejects.toThrow(/holdfast/);
    store.setFault(undefined);
    expect(await store.getServer('notes')).toBeUndefined();
  });
});

describe('when the first probes fail', () => {
  it('denies calls while they fail and serves again once a probe succeeds (never wedged)', async () => {
    const store = createMemoryStore();
    const update = store.update.bind(store);
    let failures = 2; // the initial probe and the retry on the first call
    store.update = (name, fn) =>
      failures-- > 0
        ? Promise.reject(new StoreError('STORE_UNAVAILABLE', 'busy'))
        : update(name, fn);
    await using w = await wire({ store });
    const first = await w.client.callTool({ name: 'search_notes', arguments: { query: 'a' } });
    expect(first.isError).toBe(true);
    expect(w.upstreamMethods()).not.toContain('tools/call');
    const second = await w.client.callTool({ name: 'search_notes', arguments: { query: 'b' } });
    expect(firstText(second)).toBe('found b');
  });
});

describe('when only the audit log fails', () => {
  const fault = new AuditError('AUDIT_UNAVAILABLE', 'disk full');

  it(
    verifies(
      'audit:fail-closed',
      'refuses a call and a prompt it cannot record, forwarding neither',
    ),
    async () => {
      await using w = await wire();
      await w.client.listTools(undefined, { cacheMode: 'bypass' });
      w.store.setAuditFault(fault);
      const denied = await w.client.callTool({ name: 'search_notes', arguments: { query: 'b' } });
      expect(denied.isError).toBe(true);
      expect(denied._meta).toEqual({ 'holdfast/deny': { code: 'AUDIT_UNAVAILABLE' } });
      await expect(
        w.client.getPrompt({ name: 'summarize', arguments: { topic: 'x' } }),
      ).rejects.toThrow(/audit log/);
      expect(w.upstreamMethods()).not.toContain('tools/call');
      expect(w.upstreamMethods()).not.toContain('prompts/get');
    },
  );

  it('withholds a result it cannot record, and relays again once the log is back', async () => {
    await using w = await wire();
    await w.client.listTools(undefined, { cacheMode: 'bypass' });
    // The decision entry is written; the result entry is not.
    const original = w.store.appendAudit.bind(w.store);
    let appends = 0;
    w.store.appendAudit = (events) => (++appends === 1 ? original(events) : Promise.reject(fault));
    await expect(
      w.client.callTool({ name: 'search_notes', arguments: { query: 'hidden-result' } }),
    ).rejects.toThrow(/withheld/);
    expect(w.upstreamMethods()).toContain('tools/call');

    w.store.appendAudit = original;
    const ok = await w.client.callTool({ name: 'search_notes', arguments: { query: 'c' } });
    expect(firstText(ok)).toBe('found c');
  });
});

describe('when a result check fails', () => {
  it(
    verifies('behavior:fail-closed', 'withholds the result when the output scanner throws'),
    async () => {
      await using w = await wire({
        behavior: {
          settings: DEFAULT_BEHAVIOR_SETTINGS,
          actions: defaultConfig().behavior.actions,
          scanner: () => {
            throw new Error('scanner bug');
          },
        },
      });
      await w.client.listTools(undefined, { cacheMode: 'bypass' });
      const withheld = await w.client.callTool({ name: 'search_notes', arguments: { query: 'a' } });
      expect(withheld.isError).toBe(true);
      expect(firstText(withheld)).toMatch(/^holdfast withheld: /);
      expect(firstText(withheld)).not.toContain('found a');
      expect(withheld._meta?.['holdfast/withheld']).toEqual({ code: 'BEHAVIOR_CHECK_FAILED' });
      expect(w.upstreamMethods()).toContain('tools/call');
    },
  );

  it('withholds the result when the anomaly cannot be recorded', async () => {
    const store = createMemoryStore();
    await using w = await wire({
      store,
      behavior: {
        settings: DEFAULT_BEHAVIOR_SETTINGS,
        actions: defaultConfig().behavior.actions,
        // Runs after the call's decision entry: from here on the log refuses every append.
        scanner: () => {
          store.setAuditFault(new AuditError('AUDIT_UNAVAILABLE', 'disk full'));
          return [
            {
              ruleId: 'output-instruction',
              weight: 50,
              message: 'instruction-like text',
              pointer: '',
              span: { start: 0, end: 0 },
              evidence: 'ignore previous instructions',
            },
          ];
        },
      },
    });
    await w.client.listTools(undefined, { cacheMode: 'bypass' });
    await expect(
      w.client.callTool({ name: 'search_notes', arguments: { query: 'a' } }),
    ).rejects.toThrow(/withheld/);
    expect(w.upstreamMethods()).toContain('tools/call');
    expect(await store.listAnomalies()).toEqual([]);
  });
});
