import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import type { LogLevel } from "../config.ts";
import { createLogger } from "../logger.ts";
import { SEND_PATH } from "../rest/send-payment-request-route.ts";

const STABLE_FIELDS = ["time", "level", "msg", "requestId", "method", "route", "status", "ms"];

const appWithLog = async (level: LogLevel = "info") => {
  const lines: string[] = [];
  const t = await createTestApp({ logger: createLogger({ level, write: (line) => lines.push(line) }) });
  const requests = () =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((r) => r.msg === "request");
  return { t, lines, requests };
};

describe("the request log", () => {
  it("writes the stable field set for each call, with the route template and the department", async () => {
    const { t, requests } = await appWithLog();
    const response = await t.post(t.body());
    const [line] = requests();
    expect(Object.keys(line ?? {})).toEqual([...STABLE_FIELDS, "department"]);
    expect(line).toMatchObject({
      level: "info",
      requestId: response.headers.get("x-request-id"),
      method: "POST",
      route: SEND_PATH,
      status: 200,
      department: t.dept,
    });
    expect(line?.ms).toEqual(expect.any(Number));
  });

  it("takes a tRPC call's department from its input", async () => {
    const { t, requests } = await appWithLog();
    await t.trpc({ departmentUuid: t.dept, ...t.body() });
    expect(requests()[0]).toMatchObject({ route: "/trpc/*", status: 200, department: t.dept });
  });

  it("never writes a path: no payment token, no invented path", async () => {
    const { t, lines, requests } = await appWithLog();
    const sent = (await (await t.post(t.body())).json()) as { paymentUrl: string };
    const token = sent.paymentUrl.split("/").at(-1) ?? "";
    expect((await t.app.request(`/pay/${token}`)).status).toBe(200);
    expect((await t.app.request("/no/such/secret-path-7f3a")).status).toBe(404);
    expect(requests().map((r) => [r.route, r.status])).toEqual([
      [SEND_PATH, 200],
      ["/pay/:token", 200],
      ["unmatched", 404],
    ]);
    const all = lines.join("");
    expect(all).not.toContain(token.slice(6));
    expect(all).not.toContain("secret-path-7f3a");
    // Only identifiers are written as the department.
    await t.post(t.body(), { department: "not a department" });
    expect(requests().at(-1)).not.toHaveProperty("department");
  });

  it("writes health checks at debug level only", async () => {
    const quiet = await appWithLog("info");
    await quiet.t.app.request("/healthz");
    await quiet.t.app.request("/readyz");
    expect(quiet.requests()).toEqual([]);

    const verbose = await appWithLog("debug");
    await verbose.t.app.request("/healthz");
    expect(verbose.requests()).toEqual([
      expect.objectContaining({ level: "debug", route: "/healthz", status: 200 }),
    ]);
  });

  it("writes no request lines at level warn", async () => {
    const { t, requests } = await appWithLog("warn");
    expect((await t.post(t.body())).status).toBe(200);
    expect(requests()).toEqual([]);
  });
});
