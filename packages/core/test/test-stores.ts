import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, inject } from "vitest";
import type { Store } from "../src/ports/store.ts";
import { openPostgresStore, type PostgresStore } from "../src/store/postgres/open-postgres.ts";
import { openSqliteStore } from "../src/store/sqlite/open-sqlite.ts";
import { TEMPLATE_DATABASE } from "./postgres-global-setup.ts";

/** Every suite that touches storage runs on both stores. */
export const TEST_STORES = ["sqlite", "postgres"] as const;
export type TestStoreKind = (typeof TEST_STORES)[number];

let admin: pg.Client | undefined;
const opened: Store[] = [];

afterAll(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close().catch(() => undefined)));
  await admin?.end();
  admin = undefined;
});

/** A new, empty database on the run's PostgreSQL server, migrated unless told otherwise; its URL. */
export const createPostgresDatabase = async (options: { migrated?: boolean } = {}): Promise<string> => {
  const adminUrl = inject("postgresAdminUrl");
  if (!admin) {
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
  }
  const name = `t_${process.pid}_${randomBytes(6).toString("hex")}`;
  await admin.query(
    options.migrated === false
      ? `create database ${name}`
      : `create database ${name} template ${TEMPLATE_DATABASE}`,
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** A fresh store of the kind: an in-memory SQLite database, or a new PostgreSQL database (closed after the file). */
export const openTestStore = async (kind: TestStoreKind = "sqlite"): Promise<Store> => {
  if (kind === "sqlite") return openSqliteStore(":memory:");
  const store: PostgresStore = await openPostgresStore(await createPostgresDatabase(), { poolSize: 4 });
  opened.push(store);
  return store;
};

/**
 * Two stores on one new database, as two processes would have: a SQLite file in a temporary folder, or one
 * PostgreSQL database. Both are closed after the file.
 */
export const openTestStorePair = async (kind: TestStoreKind): Promise<[Store, Store]> => {
  if (kind === "sqlite") {
    const path = join(mkdtempSync(join(tmpdir(), "payreq-pair-")), "payreq.db");
    const pair: [Store, Store] = [openSqliteStore(path), openSqliteStore(path)];
    opened.push(...pair);
    return pair;
  }
  const url = await createPostgresDatabase();
  const pair: [Store, Store] = [
    await openPostgresStore(url, { poolSize: 4 }),
    await openPostgresStore(url, { poolSize: 4 }),
  ];
  opened.push(...pair);
  return pair;
};
