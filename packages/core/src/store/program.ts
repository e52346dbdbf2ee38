import type { Clock, IdGenerator } from "../ids.ts";
import type { Sql, Store } from "./sql.ts";

/** What a program may use besides its transaction: the time, new ids, and the store's own locks and owners. */
export type ProgramContext = {
  clock: Clock;
  ids: IdGenerator;
  store: Pick<Store, "dialect" | "lockAuditChain" | "ownerId" | "isOwnerAlive">;
};

/**
 * A transaction with a name: its arguments and result are plain data, so the store may run it wherever its
 * connection is (on SQLite, a worker thread that owns the writing connection; see sqlite/worker-store.ts). The
 * send path's transactions are programs; rarer ones may stay closures passed to `transaction`.
 */
export type Program<A, R> = {
  readonly name: string;
  /** Shares its commit with others (see Store.transaction); the transactions that append to the audit chain. */
  readonly grouped: boolean;
  run(tx: Sql, args: A, context: ProgramContext): Promise<R>;
};

export const defineProgram = <A, R>(
  name: string,
  run: (tx: Sql, args: A, context: ProgramContext) => Promise<R>,
  options: { grouped?: boolean } = {},
): Program<A, R> => ({ name, run, grouped: options.grouped ?? false });

/** Runs programs on a store with this process's clock and ids. */
export type ProgramRunner = <A, R>(program: Program<A, R>, args: A) => Promise<R>;

/** A program as a transaction of this thread; a store that runs it elsewhere uses that thread's clock and ids. */
export const runLocally =
  (store: Store, clock: Clock, ids: IdGenerator): ProgramRunner =>
  (program, args) =>
    store.transaction((tx) => program.run(tx, args, { clock, ids, store }), { grouped: program.grouped });

/** The store's own runner if it runs programs elsewhere, else programs as transactions of this thread. */
export const programRunner = (store: Store, clock: Clock, ids: IdGenerator): ProgramRunner =>
  store.runProgram ? (program, args) => store.runProgram!(program, args) : runLocally(store, clock, ids);
