import { createHash } from "node:crypto";
import type { Store } from "../ports/store.ts";
import { defineProgram, type ProgramRunner } from "../ports/store.ts";

export type FailureCount = { count: number; windowStart: number };

/** A user's auth_version and whether it is disabled (1), as a cached verification is checked against. */
export type CredentialVersion = { v: number; d: number };

/** The three keys' rows, and with `userId` that user's version as a row keyed '' (no failure key is empty). */
const READ = `select key, count, window_start as "windowStart" from auth_failures where key in (?, ?, ?)`;
const READ_WITH_VERSION = `${READ}
   union all select '' as key, auth_version as count, disabled as "windowStart" from api_users where id = ?`;

/** A throttling key as stored: its kind, then a hash of its value, so the table holds no address or username. */
export const failureKey = (kind: "address" | "username" | "pair", value: string) =>
  `${kind}:${createHash("sha256").update(value).digest("base64url").slice(0, 32)}`;

/** One more failure for each key, in a fixed window that opens with the key's first failure. */
export const addFailuresProgram = defineProgram<
  { keys: readonly string[]; now: number; windowMs: number },
  void
>("add-failures", async (tx, { keys, now, windowMs }) => {
  for (const key of keys) {
    await tx.run(
      `insert into auth_failures (key, count, window_start) values (?, 1, ?)
         on conflict (key) do update set
           count = case when auth_failures.window_start <= ? then 1 else auth_failures.count + 1 end,
           window_start = case when auth_failures.window_start <= ? then excluded.window_start
                               else auth_failures.window_start end`,
      [key, now, now - windowMs, now - windowMs],
    );
  }
});

export const clearFailuresProgram = defineProgram<{ key: string }, void>(
  "clear-failures",
  async (tx, { key }) => {
    await tx.run("delete from auth_failures where key = ?", [key]);
  },
);

/**
 * Failed attempts per key in a fixed window that opens with the key's first failure and lasts `windowMs`.
 * Kept in the store, so every process on it (every instance on one PostgreSQL) counts the same attempts.
 */
export const createFailureCounters = (store: Store, run: ProgramRunner, windowMs: number) => ({
  windowMs,
  /**
   * The live counts of up to three keys (a key whose window has closed counts nothing), and with `userId` that
   * user's current version, in the same read: a call with a cached credential asks the database once before it
   * starts, and sees a change to the credential made by any process.
   */
  async read(
    keys: readonly [string, string, string],
    now: number,
    userId?: number,
  ): Promise<{ counts: Map<string, FailureCount>; version?: CredentialVersion | undefined }> {
    const rows = await store.sql.all<{ key: string } & FailureCount>(
      userId === undefined ? READ : READ_WITH_VERSION,
      userId === undefined ? keys : [...keys, userId],
    );
    const user = rows.find((r) => r.key === "");
    return {
      counts: new Map(
        rows.filter((r) => r.key !== "" && r.windowStart > now - windowMs).map((r) => [r.key, r]),
      ),
      version: user && { v: user.count, d: user.windowStart },
    };
  },
  add: (keys: readonly string[], now: number): Promise<void> =>
    run(addFailuresProgram, { keys, now, windowMs }),
  clear: (key: string): Promise<void> => run(clearFailuresProgram, { key }),
  prune: (now: number): Promise<number> =>
    store.transaction(
      async (tx) =>
        (await tx.run("delete from auth_failures where window_start <= ?", [now - windowMs])).changes,
    ),
});

export type FailureCounters = ReturnType<typeof createFailureCounters>;
