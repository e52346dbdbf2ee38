import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PUBLISHED_RESPONSE_FIELDS } from "@payreq/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSeededServer } from "../../test/seeded-server.ts";

const CALLER = fileURLToPath(new URL("../../test/legacy-caller.py", import.meta.url));

type Shape = [string, string, Shape[] | Shape | null][];
type Call = {
  status: number;
  contentType: string;
  requestId: string | null;
  bom: boolean;
  shape: Shape;
  body: Record<string, unknown>;
};

/** The published response's item shapes, as the page lists them. */
const ERROR_ITEM = [
  ["errorCode", "integer", null],
  ["errorTitle", "string", null],
  ["errorMessage", "string", null],
  ["errorDescription", "string", null],
];
const WARNING_ITEM = [
  ["warningCode", "integer", null],
  ["warningTitle", "string", null],
  ["warningMessage", "string", null],
  ["warningDescription", "string", null],
];

let server: Awaited<ReturnType<typeof startSeededServer>>["server"];
let calls: Record<"created" | "published" | "withNulls" | "typo" | "wrongPassword", Call>;

beforeAll(async () => {
  const seeded = await startSeededServer();
  server = seeded.server;
  const { ids, credentials } = seeded.demo;
  const config = {
    url: server.url,
    ...credentials.sunriseSender,
    orderNumber: "RO-LEGACY-1",
    ids: {
      department: ids.departments.sunrise,
      dealer: ids.dealers.sunrise,
      customer: ids.customers.sunriseFull,
      emailOnlyCustomer: ids.customers.sunriseEmailOnly,
      associate: ids.associates.sunrise.uuid,
      associateUser: ids.associates.sunrise.userUuid,
    },
  };
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      "python3",
      [CALLER],
      {
        env: { PATH: process.env.PATH ?? "", PAYREQ_CALLER_CONFIG: JSON.stringify(config) },
        timeout: 30_000,
      },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    ),
  );
  calls = JSON.parse(stdout);
}, 60_000);

afterAll(() => server.stop());

describe("a legacy caller on Python's standard library", () => {
  it("sends every published field and gets the published fields first, in order, with their types", () => {
    const { published } = calls;
    expect(published.status).toBe(200);
    expect(published.contentType).toBe("application/json");
    expect(published.bom).toBe(false);
    expect(published.shape.slice(0, 5)).toEqual([
      ["errors", "array", []],
      ["warnings", "array", []],
      ["paymentUrl", "string", null],
      ["textSent", "string", null],
      ["emailSent", "string", null],
    ]);
    expect(published.shape.slice(0, 5).map(([key]) => key)).toEqual([...PUBLISHED_RESPONSE_FIELDS]);
    expect(published.body).toMatchObject({ errors: [], textSent: "SUCCESS", emailSent: "SUCCESS" });
    expect(published.body.orderUuid).toBe(calls.created.body.orderUuid);
    expect(published.body.orderCreated).toBe(false);
    expect(published.body.requestId).toBe(published.requestId);
  });

  it("may send null for unset fields, as generated Java and C# clients do, and gets warnings as published", () => {
    const { withNulls } = calls;
    expect(withNulls.status).toBe(200);
    expect(withNulls.body).toMatchObject({ textSent: "FAILURE" });
    expect(withNulls.body).not.toHaveProperty("emailSent");
    expect(withNulls.shape.slice(0, 4)).toEqual([
      ["errors", "array", []],
      ["warnings", "array", [WARNING_ITEM]],
      ["paymentUrl", "string", null],
      ["textSent", "string", null],
    ]);
  });

  it("gets refusals in the published envelope and nothing else", () => {
    for (const [call, status, code] of [
      [calls.typo, 400, 100006],
      [calls.wrongPassword, 401, 100003],
    ] as const) {
      expect(call.status).toBe(status);
      expect(call.contentType).toBe("application/json");
      expect(call.shape).toEqual([
        ["errors", "array", [ERROR_ITEM]],
        ["warnings", "array", []],
      ]);
      expect((call.body.errors as { errorCode: number }[])[0]?.errorCode).toBe(code);
    }
    expect(JSON.stringify(calls.typo.body)).toContain("sendAsTxt");
  });
});
