import { ERRORS } from "@payreq/contracts";
import { TEST_STORES, type TestStoreKind } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";

type Listed = {
  records: { requestId: string; departmentUuid: string | null; operation: string }[];
  nextCursor: string | null;
};

const setup = async (kind: TestStoreKind) => {
  const t = await createTestApp({ store: kind });
  const harborDept = t.demo.ids.departments.harbor;
  await t.post(t.body());
  await t.post(t.body({ amount: 10.005 }));
  await t.post(t.body({ customerUuid: t.demo.ids.customers.harborFull }), {
    auth: t.harbor,
    department: harborDept,
  });
  await t.credentials.add("sunrise-ops", "sunrise-ops-password");
  await t.credentials.grant("sunrise-ops", "payment.audit.read", t.dept);
  const scopedOps = basic("sunrise-ops", "sunrise-ops-password");
  const get = (path: string, auth: string | null) =>
    t.app.request(path, { headers: auth === null ? {} : { Authorization: auth } });
  const trpcGet = (procedure: string, input: unknown, auth: string) =>
    t.app.request(`/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, {
      headers: { Authorization: auth },
    });
  return { ...t, harborDept, scopedOps, get, trpcGet };
};

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("GET /payment/aggregator/v1/audit-log", () => {
    it("lists every call newest first for a credential holding payment.audit.read on *", async () => {
      const t = await setup(kind);
      const res = await t.get("/payment/aggregator/v1/audit-log", t.ops);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Listed;
      expect(body.records).toHaveLength(3);
      expect(body.records.map((r) => r.departmentUuid)).toEqual([t.harborDept, t.dept, t.dept]);
      expect(body.nextCursor).toBeNull();
    });

    it("filters with query parameters and pages with the cursor", async () => {
      const t = await setup(kind);
      const rejected = (await (
        await t.get("/payment/aggregator/v1/audit-log?outcome=REJECTED&httpStatus=400", t.ops)
      ).json()) as Listed;
      expect(rejected.records).toHaveLength(1);
      const first = (await (await t.get("/payment/aggregator/v1/audit-log?limit=2", t.ops)).json()) as Listed;
      expect(first.records).toHaveLength(2);
      const second = (await (
        await t.get(`/payment/aggregator/v1/audit-log?limit=2&cursor=${first.nextCursor}`, t.ops)
      ).json()) as Listed;
      expect(second.records).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
    });

    it("refuses an unknown filter and a bad value with 400 naming it", async () => {
      const t = await setup(kind);
      const unknown = await t.get("/payment/aggregator/v1/audit-log?dept=x", t.ops);
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(await unknown.json())).toContain("dept");
      const limit = await t.get("/payment/aggregator/v1/audit-log?limit=201", t.ops);
      expect(limit.status).toBe(400);
      // A day the calendar lacks is refused, not rolled over into March.
      const impossible = await t.get("/payment/aggregator/v1/audit-log?since=2026-02-31T00:00:00Z", t.ops);
      expect(impossible.status).toBe(400);
      expect(JSON.stringify(await impossible.json())).toContain("since must be an ISO-8601 date-time");
    });

    it("shows a department-scoped credential only its departments and refuses another's with 403 100014", async () => {
      const t = await setup(kind);
      const own = (await (await t.get("/payment/aggregator/v1/audit-log", t.scopedOps)).json()) as Listed;
      expect(own.records.map((r) => r.departmentUuid)).toEqual([t.dept, t.dept]);
      const other = await t.get(
        `/payment/aggregator/v1/audit-log?departmentUuid=${t.harborDept}`,
        t.scopedOps,
      );
      expect(other.status).toBe(403);
      expect(((await other.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
        ERRORS.INVALID_SCOPE_DEPARTMENT.code,
      );
    });

    it("refuses a credential without payment.audit.read with the same 403", async () => {
      const t = await setup(kind);
      const res = await t.get("/payment/aggregator/v1/audit-log", t.sender);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
        ERRORS.INVALID_SCOPE_DEPARTMENT.code,
      );
    });

    it("records refused reads in the log, but not successful ones", async () => {
      const t = await setup(kind);
      const before = (await t.auditRows()).length;
      await t.get("/payment/aggregator/v1/audit-log", t.ops);
      await t.get("/payment/aggregator/v1/audit-log", null);
      await t.get("/payment/aggregator/v1/audit-log", t.sender);
      await t.get(`/payment/aggregator/v1/audit-log?departmentUuid=${t.harborDept}`, t.scopedOps);
      const added = (await t.auditRows()).slice(before);
      expect(added.map((r) => [r.operation, r.http_status])).toEqual([
        ["audit.list", 401],
        ["audit.list", 403],
        ["audit.list", 403],
      ]);
      expect(added[2]).toMatchObject({ username: "sunrise-ops", department_uuid: t.harborDept });
    });
  });

  describe("GET /payment/aggregator/v1/audit-log/{requestId}", () => {
    it("returns one call with its timeline, request and response, contact details masked", async () => {
      const t = await setup(kind);
      const sent = await t.post(t.body({ description: "Reach me at +1 312 555 0199" }));
      const requestId = sent.headers.get("x-request-id") ?? "";
      const res = await t.get(`/payment/aggregator/v1/audit-log/${requestId}`, t.ops);
      expect(res.status).toBe(200);
      const record = (await res.json()) as Record<string, unknown>;
      expect(record).toMatchObject({
        requestId,
        httpStatus: 200,
        outcome: "SUCCESS",
        username: "sunrise-sender",
      });
      expect((record.timeline as { step: string }[]).map((s) => s.step)).toContain("delivery");
      expect(JSON.stringify(record.requestBody)).not.toContain("555 0199");
      expect(JSON.stringify(record.responseBody)).toContain("paymentUrl");
    });

    it("answers 404 for an unknown id and 403 for another department's call", async () => {
      const t = await setup(kind);
      expect((await t.get("/payment/aggregator/v1/audit-log/no-such-request", t.ops)).status).toBe(404);
      const harborId =
        ((await t.auditRows()).find((r) => r.department_uuid === t.harborDept)?.request_id as string) ?? "";
      expect((await t.get(`/payment/aggregator/v1/audit-log/${harborId}`, t.scopedOps)).status).toBe(403);
    });
  });

  describe("tRPC audit.list, audit.get, audit.stats", () => {
    it("reads the same log with the same department rules", async () => {
      const t = await setup(kind);
      const listed = await t.trpcGet("audit.list", { limit: 10 }, t.scopedOps);
      expect(listed.status).toBe(200);
      const records = ((await listed.json()) as { result: { data: Listed } }).result.data.records;
      expect(records.every((r) => r.departmentUuid === t.dept)).toBe(true);

      const refused = await t.trpcGet("audit.list", { departmentUuid: t.harborDept }, t.scopedOps);
      expect(refused.status).toBe(403);
      expect(
        ((await refused.json()) as { error: { data: { errorCode: number } } }).error.data.errorCode,
      ).toBe(ERRORS.INVALID_SCOPE_DEPARTMENT.code);

      const one = await t.trpcGet("audit.get", { requestId: records[0]?.requestId }, t.ops);
      expect(one.status).toBe(200);
      const stats = await t.trpcGet("audit.stats", {}, t.ops);
      const data = (
        (await stats.json()) as {
          result: { data: { days: { total: number }[]; topErrorCodes: { errorCode: number }[] } };
        }
      ).result.data;
      // Three sends and the refused read above.
      expect(data.days.reduce((sum, d) => sum + d.total, 0)).toBe(4);
      expect(data.topErrorCodes[0]?.errorCode).toBe(ERRORS.INVALID_REQUEST_DATA.code);
      expect((await t.auditRows()).at(-1)).toMatchObject({
        operation: "audit.list",
        http_status: 403,
        transport: "trpc",
      });
    });
  });
});
