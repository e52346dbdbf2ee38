import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteStore as openDatabase } from "./open-sqlite.ts";

const tempFile = () => join(mkdtempSync(join(tmpdir(), "payreq-db-")), "test.db");

describe("openSqliteStore", () => {
  it("opens a file with WAL, foreign keys and a busy timeout, migrated; commits are synced by the write queue", async () => {
    const database = openDatabase(tempFile());
    try {
      const { sqlite } = database;
      expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      // NORMAL: COMMIT does not wait for the disk; the write queue syncs the WAL before answering anyone.
      expect(sqlite.pragma("synchronous", { simple: true })).toBe(1);
      await database.transaction(async (tx) => {
        await tx.run("insert into dealers (uuid, name, created_at) values ('d', 'D', 0)");
      });
      expect(database.writes.stats.syncs).toBe(1);
      expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
      expect(await database.ready()).toBe(true);
      const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all() as {
        name: string;
      }[];
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(["dealer_orders", "invoices", "audit_log", "outbox"]),
      );
    } finally {
      await database.close();
    }
  });

  it("reopens an existing file without migrating twice", async () => {
    const file = tempFile();
    await openDatabase(file).close();
    const again = openDatabase(file);
    const applied = again.sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as {
      n: number;
    };
    expect(applied.n).toBeGreaterThan(0);
    await again.close();
  });

  it("opens :memory: for tests", async () => {
    const database = openDatabase(":memory:");
    expect(await database.ready()).toBe(true);
    await database.close();
  });

  it("enforces foreign keys", async () => {
    const database = openDatabase(":memory:");
    expect(() =>
      database.sqlite
        .prepare(
          "insert into departments (uuid, dealer_uuid, name, created_at) values ('d', 'no-such-dealer', 'x', 0)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    await database.close();
  });
});
