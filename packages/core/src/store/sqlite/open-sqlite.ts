import { type FileHandle, open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Sql, SqlParam, Store } from "../../ports/store.ts";
import { runsFromBundle } from "../bundle-layout.ts";
import { assertSchemaCurrent } from "../schema-version.ts";
import { createWriteQueue, type WriteQueue } from "./write-queue.ts";

export type SqliteStore = Store & {
  readonly dialect: "sqlite";
  /** The connection itself, for the SQLite-only tools (integrity checks, tests that tamper with the file). */
  readonly sqlite: Database.Database;
  readonly writes: WriteQueue;
};

const MIGRATIONS_FOLDER = fileURLToPath(
  runsFromBundle
    ? new URL("./migrations/sqlite", import.meta.url)
    : new URL("../../../migrations/sqlite", import.meta.url),
);
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

/**
 * Two processes starting on one new file race to migrate; drizzle's migrator reads before it writes, so the loser
 * gets SQLITE_BUSY at once instead of waiting. Retry until the winner has finished.
 */
const migrateExclusively = (sqlite: Database.Database) => {
  const db = drizzle(sqlite);
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

/** What drizzle's migrator has recorded in the file (nothing when it never ran). */
const appliedMigrations = (sqlite: Database.Database) => {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return { count: 0, newest: null };
  const row = sqlite
    .prepare("select count(*) as count, max(created_at) as newest from __drizzle_migrations")
    .get() as { count: number; newest: number | null };
  return { count: Number(row.count), newest: row.newest === null ? null : Number(row.newest) };
};

/** Statements prepared once per text: the send path runs a fixed handful, and preparing cost more than running. */
export const createSql = (sqlite: Database.Database): Sql => {
  const statements = new Map<string, Database.Statement>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  const none: readonly SqlParam[] = [];
  return {
    all: async <T>(text: string, params = none) => prepared(text).all(...params) as T[],
    get: async <T>(text: string, params = none) => prepared(text).get(...params) as T | undefined,
    run: async (text: string, params = none) => ({ changes: prepared(text).run(...params).changes }),
  };
};

/**
 * fdatasync of the WAL file, in the thread pool, through one handle kept for the connection's life: while this
 * connection is open SQLite never deletes or replaces the WAL file (each connection holds a shared lock on the
 * -shm file's "dead man switch", and only the last one to close removes the WAL), so the handle stays the file's.
 */
const walSync = (walPath: string) => {
  let handle: Promise<FileHandle> | undefined;
  const sync = async () => {
    handle ??= open(walPath, "r");
    try {
      await (await handle).datasync();
    } catch (error) {
      // Not opened, or failed: the next sync opens the file again.
      const failed = handle;
      handle = undefined;
      await (await failed.catch(() => undefined))?.close().catch(() => undefined);
      throw error;
    }
  };
  const close = async () => {
    const open = handle;
    handle = undefined;
    await (await open?.catch(() => undefined))?.close();
  };
  return { sync, close };
};

/** The connection is open and the file carries the migrator's table. */
export const isMigrated = (sqlite: Database.Database): boolean =>
  sqlite.open &&
  (
    sqlite
      .prepare(
        "select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'",
      )
      .get() as { n: number }
  ).n === 1;

export const isProcessAlive = (pid: number) => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * A SQLite file (or ":memory:") in WAL mode with synchronous=FULL, its committed migrations applied. Writes go
 * through the write queue: the transactions of concurrent calls share one IMMEDIATE transaction and one fsync.
 */
export const openSqliteStore = (
  path: string,
  options: { busyTimeoutMs?: number; migrate?: boolean } = {},
): SqliteStore => {
  const sqlite = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    assertSqliteVersion(sqlite);
    if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
    // Commits are made durable by the write queue's own WAL sync before anyone is answered (see write-queue.ts).
    sqlite.pragma(path === ":memory:" ? "synchronous = FULL" : "synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (options.migrate === false) assertSchemaCurrent(MIGRATIONS_FOLDER, appliedMigrations(sqlite));
    else migrateExclusively(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const sql = createSql(sqlite);
  const wal = path === ":memory:" ? undefined : walSync(`${path}-wal`);
  const writes = createWriteQueue(sqlite, wal?.sync);
  return {
    dialect: "sqlite",
    location: path,
    sqlite,
    writes,
    sql,
    transaction: (work) => writes.run(() => work(sql)),
    lockAuditChain: async () => undefined,
    ownerId: process.pid,
    // One file needs one host (WAL uses shared memory), so the owner's pid tells whether it still runs.
    isOwnerAlive: async (_sql, pid) => isProcessAlive(pid),
    async ready() {
      if (!sqlite.open) return false;
      const row = sqlite
        .prepare(
          "select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'",
        )
        .get() as { n: number };
      return row.n === 1;
    },
    get stats() {
      return {
        transactions: writes.stats.calls,
        commits: writes.stats.batches,
        syncs: writes.stats.syncs,
        groupCommit: writes.stats.groupCommit,
      };
    },
    async close() {
      await writes.drain();
      await wal?.close();
      sqlite.close();
    },
  };
};
