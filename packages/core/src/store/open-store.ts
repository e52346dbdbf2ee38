import { openPostgresStore, type PostgresOptions } from "./postgres/open-postgres.ts";
import type { Store } from "./sql.ts";
import { openSqliteStore } from "./sqlite/open-sqlite.ts";

export const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location);

/** A PostgreSQL URL opens the shared store; anything else is a SQLite file path (or ":memory:"). */
export const openStore = async (location: string, options: PostgresOptions = {}): Promise<Store> =>
  isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location);
