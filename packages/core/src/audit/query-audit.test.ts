import { ERRORS } from "@payreq/contracts";
import { describe, expect, it } from "vitest";
import { appendRows } from "../../test/audit-rows.ts";
import { openTestStore, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { PayreqError } from "../domain/errors.ts";
import type { Store } from "../ports/store.ts";
import { auditStats, getAuditRecord, listAuditRecords } from "./query-audit.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-20T10:00:00Z");

const setupOn = async (kind: TestStoreKind) => {
  const database = await openTestStore(kind);
  await appendRows(
    database,
    [{ department_uuid: "dept-a", order_number: "RO-1234", customer_uuid: "cust-9" }],
    T0,
  );
  await appendRows(
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
  await appendRows(
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

const list = async (
  database: Store,
  query: Parameters<typeof listAuditRecords>[2],
  access: "*" | string[] = "*",
) => (await listAuditRecords(database, access, query)).records;

/** Throws what `work` rejects with, to inspect it. */
const rejection = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
};

describe.each(TEST_STORES)("on %s", (kind) => {
  const setup = () => setupOn(kind);

  describe("listAuditRecords", () => {
    it("returns every row newest first without filters", async () => {
      const records = await list(await setup(), {});
      expect(records).toHaveLength(5);
      expect(records[0]?.requestId).toBe("req-known");
      expect(records.map((r) => r.recordedAt)).toEqual(
        [...records.map((r) => r.recordedAt)].sort().reverse(),
      );
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
    ])("filters by %j", async (query, expected) => {
      const database = await setup();
      const records = await list(database, query);
      expect(records).toHaveLength(expected);
      for (const record of records) {
        if ("departmentUuid" in query) expect(record.departmentUuid).toBe(query.departmentUuid);
        if ("outcome" in query) expect(record.outcome).toBe(query.outcome);
        if ("httpStatus" in query) expect(record.httpStatus).toBe(query.httpStatus);
        if ("errorCode" in query) expect(record.errorCodes).toContain(query.errorCode);
      }
    });

    it("pages with a cursor that never skips or repeats a row while new rows arrive", async () => {
      const database = await openTestStore(kind);
      const initial = (
        await appendRows(
          database,
          Array.from({ length: 53 }, () => ({})),
          T0,
        )
      ).map((r) => r.request_id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listAuditRecords(database, "*", { limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.records.map((r) => r.requestId));
        await appendRows(database, [{}, {}], T0 + pages * 1000);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(8);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(initial.sort());
    });

    it("sees only the departments a scoped caller holds, and refuses a filter on another", async () => {
      const database = await setup();
      const records = await list(database, {}, ["dept-b"]);
      expect(records.map((r) => r.departmentUuid)).toEqual(["dept-b", "dept-b"]);
      const refused = await rejection(() => list(database, { departmentUuid: "dept-a" }, ["dept-b"]));
      expect(refused).toBeInstanceOf(PayreqError);
      expect((refused as PayreqError).item.errorCode).toBe(ERRORS.INVALID_SCOPE_DEPARTMENT.code);
      await expect(list(database, {}, [])).rejects.toThrow(PayreqError);
    });

    it("refuses a forged cursor", async () => {
      await expect(list(await setup(), { cursor: "bm90LWEtY3Vyc29y" })).rejects.toThrow(/cursor/);
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
    ])("walks an index for %s, newest first, without sorting", async (clause, index) => {
      const database = await setup();
      const query = `select * from audit_log where ${clause} order by seq desc limit 51`;
      const text =
        database.dialect === "sqlite"
          ? (await database.sql.all<{ detail: string }>(`explain query plan ${query}`))
              .map((p) => p.detail)
              .join(" | ")
          : // A five-row table is cheapest to scan: ask whether the index can serve the page without a sort.
            await database.transaction(async (tx) => {
              await tx.run("set local enable_seqscan = off");
              await tx.run("set local enable_sort = off");
              const plan = await tx.all<{ "QUERY PLAN": string }>(`explain ${query}`);
              return plan.map((p) => p["QUERY PLAN"]).join(" | ");
            });
      expect(text).toContain(index);
      expect(text).not.toMatch(/TEMP B-TREE|Sort/);
    });
  });

  describe("getAuditRecord", () => {
    it("returns one record with its timeline, request and response", async () => {
      const record = await getAuditRecord(await setup(), "*", "req-known");
      expect(record).toMatchObject({
        requestId: "req-known",
        httpStatus: 500,
        timeline: [],
        requestBody: {},
        responseBody: {},
      });
      expect(record.rowHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it("answers 404 for an unknown id and 403 for another department's row", async () => {
      const database = await setup();
      await expect(getAuditRecord(database, "*", "nope")).rejects.toThrow(PayreqError);
      const refused = await rejection(() => getAuditRecord(database, ["dept-b"], "req-known"));
      expect((refused as PayreqError).status).toBe(403);
    });
  });

  describe("auditStats", () => {
    it("counts outcomes per department per day and ranks error codes", async () => {
      const stats = await auditStats(await setup(), "*", {});
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

    it("keeps to a range and to the caller's departments", async () => {
      const stats = await auditStats(await setup(), ["dept-b"], { since: new Date(T0 + DAY).toISOString() });
      expect(stats.days).toEqual([
        { day: "2026-11-21", departmentUuid: "dept-b", success: 1, rejected: 1, failed: 0, total: 2 },
      ]);
      expect(stats.topErrorCodes).toEqual([
        { errorCode: 100014, errorTitle: "INVALID_SCOPE_DEPARTMENT", count: 1 },
      ]);
    });
  });
});
