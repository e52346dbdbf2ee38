import { describe, expect, it } from "vitest";
import { appendRows } from "../../test/audit-rows.ts";
import { openDatabase } from "../db/open-database.ts";
import { systemClock } from "../ids.ts";
import { pruneAuditLog } from "./prune-audit.ts";
import { verifyAuditChain } from "./verify-chain.ts";

const T0 = Date.parse("2026-11-01T00:00:00Z");
const DAY = 86_400_000;

const setup = () => {
  const database = openDatabase(":memory:");
  for (let day = 0; day < 5; day++) appendRows(database, [{}, {}, {}], T0 + day * DAY);
  return database;
};

/** What someone with the file and a SQLite shell could do: drop the guards, then edit. */
const tamper = (database: ReturnType<typeof setup>, sql: string) => {
  database.sqlite.exec("drop trigger audit_log_no_update; drop trigger audit_log_no_delete;");
  database.sqlite.exec(sql);
};

describe("append-only audit log", () => {
  it("refuses UPDATE and DELETE by direct SQL", () => {
    const database = setup();
    expect(() => database.sqlite.exec("update audit_log set http_status = 200 where seq = 2")).toThrow(
      /append-only/,
    );
    expect(() => database.sqlite.exec("delete from audit_log where seq = 2")).toThrow(/retention pruning/);
    expect(() =>
      database.sqlite.exec("update audit_pruning set active = 1; delete from audit_log where seq = 1"),
    ).not.toThrow();
    // The guard table itself is a weak point by design: the chain below still catches what it lets through.
    expect(verifyAuditChain(database.sqlite).ok).toBe(false);
  });

  it("verifies an untouched chain", () => {
    const report = verifyAuditChain(setup().sqlite);
    expect(report).toMatchObject({ ok: true, rowsChecked: 15, firstSeq: 1 });
    expect(report.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names an edited row", () => {
    const database = setup();
    tamper(database, "update audit_log set username = 'someone-else' where seq = 7");
    expect(verifyAuditChain(database.sqlite).problem).toMatchObject({ seq: 7, kind: "altered" });
  });

  it("names the row after a deleted one", () => {
    const database = setup();
    tamper(database, "delete from audit_log where seq = 9");
    expect(verifyAuditChain(database.sqlite).problem).toMatchObject({
      seq: 10,
      kind: "removed-or-reordered",
    });
  });

  it("names a re-ordered row", () => {
    const database = setup();
    tamper(
      database,
      "update audit_log set seq = 100 where seq = 4; update audit_log set seq = 4 where seq = 5; update audit_log set seq = 5 where seq = 100;",
    );
    const report = verifyAuditChain(database.sqlite);
    expect(report.ok).toBe(false);
    expect(report.problem?.seq).toBe(4);
  });

  it("names a row inserted with a forged hash", () => {
    const database = setup();
    tamper(
      database,
      "update audit_log set seq = seq + 1000 where seq > 12; update audit_log set seq = seq - 999 where seq > 1000;",
    );
    const [row] = database.sqlite.prepare("select * from audit_log where seq = 12").all() as Record<
      string,
      unknown
    >[];
    database.sqlite
      .prepare(
        `insert into audit_log (${Object.keys(row ?? {}).join(", ")}) values (${Object.keys(row ?? {})
          .map(() => "?")
          .join(", ")})`,
      )
      .run(...Object.values({ ...row, seq: 13, request_id: "forged" }));
    expect(verifyAuditChain(database.sqlite).problem).toMatchObject({ seq: 13, requestId: "forged" });
  });

  it("prunes old rows in one transaction and still verifies, and new rows chain on", async () => {
    const database = setup();
    const result = await pruneAuditLog(database, T0 + 2 * DAY, systemClock);
    expect(result).toEqual({ rowsRemoved: 6, firstSeq: 7 });
    expect(verifyAuditChain(database.sqlite)).toMatchObject({ ok: true, rowsChecked: 9, firstSeq: 7 });
    appendRows(database, [{}], T0 + 6 * DAY);
    expect(verifyAuditChain(database.sqlite)).toMatchObject({ ok: true, rowsChecked: 10 });
    expect(() => database.sqlite.exec("delete from audit_log where seq = 8")).toThrow(/retention pruning/);
  });

  it("keeps the chain when every row is pruned", async () => {
    const database = setup();
    await pruneAuditLog(database, T0 + 10 * DAY, systemClock);
    appendRows(database, [{}, {}], T0 + 11 * DAY);
    const report = verifyAuditChain(database.sqlite);
    expect(report).toMatchObject({ ok: true, rowsChecked: 2, firstSeq: 16 });
  });
});
