import { SchemaBehindError } from "@payreq/core";
import type { Config } from "../config.ts";
import { openConfiguredStore } from "../server.ts";

/**
 * `payreq migrate`: brings the database's schema up to this build's, for a deploy pipeline that migrates once
 * before it restarts instances started with PAYREQ_MIGRATE=off. Safe to run again, and beside running instances
 * (several at once on PostgreSQL wait for one another's lock).
 */
export const runMigrate = async (config: Config, args: string[], json: boolean): Promise<number> => {
  if (args.length > 0) {
    console.error("usage: payreq migrate [--json]");
    return 2;
  }
  const where = config.databaseUrl ? "PostgreSQL (PAYREQ_DATABASE_URL)" : config.databasePath;
  let before: { applied: number; total: number } | undefined;
  try {
    await (await openConfiguredStore({ ...config, migrate: false })).close();
  } catch (error) {
    if (!(error instanceof SchemaBehindError)) throw error;
    before = { applied: error.applied, total: error.total };
  }
  if (before) await (await openConfiguredStore({ ...config, migrate: true })).close();
  const applied = before ? before.total - before.applied : 0;
  if (json) console.log(JSON.stringify({ database: where, applied, upToDate: true }));
  else
    console.log(
      before
        ? `migrated ${where}: ${applied} migration${applied === 1 ? "" : "s"} applied, the schema is current`
        : `${where}: the schema is already current, nothing to do`,
    );
  return 0;
};
