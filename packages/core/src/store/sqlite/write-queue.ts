import type Database from "better-sqlite3";
import type { GroupCommitStats } from "../../ports/store.ts";
import { emptyGroupCommitStats, recordGroupCommit } from "../commit-stats.ts";

export type WriteQueue = {
  /**
   * Runs `work` inside the current batch transaction, in its own savepoint: if it throws, only its writes are undone.
   * Resolves once the batch holding its writes has committed and been made durable.
   */
  run<T>(work: () => T | Promise<T>): Promise<T>;
  /** Resolves when nothing is queued, uncommitted or waiting to be made durable. */
  drain(): Promise<void>;
  readonly stats: { batches: number; calls: number; syncs: number; groupCommit: GroupCommitStats };
};

/**
 * Makes every commit made so far durable (an fdatasync of the WAL file); runs off the event loop. Absent for a
 * database that has nothing to sync (":memory:").
 */
export type WalSync = () => Promise<void>;

type Waiter = { resolve: () => void; reject: (error: unknown) => void };
/** A committed batch: its callers, and when its COMMIT began (performance.now()). */
type Batch = { waiters: Waiter[]; committing: number };

const MAX_SYNCS = 3;

/**
 * Group commit: the writes of concurrent calls share one IMMEDIATE transaction per tick. Calls take turns (one
 * savepoint at a time, so a rollback never touches another call's writes) and are answered only once their writes
 * are durable.
 *
 * Durability comes from `sync`, not from the COMMIT: the connection runs with synchronous=NORMAL, so COMMIT
 * returns without waiting for the disk, and the WAL is then synced in the thread pool while the event loop goes
 * on with the next batch. A caller is answered only after a sync that began after its batch committed, which is
 * what synchronous=FULL guarantees, without blocking every request for the length of an fsync. Up to
 * `MAX_SYNCS` syncs run at once, so a batch that commits while one is under way need not wait for it to end
 * before its own starts; past that, the batches that commit meanwhile share the next one.
 */
export const createWriteQueue = (sqlite: Database.Database, sync?: WalSync): WriteQueue => {
  let turn: Promise<void> = Promise.resolve();
  let pendingInBatch: Waiter[] = [];
  let commitScheduled = false;
  let inSavepoint = false;
  /** Batches committed and waiting for a sync to start; and the syncs under way. */
  let awaitingSync: Batch[] = [];
  const syncing = new Set<Promise<void>>();
  const stats = { batches: 0, calls: 0, syncs: 0, groupCommit: emptyGroupCommitStats() };
  const sql = {
    begin: sqlite.prepare("BEGIN IMMEDIATE"),
    commit: sqlite.prepare("COMMIT"),
    rollback: sqlite.prepare("ROLLBACK"),
    savepoint: sqlite.prepare("SAVEPOINT call"),
    release: sqlite.prepare("RELEASE call"),
    rollbackTo: sqlite.prepare("ROLLBACK TO call"),
  };

  /** The batch is durable: its commit time counts up to here, fsync included. */
  const durable = (batch: Batch) => {
    recordGroupCommit(stats.groupCommit, batch.waiters.length, batch.committing);
    for (const w of batch.waiters) w.resolve();
  };

  const startSync = () => {
    const batches = awaitingSync;
    awaitingSync = [];
    const done = (async () => {
      try {
        await sync?.();
        stats.syncs++;
        for (const batch of batches) durable(batch);
      } catch (error) {
        for (const batch of batches) for (const w of batch.waiters) w.reject(error);
      }
    })().finally(() => {
      syncing.delete(done);
      if (awaitingSync.length > 0) startSync();
    });
    syncing.add(done);
  };

  const whenDurable = (batch: Batch) => {
    if (!sync) {
      durable(batch);
      return;
    }
    awaitingSync.push(batch);
    if (syncing.size < MAX_SYNCS) startSync();
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
    const committing = performance.now();
    try {
      sql.commit.run();
      stats.batches++;
    } catch (error) {
      if (sqlite.inTransaction) sql.rollback.run();
      for (const w of waiters) w.reject(error);
      return;
    }
    whenDurable({ waiters, committing });
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
    while (syncing.size > 0) await Promise.all(syncing);
  };

  return { run, drain, stats };
};
