import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";

import { freshDatabase, locationOf, payreq } from "../../test/cli.ts";

describe.each(TEST_STORES)("payreq command on %s", { timeout: 30_000 }, (kind) => {
  it("seeds the demo data and prints its credentials as JSON", async () => {
    const env = await freshDatabase(kind);
    const run = await payreq(["demo", "seed", "--json"], env);
    expect(run.code).toBe(0);
    const demo = JSON.parse(run.stdout);
    expect(Object.keys(demo.credentials).sort()).toEqual([
      "aggregator",
      "harborSender",
      "ops",
      "sunriseIntegrator",
      "sunriseSender",
    ]);
    expect(demo.credentials.ops).toMatchObject({ scope: "payment.audit.read", departmentUuid: "*" });
    const again = await payreq(["demo", "seed"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already holds data");
  });

  it("names the store it seeded", async () => {
    const env = await freshDatabase(kind);
    const run = await payreq(["demo", "seed"], env);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(`Seeded ${locationOf(env)}`);
  });

  it("adds, grants, lists, revokes and disables credentials", async () => {
    const env = await freshDatabase(kind);
    const added = await payreq(
      ["credentials", "add", "dms-sync", "--json"],
      env,
      "a-long-password-from-stdin\n",
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({ username: "dms-sync" });

    const generated = await payreq(["credentials", "add", "kiosk", "--json"], env);
    expect(JSON.parse(generated.stdout).password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    expect(
      (await payreq(["credentials", "grant", "dms-sync", "payment.send.payment.request", "dept-1"], env))
        .code,
    ).toBe(0);
    expect((await payreq(["credentials", "grant", "dms-sync", "payment.audit.read", "*"], env)).code).toBe(0);
    const listed = JSON.parse((await payreq(["credentials", "list", "--json"], env)).stdout);
    const grants = listed.find((u: { username: string }) => u.username === "dms-sync").grants;
    expect(grants).toHaveLength(2);
    expect(grants).toEqual(
      expect.arrayContaining([
        { scope: "payment.send.payment.request", departmentUuid: "dept-1" },
        { scope: "payment.audit.read", departmentUuid: "*" },
      ]),
    );

    expect((await payreq(["credentials", "revoke", "dms-sync", "payment.audit.read", "*"], env)).code).toBe(
      0,
    );
    expect((await payreq(["credentials", "disable", "kiosk"], env)).code).toBe(0);
    const table = (await payreq(["credentials", "list"], env)).stdout;
    expect(table).toMatch(/dms-sync\s+active\s+payment\.send\.payment\.request@dept-1\n/);
    expect(table).toMatch(/kiosk\s+disabled/);
    expect(table).not.toContain("\u001b[");
  });
});

describe("payreq command", { timeout: 30_000 }, () => {
  it.each([
    [["credentials", "grant", "someone"], "usage: payreq credentials grant"],
    [["credentials", "grant", "someone", "payment.everything", "*"], "unknown scope"],
    [["credentials", "add", "bad name!"], "username must be"],
    [["launch"], "unknown command"],
    [["credentials", "list", "--colour"], "Unknown option"],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const run = await payreq(args, await freshDatabase());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("stops with a message naming a bad variable", async () => {
    const run = await payreq(["credentials", "list"], { ...(await freshDatabase()), PORT: "eighty" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("PORT");
  });
});
