import { describe, expect, it, onTestFinished } from "vitest";
import { startGatedSmsProvider } from "../../test/gated-sms-provider.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { type ServerProcess, startServerProcess } from "../../test/server-process.ts";

/** JSON log lines of the process with this message. */
const logged = (logs: string[], message: string) =>
  logs
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === message);

/** Resolves with those lines once the process has logged one (looking again after each chunk of its output). */
const untilLogged = async (server: ServerProcess, message: string) => {
  for (;;) {
    const found = logged(server.logs, message);
    if (found.length > 0) return found;
    await new Promise((resolve) => server.child.stdout?.once("data", () => setImmediate(resolve)));
  }
};

/** `payreq serve` with a text provider that can hold a call in its delivery step. */
const setup = async (drain: string) => {
  const seeded = await seededDatabase("sqlite");
  onTestFinished(() => seeded.store.close());
  const sms = await startGatedSmsProvider();
  onTestFinished(() => sms.close());
  const server = await startServerProcess({ ...seeded.env, ...sms.env, PAYREQ_DRAIN_TIMEOUT: drain });
  onTestFinished(() => server.stop("SIGKILL").then(() => undefined));
  const call = (orderNumber: string, sendAsText: boolean, signal?: AbortSignal) =>
    fetch(
      `${server.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
      {
        method: "POST",
        headers: { Authorization: seeded.auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          amount: 42,
          orderNumber,
          orderType: "RO",
          customerUuid: seeded.demo.ids.customers.sunriseFull,
          sendAsText,
          sendAsEmail: !sendAsText,
        }),
        signal,
      },
    );
  return { seeded, sms, server, call };
};

describe("payreq serve drains on SIGTERM", { timeout: 60_000 }, () => {
  it("says not ready at once, serves through the drain, finishes the call in delivery, closes, exits 0", async () => {
    // Long enough for the checks below on a loaded machine: the listener must still be open for the last one.
    const { sms, server, call } = await setup("6s");
    const held = sms.hold();
    const inDelivery = call("RO-DRAIN-1", true);
    await held.arrived;

    server.child.kill("SIGTERM");
    const started = await untilLogged(server, "drain started");
    expect(started[0]).toMatchObject({ signal: "SIGTERM", drainTimeoutMs: 6000, callsInFlight: 1 });

    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: "draining" }]);
    expect(ready.headers.get("connection")).toBe("close");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // A call the load balancer sends before it has noticed is still served.
    const during = await call("RO-DRAIN-2", false);
    expect(during.status).toBe(200);
    expect(await during.json()).toMatchObject({ emailSent: "SUCCESS" });

    held.release();
    const finished = await inDelivery;
    expect(finished.status).toBe(200);
    expect(await finished.json()).toMatchObject({ textSent: "SUCCESS" });
    expect(sms.texts).toHaveLength(1);

    expect(await server.exited).toBe(0);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(logged(server.logs, "calls finished")[0]).toMatchObject({ callsInFlight: 0 });
    expect(logged(server.logs, "stopped")[0]).toMatchObject({ exitCode: 0 });
  });

  it("waits for a call still in delivery when the drain ends, and then exits 0", async () => {
    const { sms, server, call } = await setup("100ms");
    const held = sms.hold();
    const inDelivery = call("RO-DRAIN-3", true);
    await held.arrived;
    server.child.kill("SIGTERM");
    // The drain has ended and the listener is closed, the call still held at the provider.
    expect((await untilLogged(server, "not accepting calls any more"))[0]).toMatchObject({
      callsInFlight: 1,
    });
    // The listener is closed (a new connection is refused) while the call is still held at the provider.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(server.child.exitCode).toBeNull();
    held.release();
    const finished = await inDelivery;
    expect(await finished.json()).toMatchObject({ textSent: "SUCCESS" });
    expect(await server.exited).toBe(0);
  });

  it("waits for a handler whose client has gone, and records its text before closing the database", async () => {
    const { seeded, sms, server, call } = await setup("100ms");
    const held = sms.hold();
    const abort = new AbortController();
    const gone = call("RO-DRAIN-5", true, abort.signal).catch((error: Error) => error);
    await held.arrived;
    abort.abort();
    expect(await gone).toBeInstanceOf(Error);
    server.child.kill("SIGTERM");
    await untilLogged(server, "not accepting calls any more");
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(server.child.exitCode).toBeNull();
    held.release();
    expect(await server.exited).toBe(0);
    const rows = await seeded.store.sql.all<{ status: string }>(
      "select o.status from outbox o join payment_requests p on p.uuid = o.payment_request_uuid join invoices i on i.uuid = p.invoice_uuid join dealer_orders d on d.uuid = i.order_uuid where d.order_number = 'RO-DRAIN-5'",
    );
    expect(rows).toEqual([{ status: "DELIVERED" }]);
  });

  it("exits at once on a second signal", async () => {
    const { sms, server, call } = await setup("30s");
    const held = sms.hold();
    const inDelivery = call("RO-DRAIN-4", true).catch((error: Error) => error);
    await held.arrived;
    server.child.kill("SIGTERM");
    await untilLogged(server, "drain started");
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(130);
    expect(logged(server.logs, "second signal: exiting now")[0]).toMatchObject({ signal: "SIGINT" });
    expect(await inDelivery).toBeInstanceOf(Error);
    held.release();
  });
});
