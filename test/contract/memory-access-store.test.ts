import { describe, expect, it } from 'vitest';

import { StoreError } from '../../src/shared/errors.js';
import { createMemoryStore } from '../../src/store/index.js';
import { accessEvent, keyId, sampleKey, sampleToken, sampleUser } from '../support/access.js';
import { SAMPLE_TIME } from '../support/records.js';
import { describeAccessStoreContract } from './access-store.contract.js';

describeAccessStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('memory access store with a fault set', () => {
  const fault = new StoreError('STORE_UNAVAILABLE', 'injected fault');
  const event = accessEvent('key-create');

  it('rejects every access call with the fault, writing nothing, until it is cleared', async () => {
    const store = createMemoryStore();
    store.setFault(fault);
    await expect(store.createAgentKey(sampleKey(), event)).rejects.toBe(fault);
    await expect(store.getAgentKey(keyId(1))).rejects.toBe(fault);
    await expect(store.listAgentKeys()).rejects.toBe(fault);
    await expect(store.revokeAgentKey(keyId(1), SAMPLE_TIME, event)).rejects.toBe(fault);
    await expect(store.putUser(sampleUser(), event)).rejects.toBe(fault);
    await expect(store.getUser('alice')).rejects.toBe(fault);
    await expect(store.listUsers()).rejects.toBe(fault);
    await expect(store.createUserToken(sampleToken(), event)).rejects.toBe(fault);
    await expect(store.getUserToken(sampleToken().id)).rejects.toBe(fault);
    await expect(store.listUserTokens()).rejects.toBe(fault);
    await expect(store.revokeUserToken(sampleToken().id, SAMPLE_TIME, event)).rejects.toBe(fault);

    store.setFault(undefined);
    expect(await store.listAgentKeys()).toEqual([]);
    expect(await store.listUsers()).toEqual([]);
    expect((await store.auditHead()).size).toBe(0);
  });

  it('stores no change when the audit log fails', async () => {
    const store = createMemoryStore();
    store.setAuditFault(fault);
    await expect(store.createAgentKey(sampleKey(), event)).rejects.toBe(fault);
    await expect(store.putUser(sampleUser(), event)).rejects.toBe(fault);
    expect(await store.listAgentKeys()).toEqual([]);
    expect(await store.listUsers()).toEqual([]);
  });

  it('rejects access calls once closed', async () => {
    const store = createMemoryStore();
    await store.close();
    await expect(store.listUsers()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
