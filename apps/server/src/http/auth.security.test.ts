import { ERRORS } from "@payreq/contracts";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";
import { createLogger } from "../logger.ts";

type Case = [
  name: string,
  header: (t: Awaited<ReturnType<typeof createTestApp>>) => string | null,
  status: number,
  code: number,
];

const cases: Case[] = [
  ["no Authorization header", () => null, 401, ERRORS.NULL_CREDENTIALS.code],
  ["an empty Authorization header", () => "", 401, ERRORS.NULL_CREDENTIALS.code],
  ["a Bearer token", () => "Bearer abc.def.ghi", 401, ERRORS.NULL_CREDENTIALS.code],
  ["Basic without credentials", () => "Basic ", 401, ERRORS.NULL_CREDENTIALS.code],
  ["bad base64", () => "Basic !!!not-base64!!!", 401, ERRORS.NULL_CREDENTIALS.code],
  [
    "no colon",
    () => `Basic ${Buffer.from("sunrise-sender").toString("base64")}`,
    401,
    ERRORS.NULL_CREDENTIALS.code,
  ],
  [
    "an empty username",
    () => `Basic ${Buffer.from(":secret").toString("base64")}`,
    401,
    ERRORS.NULL_CREDENTIALS.code,
  ],
  ["an unknown user", () => basic("nobody", "whatever-password"), 401, ERRORS.WRONG_CREDENTIAL.code],
  [
    "a wrong password",
    (t) => basic("sunrise-sender", `${t.demo.credentials.sunriseSender.password}x`),
    401,
    ERRORS.WRONG_CREDENTIAL.code,
  ],
  ["a credential without the send scope", (t) => t.ops, 403, ERRORS.INVALID_SCOPE_DEPARTMENT.code],
  ["another department's credential", (t) => t.harbor, 403, ERRORS.INVALID_SCOPE_DEPARTMENT.code],
];

describe.each(TEST_STORES)("on %s", (kind) => {
  describe.each(["rest", "trpc"] as const)("authentication over %s", (transport) => {
    it.each(cases)("refuses %s", async (_name, header, status, code) => {
      const t = await createTestApp({ store: kind });
      const body = t.body();
      const res =
        transport === "rest"
          ? await t.post(body, { auth: header(t) })
          : await t.trpc({ departmentUuid: t.dept, ...body }, header(t));
      expect(res.status).toBe(status);
      const json = (await res.json()) as {
        errors?: { errorCode: number }[];
        error?: { data: { errorCode: number; errors: { errorCode: number }[] } };
      };
      const errors = transport === "rest" ? json.errors : json.error?.data.errors;
      expect(errors?.map((e) => e.errorCode)).toEqual([code]);
      if (status === 401)
        expect(res.headers.get("www-authenticate")).toBe('Basic realm="payment", charset="UTF-8"');
      else expect(res.headers.get("www-authenticate")).toBeNull();
      expect(await t.count("dealer_orders")).toBe(0);
      const row = (await t.auditRows()).at(-1);
      expect(row).toMatchObject({ http_status: status, outcome: "REJECTED", transport });
      expect(JSON.parse(String(row?.error_codes))).toEqual([code]);
    });
  });

  describe("order of checks", () => {
    it.each(["rest", "trpc"] as const)(
      "answers 401 before looking at the body or its type over %s",
      async (transport) => {
        const t = await createTestApp({ store: kind });
        const path = transport === "rest" ? t.sendPath() : "/trpc/paymentRequests.send";
        const cases: [string, string][] = [
          ["text/plain", "hello"],
          ["application/json", "{not json"],
        ];
        for (const [type, body] of cases) {
          const res = await t.app.request(path, { method: "POST", headers: { "Content-Type": type }, body });
          expect(res.status, `${type} ${body}`).toBe(401);
          expect(res.headers.get("www-authenticate")).toBe('Basic realm="payment", charset="UTF-8"');
        }
      },
    );
  });

  describe("credential secrecy", () => {
    it("answers an unknown user and a wrong password identically", async () => {
      const t = await createTestApp({ store: kind });
      const unknown = await t.post(t.body(), { auth: basic("nobody", "x-password-123") });
      const wrong = await t.post(t.body(), { auth: basic("sunrise-sender", "x-password-123") });
      expect(unknown.status).toBe(wrong.status);
      expect(await unknown.json()).toEqual(await wrong.json());
      const headersOf = (res: Response) =>
        [...res.headers.entries()].filter(([name]) => name !== "x-request-id" && name !== "date").sort();
      expect(headersOf(unknown)).toEqual(headersOf(wrong));
    });

    it("never writes a password, the Authorization header or the customer's contact details to the audit log, the log or the metrics", async () => {
      const lines: string[] = [];
      const t = await createTestApp({
        store: kind,
        metrics: true,
        logger: createLogger({ level: "debug", write: (line) => lines.push(line) }),
      });
      const { password } = t.demo.credentials.sunriseSender;
      const customer = await t.store.sql.get<{ phone: string; email: string }>(
        "select phone, email from customers where uuid = ?",
        [t.demo.ids.customers.sunriseFull],
      );
      await t.post(t.body());
      await t.post(t.body(), { auth: basic("sunrise-sender", "wrong-password-99") });
      await t.trpc({ departmentUuid: t.dept, ...t.body() });
      await t.app.request("/healthz");
      expect(lines.length).toBeGreaterThan(3);
      const everything = JSON.stringify(await t.auditRows()) + lines.join("\n") + (await t.scrape());
      const contact = [
        customer?.email ?? "",
        customer?.phone ?? "",
        `+${customer?.phone.replace(/\D/g, "")}`,
      ];
      expect(contact.every((value) => value.length > 5)).toBe(true);
      for (const secret of [password, "wrong-password-99", t.sender.slice(6), "Basic ", ...contact])
        expect(everything).not.toContain(secret);
    });
  });

  describe("credential abuse", () => {
    it("answers password guessing with 429, Retry-After and error 109003, and audits each attempt", async () => {
      const t = await createTestApp({ store: kind });
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 15; i++) {
        last = await t.post(t.body(), { auth: basic("sunrise-sender", `guess-number-${i}`) });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual(Array(5).fill(429));
      expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await last!.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
        ERRORS.TOO_MANY_ATTEMPTS.code,
      );
      const rows = (await t.auditRows()).filter((r) => r.http_status === 429);
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatchObject({ username: "sunrise-sender", outcome: "REJECTED" });
    });

    it("throttles over tRPC too, with 429 and the catalog code", async () => {
      const t = await createTestApp({ store: kind });
      let last: Response | undefined;
      for (let i = 0; i < 11; i++)
        last = await t.trpc({ departmentUuid: t.dept, ...t.body() }, basic("sunrise-sender", `guess-${i}-x`));
      expect(last?.status).toBe(429);
      expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
      const json = (await last!.json()) as { error: { data: { errorCode: number } } };
      expect(json.error.data.errorCode).toBe(ERRORS.TOO_MANY_ATTEMPTS.code);
    });

    it("does not hash again for a credential it verified a moment ago", async () => {
      const t = await createTestApp({ store: kind });
      for (let i = 0; i < 5; i++) expect((await t.post(t.body())).status).toBe(200);
      expect(t.authenticator.stats.hashes).toBe(1);
    });
  });
});
