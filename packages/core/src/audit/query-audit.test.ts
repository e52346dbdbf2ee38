import { ERRORS } from "@payreq/contracts";
import { describe, expect, it } from "vitest";
import { appendRows } from "../../test/audit-rows.ts";
import { openDatabase } from "../db/open-database.ts";
import { PayreqError } from "../errors.ts";
import { auditStats, getAuditRecord, listAuditRecords } from "./query-audit.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-20T10:00:00Z");

const setup = () => {
  const database = openDatabase(":memory:");
  appendRows(database, [{ department_uuid: "dept-a", order_number: "RO-1234", customer_uuid: "cust-9" }], T0);
  appendRows(
    database,
    [
      {
        department_uuid: "dept-a",
        outcome: "REJECTED",
        http_status: 400,
        error_code: 100006,
        error_codes: "[100006]",
        username: "dms",
      },
      {
        department_uuid: "dept-b",
        outcome: "REJECTED",
        http_status: 403,
        error_code: 100014,
        error_codes: "[100014]",
      },
      { department_uuid: "dept-b", idempotency_key: "key-7", invoice_uuid: "inv-7", order_uuid: "ord-7" },
    ],
    T0 + DAY,
  );
  appendRows(
    database,
    [
      {
        department_uuid: "dept-a",
        outcome: "FAILED",
        http_status: 500,
        error_code: 100005,
        error_codes: "[100005]",
        request_id: "req-known",
      },
    ],
    T0 + 2 * DAY,
  );
  return database;
};

const list = (
  database: ReturnType<typeof setup>,
  query: Parameters<typeof listAuditRecords>[2],
  access: "*" | string[] = "*",
) => listAuditRecords(database.sqlite, access, query).records;

