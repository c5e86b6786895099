import { describe, expect, it } from 'vitest';

import { StoreError } from '../../src/shared/errors.js';
import { createMemoryStore } from '../../src/store/index.js';
import { anomalyEvent, sampleAnomaly, sampleProfile } from '../support/anomalies.js';
import { SAMPLE_TIME, sampleRecord } from '../support/records.js';
import { describeAuditStoreContract } from './audit-store.contract.js';
import { describeBehaviorStoreContract } from './behavior-store.contract.js';
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

describeBehaviorStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('memory behaviour store with a fault set', () => {
  const fault = new StoreError('STORE_UNAVAILABLE', 'injected fault');

  it('rejects every behaviour call with the fault, writing nothing, until it is cleared', async () => {
    const store = createMemoryStore();
    await store.putProfile('notes', 'search_notes', { calls: 1 }, SAMPLE_TIME);
    store.setFault(fault);

    await expect(store.getProfile('notes', 'search_notes')).rejects.toBe(fault);
    await expect(
      store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME),
    ).rejects.toBe(fault);
    await expect(store.recordAnomaly(sampleAnomaly(), anomalyEvent(sampleAnomaly()))).rejects.toBe(
      fault,
    );
    await expect(store.listAnomalies()).rejects.toBe(fault);

    store.setFault(undefined);
    expect(await store.getProfile('notes', 'search_notes')).toEqual({ calls: 1 });
    expect(await store.listAnomalies()).toEqual([]);
    expect((await store.auditHead()).size).toBe(0);
  });

  it('stores no anomaly when its audit entry fails, and still stores profiles', async () => {
    const store = createMemoryStore();
    store.setAuditFault(fault);
    await expect(store.recordAnomaly(sampleAnomaly(), anomalyEvent(sampleAnomaly()))).rejects.toBe(
      fault,
    );
    expect(await store.listAnomalies()).toEqual([]);
    await store.putProfile('notes', 'search_notes', sampleProfile(), SAMPLE_TIME);
    expect(await store.getProfile('notes', 'search_notes')).toEqual(sampleProfile());

    store.setAuditFault(undefined);
    expect(await store.recordAnomaly(sampleAnomaly(), anomalyEvent(sampleAnomaly()))).toBe(0);
    expect(await store.listAnomalies()).toEqual([sampleAnomaly()]);
  });

  it('rejects behaviour calls once closed', async () => {
    const store = createMemoryStore();
    await store.close();
    await expect(store.getProfile('notes', 'search_notes')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    await expect(store.listAnomalies()).rejects.toBeInstanceOf(StoreError);
  });
});
