import type { TestStoreKind } from "@payreq/core/testing/stores";
import { seededDatabase } from "./seeded-database.ts";
import { startServerProcess } from "./server-process.ts";

type Seeded = Awaited<ReturnType<typeof seededDatabase>>;

/**
 * `payreq serve` as a real process on a new database with the demo data (cheap test hashes), for tests that call
 * it as an outside client would. `prepare` may add to the database before the server opens it.
 */
export const startSeededServer = async (
  env: Record<string, string> = {},
  prepare: (core: Seeded) => Promise<void> = async () => {},
  kind: TestStoreKind = "sqlite",
) => {
  const seeded = await seededDatabase(kind);
  await prepare(seeded);
  await seeded.store.close();
  const server = await startServerProcess({ ...seeded.env, ...env });
  return { server, demo: seeded.demo };
};