describe("listAuditRecords", () => {
  it("returns every row newest first without filters", () => {
    const records = list(setup(), {});
    expect(records).toHaveLength(5);
    expect(records[0]?.requestId).toBe("req-known");
    expect(records.map((r) => r.recordedAt)).toEqual([...records.map((r) => r.recordedAt)].sort().reverse());
  });

  it.each([
    [{ departmentUuid: "dept-b" }, 2],
    [{ outcome: "REJECTED" as const }, 2],
    [{ httpStatus: 403 }, 1],
    [{ errorCode: 100006 }, 1],
    [{ username: "dms" }, 1],
    [{ orderNumber: "RO-1234" }, 1],
    [{ orderUuid: "ord-7" }, 1],
    [{ invoiceUuid: "inv-7" }, 1],
    [{ customerUuid: "cust-9" }, 1],
    [{ idempotencyKey: "key-7" }, 1],
    [{ requestId: "req-known" }, 1],
    [{ since: new Date(T0 + DAY).toISOString() }, 4],
    [{ until: new Date(T0 + DAY).toISOString() }, 4],
    [{ since: new Date(T0 + DAY).toISOString(), until: new Date(T0 + DAY).toISOString() }, 3],
    [{ since: new Date(T0 + 3 * DAY).toISOString() }, 0],
    [{ departmentUuid: "dept-a", outcome: "REJECTED" as const }, 1],
    [{ departmentUuid: "dept-b", since: new Date(T0 + DAY).toISOString(), httpStatus: 200 }, 1],
    [{ departmentUuid: "dept-a", errorCode: 100014 }, 0],
  ])("filters by %j", (query, expected) => {
    const database = setup();
    const records = list(database, query);
    expect(records).toHaveLength(expected);
    for (const record of records) {
      if ("departmentUuid" in query) expect(record.departmentUuid).toBe(query.departmentUuid);
      if ("outcome" in query) expect(record.outcome).toBe(query.outcome);
      if ("httpStatus" in query) expect(record.httpStatus).toBe(query.httpStatus);
      if ("errorCode" in query) expect(record.errorCodes).toContain(query.errorCode);
    }
  });

  it("pages with a cursor that never skips or repeats a row while new rows arrive", () => {
    const database = openDatabase(":memory:");
    const initial = appendRows(
      database,
      Array.from({ length: 53 }, () => ({})),
      T0,
    ).map((r) => r.request_id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = listAuditRecords(database.sqlite, "*", { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.records.map((r) => r.requestId));
      appendRows(database, [{}, {}], T0 + pages * 1000);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(8);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(initial.sort());
  });

  it("sees only the departments a scoped caller holds, and refuses a filter on another", () => {
    const database = setup();
    const records = list(database, {}, ["dept-b"]);
    expect(records.map((r) => r.departmentUuid)).toEqual(["dept-b", "dept-b"]);
    const refused = (() => {
      try {
        list(database, { departmentUuid: "dept-a" }, ["dept-b"]);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(PayreqError);
    expect((refused as PayreqError).item.errorCode).toBe(ERRORS.INVALID_SCOPE_DEPARTMENT.code);
    expect(() => list(database, {}, [])).toThrow(PayreqError);
  });

  it("refuses a forged cursor", () => {
    expect(() => list(setup(), { cursor: "bm90LWEtY3Vyc29y" })).toThrow(/cursor/);
  });

  it.each([
    ["department_uuid = 'x'", "audit_department"],
    ["username = 'x'", "audit_username"],
    ["outcome = 'FAILED'", "audit_outcome"],
    ["http_status = 500", "audit_status"],
    ["error_code = 100005", "audit_error_code"],
    ["order_number = 'x'", "audit_order_number"],
    ["order_uuid = 'x'", "audit_order"],
    ["invoice_uuid = 'x'", "audit_invoice"],
    ["customer_uuid = 'x'", "audit_customer"],
    ["idempotency_key = 'x'", "audit_idempotency_key"],
  ])("walks an index for %s, newest first, without sorting", (clause, index) => {
    const database = setup();
    const plan = database.sqlite
      .prepare(`explain query plan select * from audit_log where ${clause} order by seq desc limit 51`)
      .all() as {
      detail: string;
    }[];
    const text = plan.map((p) => p.detail).join(" | ");
    expect(text).toContain(index);
    expect(text).not.toContain("TEMP B-TREE");
  });
});

describe("getAuditRecord", () => {
  it("returns one record with its timeline, request and response", () => {
    const record = getAuditRecord(setup().sqlite, "*", "req-known");
    expect(record).toMatchObject({
      requestId: "req-known",
      httpStatus: 500,
      timeline: [],
      requestBody: {},
      responseBody: {},
    });
    expect(record.rowHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers 404 for an unknown id and 403 for another department's row", () => {
    const database = setup();
    expect(() => getAuditRecord(database.sqlite, "*", "nope")).toThrow(PayreqError);
    try {
      getAuditRecord(database.sqlite, ["dept-b"], "req-known");
      expect.unreachable();
    } catch (error) {
      expect((error as PayreqError).status).toBe(403);
    }
  });
});

describe("auditStats", () => {
  it("counts outcomes per department per day and ranks error codes", () => {
    const stats = auditStats(setup().sqlite, "*", {});
    expect(stats.days).toEqual([
      { day: "2026-11-22", departmentUuid: "dept-a", success: 0, rejected: 0, failed: 1, total: 1 },
      { day: "2026-11-21", departmentUuid: "dept-a", success: 0, rejected: 1, failed: 0, total: 1 },
      { day: "2026-11-21", departmentUuid: "dept-b", success: 1, rejected: 1, failed: 0, total: 2 },
      { day: "2026-11-20", departmentUuid: "dept-a", success: 1, rejected: 0, failed: 0, total: 1 },
    ]);
    expect(stats.topErrorCodes.map((e) => e.errorCode).sort()).toEqual([100005, 100006, 100014]);
    expect(stats.topErrorCodes.find((e) => e.errorCode === 100014)?.errorTitle).toBe(
      "INVALID_SCOPE_DEPARTMENT",
    );
  });

  it("keeps to a range and to the caller's departments", () => {
    const stats = auditStats(setup().sqlite, ["dept-b"], { since: new Date(T0 + DAY).toISOString() });
    expect(stats.days).toEqual([
      { day: "2026-11-21", departmentUuid: "dept-b", success: 1, rejected: 1, failed: 0, total: 2 },
    ]);
    expect(stats.topErrorCodes).toEqual([
      { errorCode: 100014, errorTitle: "INVALID_SCOPE_DEPARTMENT", count: 1 },
    ]);
  });
});
