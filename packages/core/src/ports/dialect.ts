import type { Dialect } from "./store.ts";

/** The few places where SQLite and PostgreSQL need different SQL. */
export const dialectOf = (dialect: Dialect) => ({
  /** Row lock for the rest of the transaction; SQLite's write transaction already excludes other writers. */
  forUpdate: dialect === "postgres" ? " for update" : "",
  /** The UTC day (YYYY-MM-DD) of a column holding epoch milliseconds. */
  dayOf: (column: string) =>
    dialect === "postgres"
      ? `to_char(to_timestamp(${column} / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`
      : `date(${column} / 1000, 'unixepoch')`,
  /**
   * SQLite plans without statistics and may walk a time range instead of the filter's own index: name it.
   * PostgreSQL's planner picks the (column, seq) index itself.
   */
  indexedBy: (index: string) => (dialect === "sqlite" ? `indexed by ${index}` : ""),
});
