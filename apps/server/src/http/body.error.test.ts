import { request as httpRequest } from "node:http";
import { ERRORS } from "@payreq/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import { type RunningServer, startServer } from "../server.ts";

const codesOf = async (res: Response) =>
  ((await res.json()) as { errors: { errorCode: number }[] }).errors.map((e) => e.errorCode);

describe("bad requests over app.request()", () => {
  it("refuses a body that is not JSON-typed with 415", async () => {
    const t = await createTestApp();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
      const res = await t.app.request(t.sendPath(), {
        method: "POST",
        headers: { Authorization: t.sender, ...(type ? { "Content-Type": type } : {}) },
        body: JSON.stringify(t.body()),
      });
      expect(res.status, type).toBe(415);
      expect(await codesOf(res)).toEqual([ERRORS.UNSUPPORTED_MEDIA_TYPE.code]);
    }
    expect((await t.auditRows()).map((r) => r.http_status)).toEqual([415, 415, 415]);
  });

  it("accepts application/json with a charset", async () => {
    const t = await createTestApp();
    const res = await t.post(t.body(), { headers: { "Content-Type": "application/json; charset=utf-8" } });
    expect(res.status).toBe(200);
  });

  it.each(["{", '{"amount": 1,}', "not json", ""])(
    "refuses malformed JSON %j with 400 in the envelope",
    async (text) => {
      const t = await createTestApp();
      const res = await t.post(text);
      expect(res.status).toBe(400);
      expect(await codesOf(res)).toEqual([ERRORS.INVALID_REQUEST_DATA.code]);
      expect((await t.auditRows()).at(-1)).toMatchObject({ http_status: 400 });
    },
  );

  it.each([
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"hello"'],
  ])("refuses %s as the body with 400", async (_name, text) => {
    const t = await createTestApp();
    const res = await t.post(text);
    expect(res.status).toBe(400);
    expect(await codesOf(res)).toEqual([ERRORS.INVALID_REQUEST_DATA.code]);
  });

  it("refuses an unknown field with 400 naming it", async () => {
    const t = await createTestApp();
    const res = await t.post(t.body({ sendAsTxt: true }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { errorCode: number; errorMessage: string }[] };
    expect(body.errors[0]?.errorCode).toBe(ERRORS.INVALID_REQUEST_DATA.code);
    expect(body.errors[0]?.errorMessage).toContain("sendAsTxt");
  });

  it("answers 404 100013 for an unknown department when the scope covers every department", async () => {
    const t = await createTestApp();
    await t.credentials.add("all-depts", "all-depts-password");
    await t.credentials.grant("all-depts", "payment.send.payment.request", "*");
    const auth = `Basic ${Buffer.from("all-depts:all-depts-password").toString("base64")}`;
    const res = await t.post(t.body(), { auth, department: "no-such-department" });
    expect(res.status).toBe(404);
    expect(await codesOf(res)).toEqual([ERRORS.INVALID_DEPARTMENT_TOKEN.code]);
  });

  it("refuses a 65 KiB body with a Content-Length with 413", async () => {
    const t = await createTestApp();
    const res = await t.post(t.body({ description: "x".repeat(65 * 1024) }));
    expect(res.status).toBe(413);
    expect(await codesOf(res)).toEqual([ERRORS.PAYLOAD_TOO_LARGE.code]);
    expect((await t.auditRows()).at(-1)).toMatchObject({ http_status: 413, outcome: "REJECTED" });
  });

  it("answers an unknown route and a wrong method in the envelope", async () => {
    const t = await createTestApp();
    const missing = await t.app.request("/payment/aggregator/v2/nothing");
    expect(missing.status).toBe(404);
    expect(await codesOf(missing)).toEqual([ERRORS.NOT_FOUND.code]);
    const get = await t.app.request(t.sendPath(), { headers: { Authorization: t.sender } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("body limit over a real connection", () => {
  let server: RunningServer;
  beforeAll(async () => {
    const t = await createTestApp();
    server = await startServer(t, { host: "127.0.0.1", port: 0 });
  });
  afterAll(() => server.shutdown(100));

  const send = (chunks: string[], headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: server.port,
          method: "POST",
          path: "/payment/aggregator/v1/departments/de9a0000-0000-4000-8000-000000000001/payment-requests",
          headers: { "Content-Type": "application/json", ...headers },
        },
        (res) => {
          let body = "";
          res.on("data", (d) => {
            body += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });

  it("refuses a 65 KiB chunked body without Content-Length with 413", async () => {
    const big = JSON.stringify({ amount: 1, description: "x".repeat(65 * 1024) });
    const chunks = big.match(/[\s\S]{1,8192}/g) ?? [];
    const res = await send(chunks, { "Transfer-Encoding": "chunked" });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).errors[0].errorCode).toBe(ERRORS.PAYLOAD_TOO_LARGE.code);
  });

  it("refuses a 65 KiB body sent with its Content-Length with 413", async () => {
    const big = JSON.stringify({ amount: 1, description: "x".repeat(65 * 1024) });
    const res = await send([big], { "Content-Length": String(Buffer.byteLength(big)) });
    expect(res.status).toBe(413);
  });
});
