export { writeFileAtomic } from './atomic.js';
export { type Catalog, type CatalogEntry, type CatalogServer, type EntryKind, entryId } from './catalog.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export { type ImportProblem, parseImportFile, parseServersFile } from './import-file.js';
export { type LastRun, loadLastRun } from './last-run.js';
export { openStore, storeLocation } from './open.js';
export { dbFile, openSqliteStore } from './sqlite.js';
export type {
  ChangeRecord,
  ChangeRef,
  ImportResult,
  ImportServer,
  RunChanges,
  RunSummary,
  Store,
  StoredServer,
} from './store.js';
