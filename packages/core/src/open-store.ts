import type { Store } from "./ports/store.ts";
import { runsFromBundle } from "./store/bundle-layout.ts";
import { openPostgresStore, type PostgresOptions } from "./store/postgres/open-postgres.ts";
import { openSqliteStore } from "./store/sqlite/open-sqlite.ts";
import { openSqliteWorkerStore } from "./store/sqlite/worker-store.ts";

export const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location);

/** The SQLite worker thread's script: the bundled one in the build, else the sources through tsx's loader. */
export const SQLITE_WORKER_SCRIPT = runsFromBundle
  ? new URL("./sqlite-worker.mjs", import.meta.url)
  : new URL("./sqlite-worker-entry.mjs", import.meta.url);

export type StoreOptions = PostgresOptions & {
  /** A SQLite file's writes on a worker thread (for the service; commands write on their own thread). */
  sqliteWorker?: boolean;
  /** false (PAYREQ_MIGRATE=off): apply no migration, and refuse a database whose schema is older than the code. */
  migrate?: boolean;
};

/** A PostgreSQL URL opens the shared store; anything else is a SQLite file path (or ":memory:"). */
export const openStore = async (location: string, options: StoreOptions = {}): Promise<Store> => {
  if (isPostgresUrl(location)) return openPostgresStore(location, options);
  if (options.sqliteWorker && location !== ":memory:") {
    return openSqliteWorkerStore(location, { script: SQLITE_WORKER_SCRIPT, migrate: options.migrate });
  }
  return openSqliteStore(location, { migrate: options.migrate });
};
