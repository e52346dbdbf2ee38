import { openStore } from "@payreq/core";
import { TEST_STORES, type TestStoreKind } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { freshDatabase, locationOf, payreq } from "../../test/cli.ts";
import { createTestApp } from "../../test/harness.ts";

/** A database file with a few calls in it: two sends, a bad body, an unauthenticated call. */
const databaseWithCallsOn = async (kind: TestStoreKind) => {
  const env = await freshDatabase(kind);
  const t = await createTestApp({ location: locationOf(env) });
  const ok = await t.post(t.body({ orderNumber: "RO-1234" }));
  await t.post(t.body());
  await t.post(t.body({ amount: -1 }));
  await t.post(t.body(), { auth: null });
  await t.store.close();
  return { env, requestId: ok.headers.get("x-request-id") ?? "", dept: t.dept };
};

describe.each(TEST_STORES)("payreq audit on %s", { timeout: 30_000 }, (kind) => {
  const databaseWithCalls = () => databaseWithCallsOn(kind);

  it("lists calls as a table, JSON and CSV, with filters", async () => {
    const { env } = await databaseWithCalls();
    const table = await payreq(["audit", "list"], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^TIME \(UTC\)\s+REQUEST ID\s+DEPARTMENT/);
    expect(table.stdout.trim().split("\n")).toHaveLength(2 + 4);

    const json = JSON.parse(
      (await payreq(["audit", "list", "--json", "--since", "1h", "--outcome", "rejected"], env)).stdout,
    );
    expect(json.records.map((r: { httpStatus: number }) => r.httpStatus).sort()).toEqual([400, 401]);

    const byOrder = JSON.parse(
      (await payreq(["audit", "list", "--json", "--order-number", "RO-1234"], env)).stdout,
    );
    expect(byOrder.records).toHaveLength(1);

    const csv = (await payreq(["audit", "list", "--csv", "--status", "200"], env)).stdout
      .trim()
      .split("\r\n");
    expect(csv).toHaveLength(3);
    const header = csv[0]?.split(",") ?? [];
    expect(header).toContain("requestId");
    expect(csv[1]?.split(",")).toHaveLength(header.length);
  });

  it("shows one call with its timeline", async () => {
    const { env, requestId } = await databaseWithCalls();
    const text = await payreq(["audit", "show", requestId], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Timeline:");
    expect(text.stdout).toMatch(/delivery\s+/);
    const json = JSON.parse((await payreq(["audit", "show", requestId, "--json"], env)).stdout);
    expect(json).toMatchObject({ requestId, httpStatus: 200 });
    const missing = await payreq(["audit", "show", "no-such-id"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("not found");
  });

  it("prints stats", async () => {
    const { env, dept } = await databaseWithCalls();
    const stats = JSON.parse((await payreq(["audit", "stats", "--json"], env)).stdout);
    const sunrise = stats.days.find((d: { departmentUuid: string }) => d.departmentUuid === dept);
    expect(sunrise).toMatchObject({ success: 2, rejected: 2, total: 4 });
    expect(stats.topErrorCodes.map((e: { errorCode: number }) => e.errorCode).sort()).toEqual([
      100001, 100006,
    ]);
  });

  it("verifies the chain, names a tampered row, and passes after pruning", async () => {
    const { env } = await databaseWithCalls();
    const ok = await payreq(["audit", "verify"], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 4 rows checked/);

    const pruned = await payreq(["audit", "prune", "--before", "1970-01-02", "--json"], env);
    expect(JSON.parse(pruned.stdout)).toEqual({ rowsRemoved: 0, firstSeq: null });
    const all = await payreq(
      ["audit", "prune", "--before", new Date(Date.now() + 60_000).toISOString()],
      env,
    );
    expect(all.stdout).toContain("Removed 4 rows");
    expect((await payreq(["audit", "verify"], env)).code).toBe(0);

    const { env: other } = await databaseWithCalls();
    const database = await openStore(locationOf(other));
    await database.transaction(async (tx) => {
      await tx.run(
        database.dialect === "sqlite"
          ? "drop trigger audit_log_no_update"
          : "alter table audit_log disable trigger audit_log_no_update",
      );
      await tx.run("update audit_log set username = 'mallory' where seq = 2");
    });
    await database.close();
    const bad = await payreq(["audit", "verify"], other);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^TAMPERED: row seq 2 /);
  });

  it("refuses bad filters with exit 2", async () => {
    const { env } = await databaseWithCalls();
    for (const args of [
      ["audit", "list", "--since", "last tuesday"],
      ["audit", "list", "--since", "2026-13-45"],
      ["audit", "list", "--since", "2026-02-31"],
      ["audit", "list", "--status", "abc"],
      ["audit", "list", "--limit", "500"],
      ["audit", "prune"],
    ]) {
      const run = await payreq(args, env);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/payreq: /);
    }
  });
});
