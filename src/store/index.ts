export type { MemoryPinStore, MemoryPinStoreOptions } from './memory/memory-pin-store.js';
export { createMemoryPinStore } from './memory/memory-pin-store.js';
export type { PinStore, PinUpdate } from './ports.js';
export { defaultDbPath, ensureHome } from './sqlite/home.js';
export type { SqlitePinStoreOptions } from './sqlite/sqlite-pin-store.js';
export { openSqlitePinStore } from './sqlite/sqlite-pin-store.js';
