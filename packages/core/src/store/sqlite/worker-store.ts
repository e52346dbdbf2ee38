import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Sql, Store, StoreStats } from "../../ports/store.ts";
import { StoreUnavailableError } from "../../ports/store.ts";
import { createSql, isMigrated, isProcessAlive } from "./open-sqlite.ts";
import { createSharedStats, readSharedStats } from "./shared-stats.ts";
import { deserializeError, type Ready, type Reply, type Request } from "./worker-messages.ts";

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void };
type Call = (request: { op: Request["op"] } & Record<string, unknown>) => Promise<unknown>;

/** Starts the worker and waits until it has opened and migrated the file; calls go to it in order. */
const startWorker = async (
  script: URL,
  path: string,
  migrate: boolean,
  onExit: () => void,
  onStart?: (worker: Worker) => void,
) => {
  const stats = createSharedStats();
  const worker = new Worker(script, { workerData: { path, stats, migrate } });
  onStart?.(worker);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let alive = true;
  await new Promise<void>((resolve, reject) => {
    // A worker that cannot open the file reports why, then throws it and ends. The thrown copy loses its message
    // crossing threads and may arrive first: kept for a worker that ended without a report, never left unhandled.
    let thrown: unknown;
    const failed = (error: unknown) => {
      thrown ??= error;
    };
    const exited = (code: number) =>
      reject(thrown ?? new Error(`the SQLite worker exited with code ${code} before it was ready`));
    worker.on("error", failed);
    worker.once("exit", exited);
    worker.once("message", (ready: Ready) => {
      if (!ready.ready) return reject(deserializeError(ready.error));
      worker.off("error", failed);
      worker.off("exit", exited);
      resolve();
    });
  });
  worker.on("message", (replies: Reply[]) => {
    for (const reply of replies) {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(deserializeError(reply.error));
    }
  });
  const fail = (error: unknown) => {
    if (!alive) return;
    alive = false;
    for (const waiting of pending.values()) waiting.reject(new StoreUnavailableError(error));
    pending.clear();
    onExit();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the SQLite worker exited with code ${code}`)));
  const call: Call = (request) =>
    new Promise((resolve, reject) => {
      if (!alive) return reject(new StoreUnavailableError(new Error("the SQLite worker has stopped")));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // At once, not batched: the worker starts on a call while this thread reads the next request.
      worker.postMessage({ ...request, id });
    });
  return {
    call,
    get stats(): StoreStats {
      return readSharedStats(stats);
    },
    get alive() {
      return alive;
    },
    async stop() {
      alive = false;
      await worker.terminate();
    },
  };
};

type WorkerHandle = Awaited<ReturnType<typeof startWorker>>;

/**
 * A SQLite file whose writes run on a worker thread, so that the database's work (statements, commits, the
 * audit chain's hashing) and the HTTP work use both cores. The worker owns the one writing connection and its
 * group commit; this thread reads through a read-only connection of its own (WAL lets readers and the writer run
 * together) and sends programs (one message each) or, for rarer transactions, their statements one by one. A
 * worker that dies answers its callers 503 and is started again on the next call.
 */
export const openSqliteWorkerStore = async (
  path: string,
  options: {
    /** The worker thread's script, which hands the worker its programs (see sqlite-worker-main.ts). */
    script: URL;
    /** false: the worker does not migrate, and refuses a schema older than the code. */
    migrate?: boolean;
    onWorker?: (worker: Worker) => void;
  },
): Promise<Store> => {
  let handle: Promise<WorkerHandle>;
  const start = (): Promise<WorkerHandle> =>
    startWorker(
      options.script,
      path,
      options.migrate ?? true,
      () => {
        handle = start();
        handle.catch(() => undefined);
      },
      options.onWorker,
    );
  handle = start();
  let current = await handle;
  const call: Call = async (request) => {
    current = await handle;
    return current.call(request);
  };
  let reader: Database.Database;
  try {
    reader = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (error) {
    await current.stop();
    throw error;
  }
  const sql = createSql(reader);

  return {
    dialect: "sqlite",
    location: path,
    sql,
    async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      // A transaction lives in one worker: if that one dies, its statements fail rather than go to the next.
      const worker = await handle;
      const session = (await worker.call({ op: "begin" })) as number;
      const statement =
        (kind: "all" | "get" | "run") =>
        (text: string, params: readonly unknown[] = []) =>
          worker.call({ op: "statement", session, kind, text, params: [...params] });
      const tx = { all: statement("all"), get: statement("get"), run: statement("run") } as Sql;
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        await worker.call({ op: "end", session, commit: false }).catch(() => undefined);
        throw error;
      }
      await worker.call({ op: "end", session, commit: true });
      return result;
    },
    runProgram: (program, args) => call({ op: "program", name: program.name, args }) as never,
    lockAuditChain: async () => undefined,
    ownerId: process.pid,
    isOwnerAlive: async (_sql, pid) => isProcessAlive(pid),
    async ready() {
      current = await handle;
      return current.alive && isMigrated(reader);
    },
    get stats() {
      return current.stats;
    },
    async close() {
      await call({ op: "close" }).catch(() => undefined);
      await current.stop();
      reader.close();
    },
  };
};
