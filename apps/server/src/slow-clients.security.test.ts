import { connect, type Socket } from "node:net";
import { ERRORS } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../test/harness.ts";
import { type RunningServer, startServer } from "./server.ts";

type Opened = { socket: Socket; received: () => string; closed: Promise<number> };

/** A connection that sends `chunks` and records what comes back and how long after connecting it closed. */
const open = (port: number, chunks: string[] = []): Promise<Opened> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    socket.on("data", (d) => {
      data += d.toString("utf8");
    });
    socket.once("error", reject);
    socket.once("connect", () => {
      const started = performance.now();
      for (const chunk of chunks) socket.write(chunk);
      const closed = new Promise<number>((done) =>
        socket.once("close", () => done(performance.now() - started)),
      );
      resolve({ socket, received: () => data, closed });
    });
  });

/** Fails the test if `closed` has not settled within `ms`: the bound is what is being checked. */
const within = <T>(closed: Promise<T>, ms: number) =>
  Promise.race([
    closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms).unref(),
    ),
  ]);

const envelopeCode = (raw: string) => JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)).errors[0].errorCode;

describe("slow and idle clients", () => {
  let server: RunningServer | undefined;
  afterEach(() => server?.shutdown(100));

  const setup = async (
    limits: Parameters<typeof startServer>[1] extends infer C ? Partial<C & object> : never,
  ) => {
    const t = await createTestApp();
    server = await startServer(t, { host: "127.0.0.1", port: 0, ...limits });
    const call = () =>
      fetch(`${server?.url}${t.sendPath()}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: t.sender },
        body: JSON.stringify(t.body()),
      });
    return { t, server, call };
  };

  it("cuts off a client that sends half its headers, within the headers timeout, with 408 in the envelope", async () => {
    const { server } = await setup({ headersTimeoutMs: 1000, requestTimeoutMs: 5000 });
    const slow = await open(server.port, [
      "POST /payment/aggregator/v1/departments/x/payment-requests HTTP/1.1\r\nHost: a\r\n",
    ]);
    const ms = await within(slow.closed, 4000);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeCode(slow.received())).toBe(ERRORS.REQUEST_TIMEOUT.code);
  });

  it("cuts off a client that stops sending its body, within the request timeout", async () => {
    const { server, t } = await setup({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const slow = await open(server.port, [
      `POST ${t.sendPath()} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nAuthorization: ${t.sender}\r\nContent-Length: 200\r\n\r\n{"amount":`,
    ]);
    await within(slow.closed, 6000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeCode(slow.received())).toBe(ERRORS.REQUEST_TIMEOUT.code);
  });

  it("serves a normal call while 200 idle sockets are open, and closes the idle ones within the bound", async () => {
    const { call, server } = await setup({ headersTimeoutMs: 2000, requestTimeoutMs: 5000 });
    const idle = await Promise.all(Array.from({ length: 200 }, () => open(server.port)));
    const res = await call();
    expect(res.status).toBe(200);
    const times = await within(Promise.all(idle.map((s) => s.closed)), 8000);
    expect(Math.max(...times)).toBeLessThan(8000);
  });

  it("refuses a connection past the cap at once with 503 in the envelope, and serves again when one frees", async () => {
    const { call, server } = await setup({
      maxConnections: 20,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
    });
    const held = await Promise.all(Array.from({ length: 20 }, () => open(server.port)));
    const refused = await call();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
      ERRORS.TOO_MANY_CONNECTIONS.code,
    );
    for (const { socket } of held.slice(0, 2)) socket.destroy();
    // The server learns of the closes on its own turn of the event loop.
    while (server.openConnections > 18) await new Promise((resolve) => setImmediate(resolve));
    const served = await call();
    expect(served.status).toBe(200);
    for (const { socket } of held) socket.destroy();
  });
});
