/**
 * The store lifecycle every backend contract shares: each test gets a fresh, empty store from the
 * backend's factory, and the factory's cleanup runs after it.
 */
import { afterEach, beforeEach } from 'vitest';

import type { Store } from '../../src/store/index.js';

/** What a backend's test file hands a contract: a fresh, empty store and how to dispose of it. */
export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/**
 * Registers hooks in the enclosing `describe` that hand each test's fresh store from `makeStore`
 * to `use` before the test and clean it up after.
 */
export function useFreshStore(makeStore: MakeStore, use: (store: Store) => void): void {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  beforeEach(async () => {
    const made = await makeStore();
    cleanup = made.cleanup;
    use(made.store);
  });
  afterEach(async () => {
    await cleanup();
  });
}
