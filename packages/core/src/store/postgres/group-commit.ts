import type pg from "pg";
import type { Sql } from "../../ports/store.ts";

type Pending = {
  work: (tx: Sql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/**
 * Group commit on PostgreSQL: the transactions that append to the audit chain (a call's last writes and its row)
 * would otherwise take the chain lock one at a time and hold it across their own commit's fsync. Here they queue,
 * and each batch runs on one connection in one transaction, a savepoint per call (a failing call undoes only its
 * own writes), under one chain lock and one commit. Every caller is answered after the commit that holds its writes.
 */
export const createGroupCommit = (options: {
  connect: () => Promise<pg.PoolClient>;
  sqlOf: (client: pg.PoolClient) => Sql;
  translate: (error: unknown) => unknown;
  maxBatch: number;
  /** A batch of `size` committed; its COMMIT began at `startedAt` (performance.now()). */
  onCommit: (size: number, startedAt: number) => void;
}) => {
  const queue: Pending[] = [];
  let running: Promise<void> | undefined;

  const runBatch = async (batch: Pending[]) => {
    let client: pg.PoolClient | undefined;
    const settled: { pending: Pending; ok: boolean; value: unknown }[] = [];
    try {
      client = await options.connect();
      const sql = options.sqlOf(client);
      // One round trip between calls: the previous call's savepoint released and the next one's taken together
      // (COMMIT releases the last).
      await client.query("begin; savepoint call");
      for (const [i, pending] of batch.entries()) {
        if (i > 0) await client.query("release savepoint call; savepoint call");
        try {
          settled.push({ pending, ok: true, value: await pending.work(sql) });
        } catch (error) {
          await client.query("rollback to savepoint call");
          settled.push({ pending, ok: false, value: error });
        }
      }
      const committing = performance.now();
      await client.query("commit");
      client.release();
      options.onCommit(batch.length, committing);
      for (const { pending, ok, value } of settled) (ok ? pending.resolve : pending.reject)(value);
    } catch (error) {
      // The batch as a whole failed (a lost connection, a failed commit): nothing of it is known to be written.
      await client?.query("rollback").catch(() => undefined);
      client?.release(true);
      const reason = options.translate(error);
      for (const pending of batch) pending.reject(reason);
    }
  };

  const drain = async () => {
    while (queue.length > 0) await runBatch(queue.splice(0, options.maxBatch));
    running = undefined;
  };

  return {
    run<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        running ??= drain();
      });
    },
    /** Resolves once every queued transaction has committed or failed. */
    idle: async () => {
      await running;
    },
  };
};
