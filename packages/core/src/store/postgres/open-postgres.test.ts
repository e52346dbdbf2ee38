import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgresServer } from "../../../test/postgres-server.ts";
import { createPostgresDatabase } from "../../../test/test-stores.ts";
import { createReadCache } from "../../ports/read-cache.ts";
import { isStoreUnavailable, StoreUnavailableError, write } from "../../ports/store.ts";
import { openPostgresStore } from "./open-postgres.ts";

describe("PostgreSQL store", () => {
  it("lets several processes start on one new database together: one migrates, all open", async () => {
    const url = await createPostgresDatabase();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openPostgresStore(url, { poolSize: 2 })),
    );
    try {
      for (const store of stores) expect(await store.ready()).toBe(true);
      const applied = await stores[0]?.sql.get<{ n: number }>(
        'select count(*) as n from drizzle."__drizzle_migrations"',
      );
      expect(applied?.n).toBeGreaterThan(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("tells a live claim owner from a dead one, across processes", async () => {
    const url = await createPostgresDatabase();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    expect(a.ownerId).not.toBe(b.ownerId);
    expect(await b.isOwnerAlive(b.sql, a.ownerId)).toBe(true);
    const gone = a.ownerId;
    await a.close();
    expect(await b.isOwnerAlive(b.sql, gone)).toBe(false);
    // Asking does not keep the lock: the answer stays the same.
    expect(await b.isOwnerAlive(b.sql, gone)).toBe(false);
    expect(await b.isOwnerAlive(b.sql, b.ownerId)).toBe(true);
    await b.close();
  });

  it("rolls a transaction back when its work throws, and binds many parameters in order", async () => {
    const store = await openPostgresStore(await createPostgresDatabase());
    await expect(
      store.transaction(async (tx) => {
        await tx.run("insert into dealers (uuid, name, created_at) values (?, ?, ?)", ["d-1", "One", 1]);
        throw new Error("step failed");
      }),
    ).rejects.toThrow("step failed");
    expect(await store.sql.get("select uuid from dealers where uuid = ?", ["d-1"])).toBeUndefined();
    const row = await store.sql.get<Record<string, number>>(
      `select ${Array.from({ length: 12 }, (_, i) => `?::int as "p${i}"`).join(", ")}`,
      Array.from({ length: 12 }, (_, i) => i * 10),
    );
    expect(Object.values(row ?? {})).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
    await store.close();
  });

  it("groups transactions into shared commits, and a failing one undoes only its own writes", async () => {
    const store = await openPostgresStore(await createPostgresDatabase());
    const insert = (uuid: string, fail = false) =>
      store.transaction(
        async (tx) => {
          await tx.run("insert into dealers (uuid, name, created_at) values (?, ?, ?)", [uuid, uuid, 1]);
          if (fail) throw new Error(`no ${uuid}`);
          return uuid;
        },
        { grouped: true },
      );
    const before = store.stats.commits;
    const results = await Promise.allSettled(
      // The last one queued fails too: its savepoint is still open when the batch commits.
      Array.from({ length: 30 }, (_, i) => insert(`d-${i}`, i % 10 === 3 || i === 29)),
    );
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(4);
    const rows = await store.sql.all<{ uuid: string }>("select uuid from dealers order by uuid");
    expect(rows).toHaveLength(26);
    expect(rows.map((r) => r.uuid)).not.toContain("d-3");
    expect(rows.map((r) => r.uuid)).not.toContain("d-29");
    expect(rows.map((r) => r.uuid)).toContain("d-4");
    expect(store.stats.commits - before).toBeLessThan(30);
    await store.close();
  });

  it("reads counts and epoch milliseconds back as numbers", async () => {
    const store = await openPostgresStore(await createPostgresDatabase());
    const row = await store.sql.get<{ n: number; ms: number; total: number }>(
      "select count(*) as n, ?::bigint as ms, sum(x) as total from (values (1), (2)) as t(x)",
      [1_764_000_000_123],
    );
    expect(row).toEqual({ n: 2, ms: 1_764_000_000_123, total: 3 });
    await store.close();
  });
});

describe("PostgreSQL store when the server goes away", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    // Durable: the server is crashed on purpose, and what it acknowledged must still be there after.
    server = await startPostgresServer({ durable: true });
  });
  afterAll(() => server.destroy());

  it("answers StoreUnavailableError promptly while the server is down, and reconnects by itself", async () => {
    const store = await openPostgresStore(server.urlOf("postgres"), { connectTimeoutMs: 1000 });
    try {
      expect(await store.sql.get<{ one: number }>("select 1 as one")).toEqual({ one: 1 });
      server.stop("immediate");
      const started = performance.now();
      const read = await store.sql.get("select 1 as one").catch((error: unknown) => error);
      const tx = await store.transaction((t) => t.get("select 1 as one")).catch((error: unknown) => error);
      expect(read).toBeInstanceOf(StoreUnavailableError);
      expect(isStoreUnavailable(tx)).toBe(true);
      expect(await store.ready()).toBe(false);
      // Bounded by the connect timeout, never a hang.
      expect(performance.now() - started).toBeLessThan(10_000);
      server.start();
      expect(await store.sql.get<{ one: number }>("select 1 as one")).toEqual({ one: 1 });
      expect(await store.transaction((t) => t.get<{ one: number }>("select 1 as one"))).toEqual({ one: 1 });
      expect(await store.ready()).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe("PostgreSQL store: fewer round trips, same answers", () => {
  const dealer = (uuid: string) => [uuid, uuid, 1];
  const INSERT_DEALER = "insert into dealers (uuid, name, created_at) values (?, ?, ?)";

  it("joins deferred writes into few statements, shows them to a later read, and fails the transaction with any", async () => {
    const store = await openPostgresStore(await createPostgresDatabase());
    try {
      const seen = await store.transaction(async (tx) => {
        // More writes than one statement joins, and more parameters than the first holds.
        for (let i = 0; i < 40; i++) await write(tx, INSERT_DEALER, dealer(`d-${i}`));
        return tx.get<{ n: number }>("select count(*) as n from dealers");
      });
      expect(seen?.n).toBe(40);
      await expect(
        store.transaction(async (tx) => {
          await write(tx, INSERT_DEALER, dealer("d-new"));
          await write(tx, INSERT_DEALER, dealer("d-1")); // already there
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await store.sql.get("select uuid from dealers where uuid = ?", ["d-new"])).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("undoes only the grouped call whose deferred write fails, and commits the others", async () => {
    const store = await openPostgresStore(await createPostgresDatabase());
    try {
      await store.sql.run(INSERT_DEALER, dealer("taken"));
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.transaction(
            async (tx) => {
              await write(tx, INSERT_DEALER, dealer(`g-${i}`));
              if (i === 5) await write(tx, INSERT_DEALER, dealer("taken"));
              return i;
            },
            { grouped: true },
          ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(
        Array.from({ length: 12 }, (_, i) => (i === 5 ? "rejected" : "fulfilled")),
      );
      const rows = await store.sql.all<{ uuid: string }>("select uuid from dealers where uuid like 'g-%'");
      expect(rows.map((r) => r.uuid).sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `g-${i}`)
          .filter((u) => u !== "g-5")
          .sort(),
      );
    } finally {
      await store.close();
    }
  });

  it("hears another process's change to a cached table, and reads around the cache while it cannot hear", async () => {
    const url = await createPostgresDatabase();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    try {
      const loads: string[] = [];
      const read = createReadCache(
        a,
        async (uuid) => {
          loads.push(uuid);
          return (await a.sql.get<{ name: string }>("select name from dealers where uuid = ?", [uuid]))?.name;
        },
        { tables: ["dealers"] },
      );
      const notices: (string | undefined)[] = [];
      const heard = (table: string | undefined) =>
        new Promise<void>((resolve) =>
          a.changes?.listen((t) => {
            notices.push(t);
            if (t === table) resolve();
          }),
        );
      // The insert's own notice comes back too: heard before the first read, so it empties nothing after.
      const inserted = heard("dealers");
      await a.sql.run(INSERT_DEALER, dealer("dl-1"));
      await inserted;
      expect(await read("dl-1")).toBe("dl-1");
      expect(await read("dl-1")).toBe("dl-1");
      expect(loads).toEqual(["dl-1"]);

      const notice = heard("dealers");
      await b.sql.run("update dealers set name = ? where uuid = ?", ["renamed", "dl-1"]);
      await notice;
      expect(await read("dl-1")).toBe("renamed");
      expect(loads).toEqual(["dl-1", "dl-1"]);

      // A's listening connection is cut: until it is back, every read goes to the database.
      const lost = heard(undefined);
      await b.sql.get(
        "select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen payreq_changes' and pid <> pg_backend_pid() and datname = current_database() and backend_start < now()",
      );
      await lost;
      expect(a.changes?.listening).toBe(false);
      await read("dl-1");
      await read("dl-1");
      expect(loads).toHaveLength(4);
      await expect.poll(() => a.changes?.listening, { timeout: 10_000 }).toBe(true);
      await read("dl-1");
      await read("dl-1");
      expect(loads).toHaveLength(5);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
