import { ERRORS } from "@payreq/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import { rawExchange } from "../../test/raw-http.ts";
import { type RunningServer, startServer } from "../server.ts";

const codesOf = async (res: Response) =>
  ((await res.json()) as { errors: { errorCode: number }[] }).errors.map((e) => e.errorCode);

describe("hostile JSON over app.request()", () => {
  it.each([
    [
      "duplicate keys",
      '{"amount": 1, "amount": 2, "orderNumber": "x", "orderType": "RO", "customerUuid": "c"}',
      "Duplicate field: amount",
    ],
    [
      "duplicate nested keys",
      '{"amount": 1, "invoiceAttributes": {"a": "1", "a": "2"}}',
      "Duplicate field: a",
    ],
    ["__proto__", '{"amount": 1, "__proto__": {"admin": true}}', "__proto__"],
    ["__proto__ in attributes", '{"amount": 1, "invoiceAttributes": {"__proto__": "x"}}', "__proto__"],
    [
      "deep nesting",
      `{"amount": 1, "invoiceAttributes": ${"[".repeat(5000)}${"]".repeat(5000)}}`,
      "nests too deeply",
    ],
    ["a lone surrogate", '{"amount": 1, "description": "bad \\ud800 half"}', "unpaired UTF-16 surrogate"],
    [
      "a lone surrogate in a key",
      '{"amount": 1, "invoiceAttributes": {"\\udc00": "x"}}',
      "unpaired UTF-16 surrogate",
    ],
    ["NaN as a bare word", '{"amount": NaN}', "not valid JSON"],
    ["a trailing garbage", '{"amount": 1} {"amount": 2}', "not valid JSON"],
  ])("refuses %s with 400 naming the problem", async (_name, text, expected) => {
    const t = await createTestApp();
    const res = await t.post(text);
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain(expected);
    expect(JSON.parse(body).errors[0].errorCode).toBe(ERRORS.INVALID_REQUEST_DATA.code);
    expect((await t.auditRows()).at(-1)).toMatchObject({ http_status: 400 });
  });

  it.each([
    ["amount 1e400", { amount: Number.POSITIVE_INFINITY }],
    ["a huge integer amount", { amount: Number.parseFloat("123456789012345678901234567890") }],
    ["a NaN-like string", { amount: "NaN" }],
    ["Infinity as a string", { amount: "Infinity" }],
    ["a huge reminderMileage", { reminderMileage: 1e20 }],
    ["NUL in a description", { description: "a\u0000b" }],
    ["a right-to-left override", { description: "pay \u202Egnp.exe" }],
    ["a zero-width space in orderNumber", { orderNumber: "RO-12\u200B34" }],
    ["a 60 KiB description", { description: "x".repeat(60 * 1024) }],
  ])("refuses %s with 400", async (_name, overrides) => {
    const t = await createTestApp();
    const body = JSON.stringify(t.body(overrides)).replace('"amount":null', '"amount":1e400');
    const res = await t.post(body);
    expect(res.status).toBe(400);
    expect(await codesOf(res)).toEqual([ERRORS.INVALID_REQUEST_DATA.code]);
  });

  it("accepts right-to-left letters and emoji in free text, and returns them as sent", async () => {
    const t = await createTestApp();
    const description = "تغيير الزيت 🚗 — שמן";
    const res = await t.post(t.body({ description }));
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id");
    const row = (await t.auditRows()).find((r) => r.request_id === requestId);
    expect(JSON.parse(String(row?.request_body)).description).toBe(description);
  });

  it.each(["bad%2Fid", "with space", "x".repeat(65), "%00"])(
    "refuses the path identifier %j with 400",
    async (department) => {
      const t = await createTestApp();
      const res = await t.post(t.body(), { department });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain("departmentUuid");
    },
  );

  it("keeps every log record on one line whatever the input holds", async () => {
    const lines: string[] = [];
    const write = (m: string, f?: Record<string, unknown>) => lines.push(JSON.stringify({ msg: m, ...f }));
    const t = await createTestApp({ logger: { info: write, warn: write, error: write } });
    await t.post(t.body({ description: 'x"\n{"level":"error","msg":"forged"}' }));
    await t.app.request("/payment/aggregator/v1/departments/a%0A%7B%22forged%22%3Atrue%7D/payment-requests", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: t.sender },
      body: "{}",
    });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain("\n");
      expect(JSON.parse(line).msg).not.toBe("forged");
    }
  });
});

describe("body limits and malformed HTTP over a raw socket", () => {
  let server: RunningServer;
  let path: string;
  let auth: string;
  beforeAll(async () => {
    const t = await createTestApp();
    server = await startServer(t, { host: "127.0.0.1", port: 0 });
    path = t.sendPath();
    auth = t.sender;
  });
  afterAll(() => server.shutdown(100));

  const big = JSON.stringify({ amount: 1, description: "x".repeat(70 * 1024) });
  const head = (headers: string[]) =>
    [
      `POST ${path} HTTP/1.1`,
      "Host: 127.0.0.1",
      `Authorization: ${auth}`,
      "Content-Type: application/json",
      ...headers,
      "",
      "",
    ].join("\r\n");

  const expectEnvelopes = (responses: { status: number; body: string }[]) => {
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response.status).toBeLessThan(500);
      expect(JSON.parse(response.body).errors.length).toBeGreaterThan(0);
    }
  };

  it("answers an honest Content-Length over the limit with 413", async () => {
    const responses = await rawExchange(server.port, [
      head([`Content-Length: ${big.length}`, "Connection: close"]),
      big,
    ]);
    expect(responses[0]?.status).toBe(413);
    expectEnvelopes(responses);
  });

  it("answers a chunked body over the limit with 413", async () => {
    const chunked = `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`;
    const responses = await rawExchange(server.port, [
      head(["Transfer-Encoding: chunked", "Connection: close"]),
      chunked,
    ]);
    expect(responses[0]?.status).toBe(413);
    expectEnvelopes(responses);
  });

  it("reads only the declared bytes of an understated Content-Length and refuses the rest", async () => {
    const responses = await rawExchange(server.port, [head(["Content-Length: 20"]), big]);
    expect(responses[0]?.status).toBe(400);
    expect(responses.map((r) => r.status).every((s) => s === 400)).toBe(true);
    expectEnvelopes(responses);
  });

  it("refuses a body sent without Content-Length or chunking", async () => {
    const responses = await rawExchange(server.port, [head([]), big]);
    expect(responses[0]?.status).toBe(400);
    expectEnvelopes(responses);
  });

  it.each([
    ["two different Content-Lengths", ["Content-Length: 10", "Content-Length: 20"]],
    ["Content-Length with chunked", [`Content-Length: ${big.length}`, "Transfer-Encoding: chunked"]],
  ])("refuses %s with 400 in the envelope", async (_name, headers) => {
    const responses = await rawExchange(server.port, [head(headers), big]);
    expect(responses[0]?.status).toBe(400);
    expect(JSON.parse(responses[0]?.body ?? "{}").errors[0].errorCode).toBe(
      ERRORS.MALFORMED_HTTP_REQUEST.code,
    );
  });

  it("refuses oversized headers with 431 in the envelope", async () => {
    const responses = await rawExchange(server.port, [
      head([`X-Padding: ${"a".repeat(20 * 1024)}`, "Content-Length: 2"]),
      "{}",
    ]);
    expect(responses[0]?.status).toBe(431);
    expect(JSON.parse(responses[0]?.body ?? "{}").errors[0].errorCode).toBe(ERRORS.HEADERS_TOO_LARGE.code);
  });
});
