import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDatabase, TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { payreq } from "../../test/cli.ts";
import { startServerProcess } from "../../test/server-process.ts";

/** The migrations each store's folder holds: all of them are applied to an empty database. */
const MIGRATIONS = {
  sqlite: (
    JSON.parse(
      readFileSync(
        new URL("../../../../packages/core/migrations/sqlite/meta/_journal.json", import.meta.url),
        "utf8",
      ),
    ) as { entries: unknown[] }
  ).entries.length,
  postgres: (
    JSON.parse(
      readFileSync(
        new URL("../../../../packages/core/migrations/postgres/meta/_journal.json", import.meta.url),
        "utf8",
      ),
    ) as { entries: unknown[] }
  ).entries.length,
};

/** A database no payreq has opened: nothing migrated. */
const emptyDatabase = async (kind: (typeof TEST_STORES)[number]): Promise<Record<string, string>> =>
  kind === "sqlite"
    ? { PAYREQ_DATABASE: join(mkdtempSync(join(tmpdir(), "payreq-migrate-")), "payreq.db") }
    : { PAYREQ_DATABASE_URL: await createPostgresDatabase({ migrated: false }) };

describe.each(TEST_STORES)("payreq migrate and PAYREQ_MIGRATE=off on %s", { timeout: 60_000 }, (kind) => {
  it("refuses to serve an unmigrated database in one line, migrates it once, then serves it", async () => {
    const env = { ...(await emptyDatabase(kind)), PAYREQ_MIGRATE: "off" };
    const refused = startServerProcess(env);
    await expect(refused).rejects.toThrow(/exited with 1 before listening/);
    const message = await refused.then(
      () => "",
      (error: Error) => error.message,
    );
    const stderr = message.split("\n").filter((line) => line.includes("payreq:"));
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      /^payreq: cannot open the (SQLite|PostgreSQL) database .*: the database schema/,
    );
    expect(stderr[0]).toContain(
      `is older than this payreq (0 of ${MIGRATIONS[kind]} migrations applied) and PAYREQ_MIGRATE=off: run \`payreq migrate\` first`,
    );

    // The other commands refuse it too.
    const listed = await payreq(["credentials", "list"], env);
    expect([listed.code, listed.stderr]).toEqual([1, expect.stringContaining("run `payreq migrate` first")]);

    const migrated = await payreq(["migrate", "--json"], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    const first = JSON.parse(migrated.stdout) as { applied: number; upToDate: boolean };
    expect(first.applied).toBe(MIGRATIONS[kind]);
    expect(first.upToDate).toBe(true);
    const again = await payreq(["migrate"], env);
    expect([again.code, again.stdout.trim()]).toEqual([
      0,
      expect.stringMatching(/already current, nothing to do$/),
    ]);

    const server = await startServerProcess(env);
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: "ready" }]);
    } finally {
      await server.stop();
    }
  });

  it("is refused with usage for arguments it does not take", async () => {
    const run = await payreq(["migrate", "now"], await emptyDatabase(kind));
    expect([run.code, run.stderr.trim()]).toEqual([2, "usage: payreq migrate [--json]"]);
  });
});
