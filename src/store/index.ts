export { defaultDbPath, ensureHome } from './home.js';
export type { MemoryStore, MemoryStoreOptions } from './memory/memory-store.js';
export { createMemoryStore } from './memory/memory-store.js';
export type {
  Anomaly,
  AnomalyAction,
  AuditStore,
  BehaviorStore,
  CheckpointSigning,
  Hold,
  HoldResolution,
  HoldState,
  HoldStore,
  PinStore,
  PinUpdate,
  Store,
  StoredCheckpoint,
  StoredEntry,
  TreeHead,
} from './ports.js';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
