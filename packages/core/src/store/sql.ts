import type { GroupCommitStats } from "../metrics/bucket-counts.ts";
import type { Program } from "./program.ts";

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
};

export type Dialect = "sqlite" | "postgres";

export type StoreStats = {
  transactions: number;
  commits: number;
  syncs?: number;
  groupCommit?: GroupCommitStats;
};

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
   * of its own, unless `grouped`: then `work` shares a transaction and its commit with other grouped work, each
   * in a savepoint. Group what appends to the audit chain, which allows one appender at a time.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: { grouped?: boolean }): Promise<T>;
  /**
   * Runs a program where this store keeps its writing connection, with that thread's clock and ids; absent when
   * that is this thread (see program.ts: programs then run as transactions here).
   */
  runProgram?<A, R>(program: Program<A, R>, args: A): Promise<R>;
  /**
   * Inside a transaction: waits until no other transaction of any process can append to the audit chain, until
   * this one ends. SQLite's write lock already gives that; PostgreSQL takes a transaction-scoped advisory lock.
   */
  lockAuditChain(tx: Sql): Promise<void>;
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

/** The store could not be reached (a lost connection, a server restarting): the call may be retried. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the database is unavailable", { cause });
    this.name = "StoreUnavailableError";
  }
}

export const isStoreUnavailable = (error: unknown): boolean => error instanceof StoreUnavailableError;
