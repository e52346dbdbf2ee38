import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The migrations a folder holds: drizzle's journal, one entry per migration with the time it was made. */
const journalOf = (folder: string) =>
  (JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: { when: number }[] })
    .entries;

/**
 * Raised by a store opened without migrating (PAYREQ_MIGRATE=off) on a database whose schema is older than the
 * code: the instance must not start, and says so in one line.
 */
export class SchemaBehindError extends Error {
  constructor(
    readonly applied: number,
    readonly total: number,
  ) {
    super(
      `the database schema is older than this payreq (${applied} of ${total} migrations applied) and PAYREQ_MIGRATE=off: run \`payreq migrate\` first`,
    );
    this.name = "SchemaBehindError";
  }
}

/**
 * Throws SchemaBehindError unless every migration of the folder is applied. drizzle's migrator records each
 * applied migration with its `when` as `created_at` and applies those made after the newest recorded one, so the
 * schema is current when the newest recorded time is the folder's newest. `applied` reads that table's count and
 * newest time (0 and null when the table is missing: a database never migrated).
 */
export const assertSchemaCurrent = (folder: string, applied: { count: number; newest: number | null }) => {
  const entries = journalOf(folder);
  const newest = Math.max(...entries.map((e) => e.when));
  if (applied.newest === null || applied.newest < newest) {
    throw new SchemaBehindError(applied.count, entries.length);
  }
};
