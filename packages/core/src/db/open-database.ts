import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.ts";
import { createWriteQueue, type WriteQueue } from "./write-queue.ts";

export type Db = BetterSQLite3Database<typeof schema>;

export type PayreqDatabase = {
  readonly sqlite: Database.Database;
  readonly db: Db;
  /** Every write goes through here: one IMMEDIATE transaction per tick, each caller resolved after its commit. */
  readonly writes: WriteQueue;
  readonly path: string;
  close(): Promise<void>;
};

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));
const MIN_SQLITE_VERSION = [3, 51, 3];

const assertSqliteVersion = (sqlite: Database.Database) => {
  const version = (sqlite.prepare("select sqlite_version() as v").get() as { v: string }).v;
  const parts = version.split(".").map(Number);
  for (let i = 0; i < MIN_SQLITE_VERSION.length; i++) {
    const have = parts[i] ?? 0;
    const need = MIN_SQLITE_VERSION[i] ?? 0;
    if (have > need) return;
    if (have < need)
      throw new Error(`SQLite ${version} is too old: ${MIN_SQLITE_VERSION.join(".")} or later is needed`);
  }
};

/** Opens a database file (or ":memory:"), sets the pragmas, applies the committed migrations. */
export const openDatabase = (path: string, options: { busyTimeoutMs?: number } = {}): PayreqDatabase => {
  const sqlite = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    assertSqliteVersion(sqlite);
    if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    const db = drizzle(sqlite, { schema });
    migrateExclusively(sqlite, db);
    const writes = createWriteQueue(sqlite);
    return {
      sqlite,
      db,
      writes,
      path,
      async close() {
        await writes.drain();
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
};

/**
 * Two processes starting on one new file race to migrate; drizzle's migrator reads before it writes, so the loser
 * gets SQLITE_BUSY at once instead of waiting. Retry until the winner has finished.
 */
const migrateExclusively = (sqlite: Database.Database, db: Db) => {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith("SQLITE_BUSY");
      if (!busy || attempt >= 50) throw error;
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * attempt);
    }
  }
};

export const isMigrated = (database: PayreqDatabase): boolean => {
  const row = database.sqlite
    .prepare("select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get() as { n: number };
  return row.n === 1;
};
