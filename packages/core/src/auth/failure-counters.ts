import { createHash } from "node:crypto";
import type { PayreqDatabase } from "../db/open-database.ts";

export type FailureCount = { count: number; windowStart: number };

/** A throttling key as stored: its kind, then a hash of its value, so the table holds no address or username. */
export const failureKey = (kind: "address" | "username" | "pair", value: string) =>
  `${kind}:${createHash("sha256").update(value).digest("base64url").slice(0, 32)}`;

/**
 * Failed attempts per key in a fixed window that opens with the key's first failure and lasts `windowMs`.
 * Kept in the database, so every process on it counts the same attempts.
 */
export const createFailureCounters = (database: PayreqDatabase, windowMs: number) => {
  const { sqlite } = database;
  const select = sqlite.prepare(
    "select key, count, window_start as windowStart from auth_failures where key in (?, ?, ?)",
  );
  const add = sqlite.prepare(
    `insert into auth_failures (key, count, window_start) values (?, 1, ?)
     on conflict (key) do update set
       count = case when window_start <= excluded.window_start - ? then 1 else count + 1 end,
       window_start = case when window_start <= excluded.window_start - ? then excluded.window_start else window_start end`,
  );
  const remove = sqlite.prepare("delete from auth_failures where key = ?");
  const expired = sqlite.prepare("delete from auth_failures where window_start <= ?");

  return {
    windowMs,
    /** The live counts of up to three keys; a key whose window has closed counts nothing. */
    async read(keys: readonly [string, string, string], now: number): Promise<Map<string, FailureCount>> {
      const rows = select.all(...keys) as ({ key: string } & FailureCount)[];
      return new Map(rows.filter((r) => r.windowStart > now - windowMs).map((r) => [r.key, r]));
    },
    async add(keys: readonly string[], now: number): Promise<void> {
      await database.writes.run(() => {
        for (const key of keys) add.run(key, now, windowMs, windowMs);
      });
    },
    async clear(key: string): Promise<void> {
      await database.writes.run(() => remove.run(key));
    },
    async prune(now: number): Promise<number> {
      return database.writes.run(() => expired.run(now - windowMs).changes);
    },
  };
};

export type FailureCounters = ReturnType<typeof createFailureCounters>;
