import { describe, expect, it } from "vitest";
import { appendRows, exec, tamper } from "../../test/audit-rows.ts";
import { openTestStore, TEST_STORES } from "../../test/test-stores.ts";
import { systemClock } from "../ports/clock.ts";
import { pruneAuditLog } from "./prune-audit.ts";
import { verifyAuditChain } from "./verify-chain.ts";

const T0 = Date.parse("2026-11-01T00:00:00Z");
const DAY = 86_400_000;

describe.each(TEST_STORES)("append-only audit log on %s", (kind) => {
  const setup = async () => {
    const store = await openTestStore(kind);
    for (let day = 0; day < 5; day++) await appendRows(store, [{}, {}, {}], T0 + day * DAY);
    return store;
  };

  it("refuses UPDATE and DELETE by direct SQL", async () => {
    const store = await setup();
    await expect(exec(store, "update audit_log set http_status = 200 where seq = 2")).rejects.toThrow(
      /append-only/,
    );
    await expect(exec(store, "delete from audit_log where seq = 2")).rejects.toThrow(/retention pruning/);
    await exec(
      store,
      "update audit_pruning set active = 1 where id = 1",
      "delete from audit_log where seq = 1",
    );
    // The guard table itself is a weak point by design: the chain below still catches what it lets through.
    expect((await verifyAuditChain(store.sql)).ok).toBe(false);
  });

  it("verifies an untouched chain", async () => {
    const report = await verifyAuditChain((await setup()).sql);
    expect(report).toMatchObject({ ok: true, rowsChecked: 15, firstSeq: 1 });
    expect(report.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names an edited row", async () => {
    const store = await setup();
    await tamper(store, "update audit_log set username = 'someone-else' where seq = 7");
    expect((await verifyAuditChain(store.sql)).problem).toMatchObject({ seq: 7, kind: "altered" });
  });

  it("names the row after a deleted one", async () => {
    const store = await setup();
    await tamper(store, "delete from audit_log where seq = 9");
    expect((await verifyAuditChain(store.sql)).problem).toMatchObject({
      seq: 10,
      kind: "removed-or-reordered",
    });
  });

  it("names a re-ordered row", async () => {
    const store = await setup();
    await tamper(
      store,
      "update audit_log set seq = 100 where seq = 4",
      "update audit_log set seq = 4 where seq = 5",
      "update audit_log set seq = 5 where seq = 100",
    );
    const report = await verifyAuditChain(store.sql);
    expect(report.ok).toBe(false);
    expect(report.problem?.seq).toBe(4);
  });

  it("names a row inserted with a forged hash", async () => {
    const store = await setup();
    await tamper(
      store,
      "update audit_log set seq = seq + 1000 where seq > 12",
      "update audit_log set seq = seq - 999 where seq > 1000",
    );
    const row = await store.sql.get<Record<string, string | number | null>>(
      "select * from audit_log where seq = 12",
    );
    const forged = { ...row, seq: 13, request_id: "forged" };
    await store.transaction((tx) =>
      tx.run(
        `insert into audit_log (${Object.keys(forged).join(", ")}) values (${Object.keys(forged)
          .map(() => "?")
          .join(", ")})`,
        Object.values(forged),
      ),
    );
    expect((await verifyAuditChain(store.sql)).problem).toMatchObject({ seq: 13, requestId: "forged" });
  });

  it("prunes old rows in one transaction and still verifies, and new rows chain on", async () => {
    const store = await setup();
    const result = await pruneAuditLog(store, T0 + 2 * DAY, systemClock);
    expect(result).toEqual({ rowsRemoved: 6, firstSeq: 7 });
    expect(await verifyAuditChain(store.sql)).toMatchObject({ ok: true, rowsChecked: 9, firstSeq: 7 });
    await appendRows(store, [{}], T0 + 6 * DAY);
    expect(await verifyAuditChain(store.sql)).toMatchObject({ ok: true, rowsChecked: 10 });
    await expect(exec(store, "delete from audit_log where seq = 8")).rejects.toThrow(/retention pruning/);
  });

  it("keeps the chain when every row is pruned", async () => {
    const store = await setup();
    await pruneAuditLog(store, T0 + 10 * DAY, systemClock);
    await appendRows(store, [{}, {}], T0 + 11 * DAY);
    const report = await verifyAuditChain(store.sql);
    expect(report).toMatchObject({ ok: true, rowsChecked: 2, firstSeq: 16 });
  });

  it("verifies a chain longer than one read batch", async () => {
    const store = await openTestStore(kind);
    await appendRows(
      store,
      Array.from({ length: 2500 }, () => ({})),
      T0,
    );
    expect(await verifyAuditChain(store.sql)).toMatchObject({ ok: true, rowsChecked: 2500, firstSeq: 1 });
  });
});
