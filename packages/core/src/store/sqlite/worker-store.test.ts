import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { ERRORS } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { sunriseBody } from "../../../test/helpers.ts";
import { PayreqError } from "../../domain/errors.ts";
import { SQLITE_WORKER_SCRIPT } from "../../open-store.ts";
import type { Store } from "../../ports/store.ts";
import { StoreUnavailableError } from "../../ports/store.ts";
import { sendPaymentRequest } from "../../send/send-payment-request.ts";
import { createTestCore, testMeta } from "../../testing.ts";
import { openSqliteWorkerStore } from "./worker-store.ts";

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

const open = async (onWorker?: (worker: Worker) => void) => {
  const store = await openSqliteWorkerStore(
    join(mkdtempSync(join(tmpdir(), "payreq-worker-")), "payreq.db"),
    { script: SQLITE_WORKER_SCRIPT, onWorker },
  );
  stores.push(store);
  return store;
};

const setup = async (onWorker?: (worker: Worker) => void) => {
  const t = await createTestCore({ store: await open(onWorker) });
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const send = (body: unknown, meta = testMeta()) =>
    sendPaymentRequest(t.deps, sender, t.demo.ids.departments.sunrise, body, meta);
  return { ...t, send };
};

const count = async (store: Store, table: string) =>
  (await store.sql.get<{ n: number }>(`select count(*) as n from ${table}`))?.n;

describe("SQLite with its writes on a worker thread", { timeout: 30_000 }, () => {
  it("runs the send path's programs there: the call's rows, its messages and its audit row", async () => {
    const t = await setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => t.send(sunriseBody())));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await count(t.store, "payment_requests")).toBe(20);
    expect(await count(t.store, "outbox")).toBe(40);
    expect(await count(t.store, "audit_log")).toBe(20);
    expect(results[0]?.timeline.map((s) => s.step)).toEqual([
      "department",
      "order",
      "invoice",
      "payment-request",
      "delivery",
    ]);
  });

  it("shows the worker's write counts and group-commit histograms on this thread, without asking the worker", async () => {
    const t = await setup();
    const before = t.store.stats;
    await Promise.all(Array.from({ length: 10 }, () => t.send(sunriseBody())));
    const after = t.store.stats;
    // Each call (outbox delivery): one program, its commit and sync shared with the others.
    expect(after.transactions - before.transactions).toBeGreaterThanOrEqual(10);
    expect(after.commits).toBeGreaterThan(before.commits);
    expect(after.syncs ?? 0).toBeGreaterThan(before.syncs ?? 0);
    const batches = after.groupCommit?.batchSizes;
    expect(batches?.count).toBe(after.commits);
    expect(batches?.sum).toBe(after.transactions);
    expect(after.groupCommit?.commitSeconds.count).toBe(after.commits);
    expect(after.groupCommit?.commitSeconds.sum).toBeGreaterThan(0);
  });

  it("brings a step's refusal back as the catalog error, with the step that refused in the timeline", async () => {
    const t = await setup();
    const refused = await t.send(sunriseBody({ customerUuid: "nobody" }));
    expect(refused.status).toBe(400);
    expect((refused.body as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
      ERRORS.CUSTOMER_NOT_FOUND.code,
    );
    expect(refused.timeline.map((s) => `${s.step} ${s.result}`)).toContain(
      `order error ${ERRORS.CUSTOMER_NOT_FOUND.code}`,
    );
  });

  it("keeps an idempotency key's claim across the thread: replay and 409", async () => {
    const t = await setup();
    const body = sunriseBody();
    const [first, second] = await Promise.all([
      t.send(body, testMeta({ idempotencyKey: "worker-key" })),
      t.send(body, testMeta({ idempotencyKey: "worker-key" })),
    ]);
    const statuses = [first?.status, second?.status].sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const replay = await t.send(body, testMeta({ idempotencyKey: "worker-key" }));
    expect(replay.replayed).toBe(true);
    expect(await count(t.store, "payment_requests")).toBe(1);
  });

  it("runs a transaction given as a function statement by statement: committed, or rolled back when it throws", async () => {
    const store = await open();
    await store.transaction(async (tx) => {
      await tx.run("insert into dealers (uuid, name, created_at) values (?, ?, ?)", ["d-1", "One", 1]);
      expect(await tx.get("select name from dealers where uuid = ?", ["d-1"])).toEqual({ name: "One" });
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.run("insert into dealers (uuid, name, created_at) values (?, ?, ?)", ["d-2", "Two", 1]);
        throw new PayreqError("INVALID_REQUEST_DATA");
      }),
    ).rejects.toBeInstanceOf(PayreqError);
    const names = await store.sql.all<{ uuid: string }>("select uuid from dealers order by uuid");
    expect(names).toEqual([{ uuid: "d-1" }]);
  });

  it("answers callers of a worker that died with StoreUnavailableError, and starts a new one", async () => {
    const workers: Worker[] = [];
    const t = await setup((worker) => workers.push(worker));
    // A transaction held open while its worker goes away: the caller learns the store is unavailable.
    const cut = t.store.transaction(async (tx) => {
      await tx.run("insert into dealers (uuid, name, created_at) values ('d-x', 'X', 1)");
      await workers[0]?.terminate();
      await tx.run("insert into dealers (uuid, name, created_at) values ('d-y', 'Y', 1)");
    });
    await expect(cut).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await t.send(sunriseBody())).status).toBe(200);
    expect(workers).toHaveLength(2);
    expect(await t.store.sql.get("select uuid from dealers where uuid = 'd-x'")).toBeUndefined();
  });

  it("rejects a file that is not a SQLite database with its error, and the worker ends without an unhandled one", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "payreq-worker-")), "notes.db");
    writeFileSync(path, "not a database, only text longer than a SQLite header\n".repeat(20));
    let worker: Worker | undefined;
    await expect(
      openSqliteWorkerStore(path, {
        script: SQLITE_WORKER_SCRIPT,
        onWorker: (w) => {
          worker = w;
        },
      }),
    ).rejects.toThrow("file is not a database");
    // The worker throws after reporting; unheard, that 'error' event would crash this process (vitest fails the run).
    // (events.once would reject at that event: the exit is awaited with a listener of its own.)
    const ended = worker;
    if (ended && ended.threadId !== -1) await new Promise((resolve) => ended.once("exit", resolve));
  });
});
