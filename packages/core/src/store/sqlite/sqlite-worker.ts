import { parentPort, workerData } from "node:worker_threads";
import { createUuidV7Generator } from "../../domain/ids.ts";
import { systemClock } from "../../ports/clock.ts";
import { type ProgramRegistry, runLocally, type Sql } from "../../ports/store.ts";
import { openSqliteStore, type SqliteStore } from "./open-sqlite.ts";
import { writeSharedStats } from "./shared-stats.ts";
import { type Ready, type Reply, type Request, serializeError } from "./worker-messages.ts";

/**
 * The SQLite worker's loop, in the worker thread: owns the writing connection of one database file, runs the
 * programs (handed in by the worker's entry, which knows every program) and the statements of remote transactions
 * the main thread sends, in its group commit, and answers each once durable.
 */
export const serveSqliteWorker = (programs: ProgramRegistry): void => {
  const port = parentPort;
  if (!port) throw new Error("sqlite-worker runs as a worker thread");

  const { path, stats, migrate } = workerData as { path: string; stats: SharedArrayBuffer; migrate: boolean };
  let store: SqliteStore;
  try {
    store = openSqliteStore(path, { migrate });
  } catch (error) {
    port.postMessage({ ready: false, error: serializeError(error) } satisfies Ready);
    throw error;
  }
  const run = runLocally(store, systemClock, createUuidV7Generator());

  /**
   * Remote transactions: each holds a turn of the write queue until the main thread ends it; `done` settles once
   * its writes are committed and durable (or rolled back).
   */
  const sessions = new Map<number, { tx: Sql; end: (commit: boolean) => void; done: Promise<void> }>();
  let nextSession = 1;

  /** Replies go out together once per turn of the event loop: a group commit answers its callers in one message. */
  let replies: Reply[] = [];
  const flush = () => {
    writeSharedStats(stats, store.stats);
    const batch = replies;
    replies = [];
    port.postMessage(batch);
  };
  const reply = (message: Reply) => {
    if (replies.length === 0) setImmediate(flush);
    replies.push(message);
  };

  const answer = (id: number, work: () => Promise<unknown>) => {
    work().then(
      (value) => reply({ id, ok: true, value }),
      (error: unknown) => reply({ id, ok: false, error: serializeError(error) }),
    );
  };

  const begin = (id: number) => {
    const session = nextSession++;
    let opened!: (value: { tx: Sql; end: (commit: boolean) => void }) => void;
    const open = new Promise<{ tx: Sql; end: (commit: boolean) => void }>((resolve) => {
      opened = resolve;
    });
    const done = store.transaction(
      (tx) =>
        new Promise<void>((resolve, reject) => {
          opened({ tx, end: (commit) => (commit ? resolve() : reject(new Error("rolled back"))) });
        }),
    );
    done.catch(() => undefined);
    // "Begun" once the turn is held: the main thread's statements then run inside this transaction.
    answer(id, async () => {
      sessions.set(session, { ...(await open), done });
      return session;
    });
  };

  const handle = (request: Request) => {
    switch (request.op) {
      case "program": {
        const program = programs.get(request.name);
        answer(request.id, () =>
          program
            ? run(program, request.args)
            : Promise.reject(new Error(`no program named ${request.name}`)),
        );
        return;
      }
      case "begin":
        begin(request.id);
        return;
      case "statement": {
        const session = sessions.get(request.session);
        answer(request.id, () =>
          session
            ? session.tx[request.kind](request.text, request.params)
            : Promise.reject(new Error(`no transaction ${request.session}`)),
        );
        return;
      }
      case "end": {
        const session = sessions.get(request.session);
        sessions.delete(request.session);
        session?.end(request.commit);
        answer(request.id, async () => {
          if (!session) throw new Error(`no transaction ${request.session}`);
          if (request.commit) await session.done;
          else await session.done.catch(() => undefined);
        });
        return;
      }
      case "close":
        answer(request.id, () => store.close());
        return;
    }
  };

  port.on("message", handle);

  port.postMessage({ ready: true } satisfies Ready);
};
