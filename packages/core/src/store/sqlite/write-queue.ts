import type Database from "better-sqlite3";
import {
  emptyGroupCommitStats,
  type GroupCommitStats,
  recordGroupCommit,
} from "../../metrics/bucket-counts.ts";

export type WriteQueue = {
  /**
   * Runs `work` inside the current batch transaction, in its own savepoint: if it throws, only its writes are undone.
   * Resolves once the batch holding its writes has committed.
   */
  run<T>(work: () => T | Promise<T>): Promise<T>;
  /** Resolves when nothing is queued or uncommitted. */
  drain(): Promise<void>;
  readonly stats: { batches: number; calls: number; groupCommit: GroupCommitStats };
};

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/**
 * Group commit: the writes of concurrent calls share one IMMEDIATE transaction per tick. Calls take turns
 * (one savepoint at a time, so a rollback never touches another call's writes) and are answered only after
 * the COMMIT that made their writes durable.
 */
export const createWriteQueue = (sqlite: Database.Database): WriteQueue => {
  let turn: Promise<void> = Promise.resolve();
  let pendingInBatch: Waiter[] = [];
  let commitScheduled = false;
  let inSavepoint = false;
  const stats = { batches: 0, calls: 0, groupCommit: emptyGroupCommitStats() };
  const sql = {
    begin: sqlite.prepare("BEGIN IMMEDIATE"),
    commit: sqlite.prepare("COMMIT"),
    rollback: sqlite.prepare("ROLLBACK"),
    savepoint: sqlite.prepare("SAVEPOINT call"),
    release: sqlite.prepare("RELEASE call"),
    rollbackTo: sqlite.prepare("ROLLBACK TO call"),
  };

  const commit = () => {
    commitScheduled = false;
    if (inSavepoint) {
      // A call is between its savepoint's statements (it awaited): its writes must not be cut in two.
      scheduleCommit();
      return;
    }
    const waiters = pendingInBatch;
    pendingInBatch = [];
    if (!sqlite.inTransaction) {
      for (const w of waiters) w.resolve();
      return;
    }
    try {
      const committing = performance.now();
      sql.commit.run();
      stats.batches++;
      recordGroupCommit(stats.groupCommit, waiters.length, committing);
      for (const w of waiters) w.resolve();
    } catch (error) {
      if (sqlite.inTransaction) sql.rollback.run();
      for (const w of waiters) w.reject(error);
    }
  };

  const scheduleCommit = () => {
    if (commitScheduled) return;
    commitScheduled = true;
    setImmediate(commit);
  };

  const runInSavepoint = async <T>(work: () => T | Promise<T>): Promise<T> => {
    if (!sqlite.inTransaction) sql.begin.run();
    sql.savepoint.run();
    inSavepoint = true;
    try {
      const result = await work();
      sql.release.run();
      return result;
    } catch (error) {
      if (sqlite.inTransaction) {
        sql.rollbackTo.run();
        sql.release.run();
      }
      throw error;
    } finally {
      inSavepoint = false;
    }
  };

  const run = <T>(work: () => T | Promise<T>): Promise<T> => {
    stats.calls++;
    const previous = turn;
    let finishTurn!: () => void;
    turn = new Promise<void>((resolve) => {
      finishTurn = resolve;
    });
    return previous.then(async () => {
      let result: T;
      try {
        result = await runInSavepoint(work);
      } finally {
        finishTurn();
      }
      await new Promise<void>((resolve, reject) => {
        pendingInBatch.push({ resolve, reject });
        scheduleCommit();
      });
      return result;
    });
  };

  const drain = async () => {
    await turn;
    if (pendingInBatch.length > 0 || sqlite.inTransaction) {
      await new Promise<void>((resolve, reject) => {
        pendingInBatch.push({ resolve, reject });
        scheduleCommit();
      });
    }
  };

  return { run, drain, stats };
};
