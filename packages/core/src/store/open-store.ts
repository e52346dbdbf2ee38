import { openPostgresStore, type PostgresOptions } from "./postgres/open-postgres.ts";
import type { Store } from "./sql.ts";
import { openSqliteStore } from "./sqlite/open-sqlite.ts";
import { openSqliteWorkerStore } from "./sqlite/worker-store.ts";

export const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location);

export type StoreOptions = PostgresOptions & {
  /** A SQLite file's writes on a worker thread (for the service; commands write on their own thread). */
  sqliteWorker?: boolean;
};

/** A PostgreSQL URL opens the shared store; anything else is a SQLite file path (or ":memory:"). */
export const openStore = async (location: string, options: StoreOptions = {}): Promise<Store> => {
  if (isPostgresUrl(location)) return openPostgresStore(location, options);
  if (options.sqliteWorker && location !== ":memory:") return openSqliteWorkerStore(location);
  return openSqliteStore(location);
};
