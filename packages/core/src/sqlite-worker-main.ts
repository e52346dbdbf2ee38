import { PROGRAMS } from "./programs.ts";
import { serveSqliteWorker } from "./store/sqlite/sqlite-worker.ts";

/** The SQLite worker thread's entry: the worker's loop, handed every program it may be asked to run. */
serveSqliteWorker(PROGRAMS);
