import type { Clock, IdGenerator } from "./clock.ts";

/** Parameters bind positionally to `?`: numbers, strings and null. Booleans are stored as 0/1 in both stores. */
export type SqlParam = string | number | null;

/**
 * The one query interface of both stores. Statements are written once, in the SQL both SQLite and PostgreSQL
 * accept: `?` placeholders, quoted camelCase aliases, `on conflict`, `returning`. Where the two differ the store's
 * `dialect` says which to use (see dialect.ts).
 */
export type Sql = {
  all<T>(text: string, params?: readonly SqlParam[]): Promise<T[]>;
  get<T>(text: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  run(text: string, params?: readonly SqlParam[]): Promise<{ changes: number }>;
  /**
   * A write whose count is not needed, where the store can send it later (see `write`): PostgreSQL queues it and
   * sends the writes queued together as one statement of data-modifying CTEs, before this Sql's next other
   * statement or at the end of its transaction or its call, and a failure of one fails the transaction there.
   * Writes so joined see the database as it was before all of them: none may depend on another's effect.
   */
  defer?(text: string, params?: readonly SqlParam[]): void;
};

/** A write whose count is not needed: deferred where the Sql can join it to the writes after it, else run now. */
export const write = async (tx: Sql, text: string, params?: readonly SqlParam[]): Promise<void> => {
  if (tx.defer) tx.defer(text, params);
  else await tx.run(text, params);
};

export type Dialect = "sqlite" | "postgres";

/** The audit chain's newest row: what the next row extends. */
export type ChainHead = { seq: number; hash: string; recordedAt: number };

/** The chain's head as a transaction holding the chain's lock last appended it (see Store.lockAuditChain). */
export type ChainHeadSlot = { head?: ChainHead | undefined };

/**
 * A histogram as plain data: per-bucket counts (not cumulative; values above the last bound count only in
 * `count`), their sum and count. A store keeps its group-commit figures in this form inside its `stats`, which
 * any thread can copy, and the server exposes them as Prometheus histograms when scraped.
 */
export type BucketCounts = {
  readonly bounds: readonly number[];
  readonly counts: number[];
  sum: number;
  count: number;
};

/** What a store's group commit has done so far: calls per commit, and seconds per COMMIT (fsync included). */
export type GroupCommitStats = { batchSizes: BucketCounts; commitSeconds: BucketCounts };

export type StoreStats = {
  transactions: number;
  commits: number;
  syncs?: number;
  groupCommit?: GroupCommitStats;
};

/** What a program may use besides its transaction: the time, new ids, and the store's own locks and owners. */
export type ProgramContext = {
  clock: Clock;
  ids: IdGenerator;
  store: Pick<Store, "dialect" | "lockAuditChain" | "ownerId" | "isOwnerAlive">;
};

/**
 * A transaction with a name: its arguments and result are plain data, so the store may run it wherever its
 * connection is (on SQLite, a worker thread that owns the writing connection; see sqlite/worker-store.ts). Every
 * write of the send path is a program; rarer ones may stay closures passed to `transaction`.
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

/** Every program by name: what a store running programs on another thread can be asked to run. */
export type ProgramRegistry = ReadonlyMap<string, Program<unknown, unknown>>;

/** The shared database of every process of the service: SQLite (one host) or PostgreSQL (any number of hosts). */
export type Store = {
  readonly dialect: Dialect;
  /** Where it is, for logs: a file path, or the URL without its password. */
  readonly location: string;
  /** Reads that need no transaction. */
  readonly sql: Sql;
  /**
   * Runs `work` in one transaction and resolves after its commit; if `work` throws, none of its writes happen.
   * SQLite shares one commit among concurrent callers (group commit) always. PostgreSQL uses a short transaction
   * of its own, unless `grouped`: then `work` shares a transaction and its commit with other grouped work
   * (see group-commit.ts). Group what appends to the audit chain, which allows one appender at a time. Grouped work
   * may run twice (PostgreSQL runs a batch again, call by call, after one call failed): it must do nothing
   * outside its transaction, as a program does.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: { grouped?: boolean }): Promise<T>;
  /**
   * Runs a program where this store keeps its writing connection, with that thread's clock and ids; absent when
   * that is this thread (programs then run as transactions here).
   */
  runProgram?<A, R>(program: Program<A, R>, args: A): Promise<R>;
  /**
   * Inside a transaction: waits until no other transaction of any process can append to the audit chain, until
   * this one ends. SQLite's write lock already gives that; PostgreSQL takes a transaction-scoped advisory lock,
   * and answers a slot for the chain's head that lives as long as nothing can undo this Sql's appends: the
   * appender reads the head from it rather than from the table, and leaves the head it appended there.
   */
  lockAuditChain(tx: Sql): Promise<ChainHeadSlot | undefined>;
  /**
   * Other processes' changes to the rows every process caches (departments, dealers, message templates), where the
   * store can tell them (PostgreSQL's LISTEN/NOTIFY; see read-cache.ts): `listen`'s listener hears a table's name
   * after a change to it commits, and undefined when changes may have gone unheard (a lost connection, regained);
   * `listening` is false while they would go unheard.
   */
  readonly changes?: {
    listen(listener: (table: string | undefined) => void): void;
    readonly listening: boolean;
  };
  /** This process as a claim owner: its pid on SQLite (one host), a number held by a session lock on PostgreSQL. */
  readonly ownerId: number;
  /**
   * Whether the process that holds `ownerId` is still running, asked on `sql` (a transaction's own connection:
   * taking another from the pool while holding one could wait for a connection that never frees).
   */
  isOwnerAlive(sql: Sql, ownerId: number): Promise<boolean>;
  /** The store answers and its migrations are applied. */
  ready(): Promise<boolean>;
  readonly stats: StoreStats;
  close(): Promise<void>;
};

/** A program as a transaction of this thread; a store that runs it elsewhere uses that thread's clock and ids. */
export const runLocally =
  (store: Store, clock: Clock, ids: IdGenerator): ProgramRunner =>
  (program, args) =>
    store.transaction((tx) => program.run(tx, args, { clock, ids, store }), { grouped: program.grouped });

/** The store's own runner if it runs programs elsewhere, else programs as transactions of this thread. */
export const programRunner = (store: Store, clock: Clock, ids: IdGenerator): ProgramRunner =>
  store.runProgram ? (program, args) => store.runProgram!(program, args) : runLocally(store, clock, ids);

/** The store could not be reached (a lost connection, a server restarting): the call may be retried. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the database is unavailable", { cause });
    this.name = "StoreUnavailableError";
  }
}

export const isStoreUnavailable = (error: unknown): boolean => error instanceof StoreUnavailableError;

/** How long a caller should wait when the database is unreachable: a restart or failover takes seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;
