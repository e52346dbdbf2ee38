import { connect, type Socket } from "node:net";
import type { LogFields, Logger } from "@payreq/core";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../test/harness.ts";
import { rawExchange } from "../test/raw-http.ts";
import { type RunningServer, startServer } from "./server.ts";

type Line = { level: string; message: string; fields?: LogFields | undefined };

/** Answers Node writes to the socket itself, before the app (and its security headers) could see the request. */
describe("answers written straight to the socket", () => {
  let server: RunningServer | undefined;
  afterEach(() => server?.shutdown(100));

  const setup = async (
    limits: Parameters<typeof startServer>[1] extends infer C ? Partial<C & object> : never,
  ) => {
    const lines: Line[] = [];
    const record = (level: string) => (message: string, fields?: LogFields) => {
      lines.push({ level, message, fields });
    };
    const logger: Logger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    };
    const t = await createTestApp({ logger });
    server = await startServer(t, { host: "127.0.0.1", port: 0, ...limits });
    return { server, lines };
  };

  const expectLockedDown = (headers: string) => {
    expect(headers).toMatch(/^x-content-type-options: nosniff$/im);
    expect(headers).toMatch(/^cache-control: no-store$/im);
  };

  it.each([
    ["a malformed request", ["NOT HTTP AT ALL\r\n\r\n"], 400],
    [
      "headers over 16 KiB",
      [`GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`],
      431,
    ],
  ])("answers %s with nosniff and no-store, and logs it as a warning", async (_name, chunks, status) => {
    const { server, lines } = await setup({});
    const [response] = await rawExchange(server.port, chunks);
    expect(response?.status).toBe(status);
    expectLockedDown(response?.headers ?? "");
    expect(lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual(["malformed http request"]);
  });

  it("answers a request that timed out with 408, nosniff and no-store, and logs it as info, not as malformed", async () => {
    const { server, lines } = await setup({ headersTimeoutMs: 500, requestTimeoutMs: 5000 });
    const [response] = await rawExchange(server.port, ["GET /healthz HTTP/1.1\r\nHost: a\r\n"]);
    expect(response?.status).toBe(408);
    expectLockedDown(response?.headers ?? "");
    expect(lines.filter((l) => l.level === "warn")).toEqual([]);
    expect(lines).toContainEqual({
      level: "info",
      message: "http request timed out",
      fields: { status: 408, code: "ERR_HTTP_REQUEST_TIMEOUT" },
    });
  });

  it("refuses a connection over the cap with nosniff and no-store", async () => {
    const { server } = await setup({ maxConnections: 1 });
    const held = await new Promise<Socket>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: server.port }, () => resolve(socket));
    });
    // The server counts the held connection on its own turn of the event loop.
    while (server.openConnections < 1) await new Promise((resolve) => setImmediate(resolve));
    const [response] = await rawExchange(server.port, ["GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"]);
    expect(response?.status).toBe(503);
    expectLockedDown(response?.headers ?? "");
    held.destroy();
  });
});
