import { openStore } from "@payreq/core";
import { createTestCore } from "@payreq/core/testing";
import type { TestStoreKind } from "@payreq/core/testing/stores";
import { freshDatabase, locationOf } from "./cli.ts";

/**
 * A new database of the kind with the demo data, for `payreq serve` processes to share: the environment that
 * points them at it, the demo's credentials and ids, and a store on it for checking what they wrote.
 */
export const seededDatabase = async (kind: TestStoreKind, env?: Record<string, string>) => {
  const target = env ?? (await freshDatabase(kind));
  const core = await createTestCore({ store: await openStore(locationOf(target)) });
  const { sunriseSender } = core.demo.credentials;
  return {
    ...core,
    env: target,
    auth: `Basic ${Buffer.from(`${sunriseSender.username}:${sunriseSender.password}`).toString("base64")}`,
  };
};
