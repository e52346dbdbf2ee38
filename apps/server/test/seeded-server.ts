import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestCore } from "@payreq/core/testing";
import { startServerProcess } from "./server-process.ts";

type SeededCore = Awaited<ReturnType<typeof createTestCore>>;

/**
 * `payreq serve` as a real process on a temp database with the demo data (cheap test hashes), for tests that
 * call it as an outside client would. `prepare` may add to the database before the server opens it.
 */
export const startSeededServer = async (
  env: Record<string, string> = {},
  prepare: (core: SeededCore) => Promise<void> = async () => {},
) => {
  const path = join(mkdtempSync(join(tmpdir(), "payreq-caller-")), "payreq.db");
  const seeded = await createTestCore({ path });
  await prepare(seeded);
  await seeded.database.close();
  const server = await startServerProcess({ PAYREQ_DATABASE: path, ...env });
  return { server, demo: seeded.demo };
};
