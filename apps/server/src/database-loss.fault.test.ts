import { ERRORS } from "@payreq/contracts";
import { type PostgresServer, startPostgresServer } from "@payreq/core/testing/postgres-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestFrom } from "../test/loopback-request.ts";
import { seededDatabase } from "../test/seeded-database.ts";
import { type ServerProcess, startServerProcess } from "../test/server-process.ts";

/**
 * The database goes away under a running `payreq serve` (PostgreSQL crashed or restarted): every answer is a 503
 * in the envelope with Retry-After, never a 500 or a hang, and the service recovers by itself when it returns.
 */
describe("a lost PostgreSQL connection", { timeout: 60_000 }, () => {
  let database: PostgresServer;
  let service: ServerProcess;
  let seeded: Awaited<ReturnType<typeof seededDatabase>>;
  beforeAll(async () => {
    database = await startPostgresServer({ durable: true });
    seeded = await seededDatabase("postgres", { PAYREQ_DATABASE_URL: database.urlOf("postgres") });
    await seeded.store.close();
    service = await startServerProcess({ ...seeded.env, PAYREQ_DATABASE_POOL: "4" });
  });
  afterAll(async () => {
    await service?.stop("SIGKILL");
    database?.destroy();
  });

  // Each call on a connection of its own: stopping PostgreSQL can take longer than the keep-alive timeout on a
  // loaded machine, and a POST sent on a kept connection the server has just closed would fail for that alone.
  const send = (key: string) =>
    requestFrom(
      `${service.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
      "127.0.0.1",
      {
        method: "POST",
        headers: { Authorization: seeded.auth, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({
          amount: 42,
          orderNumber: `RO-LOSS-${key}`,
          orderType: "RO",
          customerUuid: seeded.demo.ids.customers.sunriseFull,
          sendAsText: true,
        }),
      },
    );

  it("answers 503 with Retry-After while it is gone, /readyz too, and serves again once it is back", async () => {
    expect((await send("before")).status).toBe(200);
    expect((await requestFrom(`${service.url}/readyz`, "127.0.0.1")).status).toBe(200);

    database.stop("immediate");
    for (const key of ["during-1", "during-2"]) {
      const res = await send(key);
      expect(res.status).toBe(503);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      const body = JSON.parse(res.body) as { errors: { errorCode: number }[] };
      expect(body.errors.map((e) => e.errorCode)).toEqual([ERRORS.STORE_UNAVAILABLE.code]);
    }
    const audit = await requestFrom(`${service.url}/payment/aggregator/v1/audit-log`, "127.0.0.1", {
      headers: { Authorization: seeded.auth },
    });
    expect(audit.status).toBe(503);
    const ready = await requestFrom(`${service.url}/readyz`, "127.0.0.1");
    expect(ready.status).toBe(503);
    expect(ready.headers["retry-after"]).toBeDefined();
    expect(service.logs.join("\n")).not.toMatch(/unhandled error|"status":500/);

    database.start();
    // The pool reconnects on its own: the same key now runs the call to completion.
    const after = await send("during-1");
    expect(after.status).toBe(200);
    expect((await requestFrom(`${service.url}/readyz`, "127.0.0.1")).status).toBe(200);
  });
});
