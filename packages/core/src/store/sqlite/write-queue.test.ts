import { describe, expect, it } from "vitest";
import { openSqliteStore as openDatabase } from "./open-sqlite.ts";
import { createWriteQueue } from "./write-queue.ts";

const setup = () => {
  const database = openDatabase(":memory:");
  database.sqlite.exec("create table t (v text primary key)");
  const insert = database.sqlite.prepare("insert into t (v) values (?)");
  const values = () =>
    (database.sqlite.prepare("select v from t order by v").all() as { v: string }[]).map((r) => r.v);
  return { database, insert, values };
};

describe("write queue (group commit)", () => {
  it("commits the writes of concurrent calls together and answers each after the commit", async () => {
    const { database, insert, values } = setup();
    const committedAtAnswer: boolean[] = [];
    const calls = ["a", "b", "c", "d"].map((v) =>
      database.writes
        .run(() => insert.run(v))
        .then(() => committedAtAnswer.push(!database.sqlite.inTransaction)),
    );
    await Promise.all(calls);
    expect(values()).toEqual(["a", "b", "c", "d"]);
    expect(committedAtAnswer).toEqual([true, true, true, true]);
    expect(database.writes.stats.batches).toBe(1);
  });

  it("undoes only the failing call's writes", async () => {
    const { database, insert, values } = setup();
    const results = await Promise.allSettled([
      database.writes.run(() => insert.run("a")),
      database.writes.run(() => {
        insert.run("b");
        throw new Error("step failed");
      }),
      database.writes.run(() => insert.run("c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(values()).toEqual(["a", "c"]);
  });

  it("keeps a call's awaits inside its own turn", async () => {
    const { database, insert, values } = setup();
    const order: string[] = [];
    await Promise.all([
      database.writes
        .run(async () => {
          insert.run("a1");
          await Promise.resolve();
          order.push("a");
          insert.run("a2");
          throw new Error("roll back a1 and a2");
        })
        .catch(() => undefined),
      database.writes.run(() => {
        order.push("b");
        insert.run("b1");
      }),
    ]);
    expect(order).toEqual(["a", "b"]);
    expect(values()).toEqual(["b1"]);
  });

  it("starts a new batch for calls made after a commit", async () => {
    const { database, insert } = setup();
    await database.writes.run(() => insert.run("a"));
    await database.writes.run(() => insert.run("b"));
    expect(database.writes.stats.batches).toBe(2);
  });

  it("drains before the database closes", async () => {
    const { database, insert } = setup();
    const pending = database.writes.run(() => insert.run("a"));
    await database.close();
    await expect(pending).resolves.toBeDefined();
    expect(database.sqlite.open).toBe(false);
  });

  it("answers a call only after a WAL sync that began after its commit, and shares one sync among later batches", async () => {
    const sqlite = openDatabase(":memory:").sqlite;
    sqlite.exec("create table t (v text primary key)");
    const insert = sqlite.prepare("insert into t (v) values (?)");
    const syncs: (() => void)[] = [];
    const writes = createWriteQueue(sqlite, () => new Promise<void>((resolve) => syncs.push(resolve)));
    const answered: string[] = [];
    const first = writes.run(() => insert.run("a")).then(() => answered.push("a"));
    while (syncs.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // Committed and visible, but not answered until its sync is done, nor timed as a group commit.
    expect(sqlite.prepare("select count(*) as n from t").get()).toEqual({ n: 1 });
    expect(writes.stats.groupCommit.commitSeconds.count).toBe(0);
    const later = [writes.run(() => insert.run("b")), writes.run(() => insert.run("c"))].map((p, i) =>
      p.then(() => answered.push(["b", "c"][i] ?? "")),
    );
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toEqual([]);
    syncs.shift()?.();
    await first;
    expect(answered).toEqual(["a"]);
    expect(writes.stats.groupCommit.batchSizes).toMatchObject({ count: 1, sum: 1 });
    while (syncs.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(syncs).toHaveLength(1);
    syncs.shift()?.();
    await Promise.all(later);
    expect(answered.sort()).toEqual(["a", "b", "c"]);
    expect(writes.stats.syncs).toBe(2);
    expect(writes.stats.groupCommit.batchSizes).toMatchObject({ count: 2, sum: 3 });
  });

  it("fails the calls of a sync that fails, though their rows are committed", async () => {
    const sqlite = openDatabase(":memory:").sqlite;
    sqlite.exec("create table t (v text primary key)");
    const writes = createWriteQueue(sqlite, () => Promise.reject(new Error("EIO: the disk is gone")));
    await expect(writes.run(() => sqlite.prepare("insert into t (v) values ('a')").run())).rejects.toThrow(
      "EIO",
    );
  });
});
