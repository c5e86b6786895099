import { describe, expect, it } from 'vitest';

import { StoreError } from '../../src/shared/errors.js';
import { createMemoryStore } from '../../src/store/index.js';
import { sampleRecord } from '../support/records.js';
import { describeAuditStoreContract } from './audit-store.contract.js';
import { describeHoldStoreContract } from './hold-store.contract.js';
import { describePinStoreContract } from './pin-store.contract.js';

describePinStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('memory pin store with a fault set', () => {
  const fault = new StoreError('STORE_UNAVAILABLE', 'injected fault');

  it('rejects every call with the fault until it is cleared', async () => {
    const store = createMemoryStore();
    await store.update('files', () => ({ record: sampleRecord('files'), events: [] }));
    store.setFault(fault);

    await expect(store.getServer('files')).rejects.toBe(fault);
    await expect(store.getStatus('files')).rejects.toBe(fault);
    await expect(store.listServers()).rejects.toBe(fault);
    await expect(store.listEvents()).rejects.toBe(fault);
    let isCalled = false;
    await expect(
      store.update('files', () => {
        isCalled = true;
        return undefined;
      }),
    ).rejects.toBe(fault);
    expect(isCalled).toBe(false);

    store.setFault(undefined);
    expect(await store.getStatus('files')).toEqual({ status: 'verified', revision: 1 });
  });

  it('fails from the start when created with failWith', async () => {
    const store = createMemoryStore({
      failWith: () => new StoreError('STORE_CORRUPT', 'injected corruption'),
    });
    const error: unknown = await store.getStatus('files').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
  });
});

describeAuditStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describeHoldStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
