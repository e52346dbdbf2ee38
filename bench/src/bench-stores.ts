import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "@payreq/core";
import { type PostgresServer, startPostgresServer } from "@payreq/core/testing/postgres-server";
import pg from "pg";

export type StoreKind = "sqlite" | "postgres";

/**
 * Where the benchmark's databases live: SQLite files in a temporary folder, and databases on a PostgreSQL server of
 * its own on this machine (durable, fsync on, as in production). `env` points a `payreq serve` at one.
 */
export const startBenchStores = async (kinds: readonly StoreKind[]) => {
  const dir = mkdtempSync(join(tmpdir(), "payreq-bench-"));
  let server: PostgresServer | undefined;
  if (kinds.includes("postgres")) server = await startPostgresServer({ durable: true });
  const locationOf = async (kind: StoreKind, name: string) => {
    if (kind === "sqlite") return join(dir, `${name}.db`);
    if (!server) throw new Error("no PostgreSQL server was started");
    const admin = new pg.Client({ connectionString: server.urlOf("postgres") });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return server.urlOf(name);
  };
  return {
    async open(
      kind: StoreKind,
      name: string,
    ): Promise<{ store: Store; location: string; env: Record<string, string> }> {
      const location = await locationOf(kind, name);
      return {
        store: await openStore(location),
        location,
        env: kind === "sqlite" ? { PAYREQ_DATABASE: location } : { PAYREQ_DATABASE_URL: location },
      };
    },
    close() {
      server?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export type BenchStores = Awaited<ReturnType<typeof startBenchStores>>;
