import type pg from "pg";
import type { Sql } from "../../ports/store.ts";

/** A transaction's Sql, with its deferred writes: `flush` sends them (the store does, before COMMIT). */
export type TransactionSql = Sql & { flush(): Promise<void> };

type Pending = {
  work: (tx: Sql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

type Settled = { pending: Pending; ok: boolean; value: unknown };

/**
 * Group commit on PostgreSQL: the transactions that append to the audit chain (a call's last writes and its row)
 * would otherwise take the chain lock one at a time and hold it across their own commit's fsync. Here they queue,
 * and each batch runs on one connection in one transaction, under one chain lock and one commit. Every caller is
 * answered after the commit that holds its writes.
 *
 * A batch first runs optimistically, every call on the same transaction with no savepoint between them (a call's
 * writes are then a round trip or two). If any call fails, the transaction is rolled back, nothing of it written,
 * and the batch runs again with a savepoint per call, so that a failing call undoes only its own writes and the
 * others commit. A call's work is plain data in and out (a program), so running it again is safe.
 */
export const createGroupCommit = (options: {
  connect: () => Promise<pg.PoolClient>;
  /**
   * Begins the batch's transaction on `client` and answers the Sql a call runs on: `isolated` for a call in a
   * savepoint of its own (the store must then not carry what it knows of the transaction from one call to the next).
   */
  begin: (client: pg.PoolClient) => Promise<{ shared: TransactionSql; isolated: () => TransactionSql }>;
  translate: (error: unknown) => unknown;
  maxBatch: number;
  /** A batch of `size` committed; its COMMIT began at `startedAt` (performance.now()). */
  onCommit: (size: number, startedAt: number) => void;
}) => {
  const queue: Pending[] = [];
  let running: Promise<void> | undefined;

  /** Every call on one Sql; undefined when one failed (the transaction is then aborted, and is rolled back). */
  const together = async (client: pg.PoolClient, batch: Pending[]): Promise<Settled[] | undefined> => {
    const { shared } = await options.begin(client);
    const settled: Settled[] = [];
    for (const pending of batch) {
      try {
        const value = await pending.work(shared);
        // The call's deferred writes go before the next call's, so that a failure is the call's own.
        await shared.flush();
        settled.push({ pending, ok: true, value });
      } catch {
        await client.query("rollback");
        return undefined;
      }
    }
    return settled;
  };

  /** Each call in a savepoint of its own: a failing one is undone alone. */
  const apart = async (client: pg.PoolClient, batch: Pending[]): Promise<Settled[]> => {
    const { isolated } = await options.begin(client);
    const settled: Settled[] = [];
    for (const [i, pending] of batch.entries()) {
      // One round trip between calls: the previous call's savepoint released and the next one's taken together
      // (COMMIT releases the last).
      await client.query(i === 0 ? "savepoint call" : "release savepoint call; savepoint call");
      try {
        const tx = isolated();
        const value = await pending.work(tx);
        await tx.flush();
        settled.push({ pending, ok: true, value });
      } catch (error) {
        await client.query("rollback to savepoint call");
        settled.push({ pending, ok: false, value: error });
      }
    }
    return settled;
  };

  const runBatch = async (batch: Pending[]) => {
    let client: pg.PoolClient | undefined;
    try {
      client = await options.connect();
      const settled = (await together(client, batch)) ?? (await apart(client, batch));
      const committing = performance.now();
      // PostgreSQL answers COMMIT of a transaction an error aborted with ROLLBACK, not with an error.
      const { command } = await client.query("commit");
      if (command !== "COMMIT") throw new Error(`the batch's transaction ended in ${command}, not COMMIT`);
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
