import { createHash, randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { ChainHeadSlot, Sql, SqlParam, Store } from "../../ports/store.ts";
import { runsFromBundle } from "../bundle-layout.ts";
import { emptyGroupCommitStats, recordGroupCommit } from "../commit-stats.ts";
import { assertSchemaCurrent } from "../schema-version.ts";
import { createGroupCommit, type TransactionSql } from "./group-commit.ts";
import { translate } from "./pg-errors.ts";

export type PostgresStore = Store & { readonly dialect: "postgres"; readonly pool: pg.Pool };

export type PostgresOptions = {
  /** Connections per process. */
  poolSize?: number;
  /** How long to wait for a connection before answering 503: never hang on a database that is gone. */
  connectTimeoutMs?: number;
  /** How long any one statement may run (server side), and how long the client waits for its answer. */
  statementTimeoutMs?: number;
  /** false: do not migrate (PAYREQ_MIGRATE=off), and refuse a schema older than the code. */
  migrate?: boolean;
};

const MIGRATIONS_FOLDER = fileURLToPath(
  runsFromBundle
    ? new URL("./migrations/postgres", import.meta.url)
    : new URL("../../../migrations/postgres", import.meta.url),
);

/** Advisory lock keys (first int4: payreq's namespace). */
const LOCK_NAMESPACE = 0x70_61_79_72; // "payr"
const MIGRATION_LOCK = 1;
const AUDIT_CHAIN_LOCK = 2;
/** Owners are the second key of this namespace: a live process holds its own for its whole life. */
const OWNER_NAMESPACE = 0x70_61_79_6f; // "payo"

/** int8 (counts, epoch milliseconds) and numeric (sums) come back as strings by default; ours all fit a double. */
const types = {
  getTypeParser: (oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

const placeholders = new Map<string, { name: string; text: string }>();
/** `?` → `$n`, and a statement name, so each connection prepares each statement once. */
const toPg = (text: string) => {
  let converted = placeholders.get(text);
  if (!converted) {
    let n = 0;
    converted = {
      name: `p${createHash("sha1").update(text).digest("hex").slice(0, 16)}`,
      text: text.replace(/\?/g, () => `$${++n}`),
    };
    placeholders.set(text, converted);
  }
  return converted;
};

type Queryable = Pick<pg.PoolClient, "query">;

type Write = { text: string; params: readonly SqlParam[] };

/**
 * The most writes joined in one statement, and their most parameters (the protocol allows 65,535): a call's
 * last writes are five or six; a longer run of them (a bulk append) goes in several.
 */
const MAX_JOINED_WRITES = 16;
const MAX_JOINED_PARAMS = 8192;

/**
 * Writes in one statement: `with w1 as (…), w2 as (…) …last…`. Each runs once, on the snapshot the statement
 * began with, and their foreign keys are checked at its end.
 */
const joined = (writes: readonly Write[]): Write => ({
  text: `with ${writes
    .slice(0, -1)
    .map((w, i) => `w${i + 1} as (${w.text})`)
    .join(", ")} ${writes.at(-1)?.text}`,
  params: writes.flatMap((w) => w.params),
});

const queryOf =
  (client: Queryable) =>
  async (text: string, params: readonly SqlParam[] = []) => {
    const { name, text: converted } = toPg(text);
    try {
      return await client.query({ name, text: converted, values: [...params] });
    } catch (error) {
      throw translate(error);
    }
  };

/** Statements on the pool, each its own transaction. */
const createPoolSql = (client: Queryable): Sql => {
  const query = queryOf(client);
  return {
    all: async <T>(text: string, params?: readonly SqlParam[]) => (await query(text, params)).rows as T[],
    get: async <T>(text: string, params?: readonly SqlParam[]) =>
      (await query(text, params)).rows[0] as T | undefined,
    run: async (text, params) => ({ changes: (await query(text, params)).rowCount ?? 0 }),
  };
};

/**
 * Statements of one transaction on one connection. Deferred writes wait in order, and go as one statement before
 * any other statement of this Sql (so a read sees them) or at `flush`: a call's last writes and its audit row are
 * one round trip.
 */
const createTransactionSql = (client: Queryable): TransactionSql => {
  const query = queryOf(client);
  const deferred: Write[] = [];
  const flush = async () => {
    while (deferred.length > 0) {
      let count = 0;
      let params = 0;
      while (count < Math.min(deferred.length, MAX_JOINED_WRITES)) {
        params += deferred[count]!.params.length;
        if (count > 0 && params > MAX_JOINED_PARAMS) break;
        count++;
      }
      const writes = deferred.splice(0, count);
      const write = writes.length === 1 ? writes[0]! : joined(writes);
      await query(write.text, write.params);
    }
  };
  const flushed = async (text: string, params?: readonly SqlParam[]) => {
    await flush();
    return query(text, params);
  };
  return {
    all: async <T>(text: string, params?: readonly SqlParam[]) => (await flushed(text, params)).rows as T[],
    get: async <T>(text: string, params?: readonly SqlParam[]) =>
      (await flushed(text, params)).rows[0] as T | undefined,
    run: async (text, params) => ({ changes: (await flushed(text, params)).rowCount ?? 0 }),
    defer: (text, params = []) => {
      deferred.push({ text, params });
    },
    flush,
  };
};

const redactUrl = (url: string) => {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
};

/** What drizzle's migrator has recorded in the database (nothing when it never ran). */
const appliedMigrations = async (client: pg.Client) => {
  const { rows } = await client.query<{ present: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
  );
  if (!rows[0]?.present) return { count: 0, newest: null };
  const applied = await client.query<{ count: string; newest: string | null }>(
    "select count(*) as count, max(created_at) as newest from drizzle.__drizzle_migrations",
  );
  const row = applied.rows[0];
  return { count: Number(row?.count ?? 0), newest: row?.newest == null ? null : Number(row.newest) };
};

const applyMigrations = async (config: pg.ClientConfig, options: { migrate?: boolean }) => {
  const client = new pg.Client(config);
  await client.connect();
  try {
    if (options.migrate === false) {
      assertSchemaCurrent(MIGRATIONS_FOLDER, await appliedMigrations(client));
      return;
    }
    // Several instances starting together: one migrates, the others wait for it and then find nothing to do.
    await client.query("select pg_advisory_lock($1, $2)", [LOCK_NAMESPACE, MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
};

/** The channel the migrations' triggers notify on, with the changed table's name (0006_change_notices.sql). */
const CHANGES_CHANNEL = "payreq_changes";

/**
 * The process's own session, on a connection of its own:
 * - its owner id, a random number whose session-level advisory lock it holds: another process can tell whether
 *   the owner of a claim still runs by trying that lock, which the database releases when the connection ends,
 *   however the process ended;
 * - LISTEN on the changes channel, whose notices it passes to `onChange` (the table's name; undefined when notices
 *   may have been missed, as after a lost connection).
 * A lost connection is re-established with both.
 */
const holdSession = async (
  config: pg.ClientConfig,
  onChange: (table: string | undefined) => void,
  onError: (error: unknown) => void,
) => {
  let client: pg.Client | undefined;
  let closed = false;
  let ownerId = 0;
  /** Tries again a second later, and again after each failure, until it holds the session or is closed. */
  const reconnect = () => {
    if (closed) return;
    setTimeout(() => {
      connect().catch((error: unknown) => {
        onError(error);
        reconnect();
      });
    }, 1000).unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on("error", (error) => {
      onError(error);
      // Only an established session is lost here; a failed attempt is connect()'s own failure.
      if (client !== next) return;
      client = undefined;
      onChange(undefined);
      reconnect();
    });
    next.on("notification", (notice) => onChange(notice.payload));
    try {
      await next.connect();
      for (;;) {
        if (ownerId === 0) ownerId = randomInt(1, 2 ** 31 - 1);
        const { rows } = await next.query<{ got: boolean }>("select pg_try_advisory_lock($1, $2) as got", [
          OWNER_NAMESPACE,
          ownerId,
        ]);
        if (rows[0]?.got) break;
        ownerId = 0;
      }
      await next.query(`listen ${CHANGES_CHANNEL}`);
    } catch (error) {
      // Ended, so that a half-made session cannot keep the owner lock.
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    // Whatever changed while no one listened is not known.
    onChange(undefined);
  };
  await connect();
  return {
    get ownerId() {
      return ownerId;
    },
    get listening() {
      return client !== undefined;
    },
    close: async () => {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
};

/**
 * A PostgreSQL database shared by any number of processes: a pool of short transactions per process, migrations
 * applied under an advisory lock, the audit chain appended under another.
 */
export const openPostgresStore = async (
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresStore> => {
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const config: pg.PoolConfig = {
    connectionString: url,
    types,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 2000,
    application_name: "payreq",
  };
  await applyMigrations(config, options);
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection the server dropped is an event, not a crash: the pool opens a new one when needed.
  pool.on("error", () => undefined);
  const changeListeners = new Set<(table: string | undefined) => void>();
  const owner = await holdSession(
    config,
    (table) => {
      for (const listener of changeListeners) listener(table);
    },
    () => undefined,
  );
  const stats = { transactions: 0, commits: 0, groupCommit: emptyGroupCommitStats() };
  /** Transactions (by their Sql) that hold the audit chain's lock, with the head they last appended. */
  const chainHolders = new WeakMap<Sql, ChainHeadSlot>();
  /** A batch's transaction, begun with the chain's lock taken in the same round trip. */
  const beginLocked = `begin; select pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${AUDIT_CHAIN_LOCK})`;
  const hold = (sql: Sql): ChainHeadSlot => {
    const slot: ChainHeadSlot = {};
    chainHolders.set(sql, slot);
    return slot;
  };
  /** A transaction of a batch, which took the chain's lock with its BEGIN. */
  const lockedSql = (client: pg.PoolClient) => {
    const sql = createTransactionSql(client);
    hold(sql);
    return sql;
  };

  const connect = async () => {
    try {
      return await pool.connect();
    } catch (error) {
      throw translate(error);
    }
  };
  const grouped = createGroupCommit({
    connect,
    // Every grouped transaction appends to the chain, so its lock is taken with the BEGIN. A call in a savepoint
    // of its own gets a Sql (and a head slot) of its own: a rollback to its savepoint may undo its append.
    begin: async (client) => {
      await client.query(beginLocked);
      return {
        shared: lockedSql(client),
        isolated: () => lockedSql(client),
      };
    },
    translate,
    maxBatch: 100,
    onCommit: (size, startedAt) => {
      stats.transactions += size;
      stats.commits++;
      recordGroupCommit(stats.groupCommit, size, startedAt);
    },
  });

  return {
    dialect: "postgres",
    location: redactUrl(url),
    pool,
    sql: createPoolSql({
      query: ((...args: Parameters<pg.Pool["query"]>) => pool.query(...args)) as Queryable["query"],
    }),
    async transaction(work, options) {
      if (options?.grouped) return grouped.run(work);
      stats.transactions++;
      const client = await connect();
      let broken: unknown;
      try {
        await client.query("begin");
        const tx = createTransactionSql(client);
        const result = await work(tx);
        await tx.flush();
        await client.query("commit");
        stats.commits++;
        return result;
      } catch (error) {
        broken = error;
        await client.query("rollback").catch(() => undefined);
        throw translate(error);
      } finally {
        client.release(broken !== undefined && translate(broken) !== broken);
      }
    },
    async lockAuditChain(tx) {
      // Held to the end of the transaction: the calls of one group-commit batch share a transaction (and its Sql).
      const held = chainHolders.get(tx);
      if (held) return held;
      await tx.get("select pg_advisory_xact_lock(?, ?)", [LOCK_NAMESPACE, AUDIT_CHAIN_LOCK]);
      // A head is kept only for a transaction's own Sql, which ends with it.
      return "flush" in tx ? hold(tx) : undefined;
    },
    get ownerId() {
      return owner.ownerId;
    },
    changes: {
      listen: (listener) => {
        changeListeners.add(listener);
      },
      get listening() {
        return owner.listening;
      },
    },
    async isOwnerAlive(sql, ownerId) {
      if (ownerId === owner.ownerId) return true;
      // Session-level, so not undone with the transaction: a lock it gets is released at once.
      const got = await sql.get<{ got: boolean }>("select pg_try_advisory_lock(?, ?) as got", [
        OWNER_NAMESPACE,
        ownerId,
      ]);
      if (!got?.got) return true;
      await sql.get("select pg_advisory_unlock(?, ?)", [OWNER_NAMESPACE, ownerId]);
      return false;
    },
    async ready() {
      try {
        const { rows } = await pool.query<{ n: number }>(
          'select count(*) as n from drizzle."__drizzle_migrations"',
        );
        return (rows[0]?.n ?? 0) > 0;
      } catch {
        return false;
      }
    },
    stats,
    async close() {
      await grouped.idle();
      await owner.close();
      await pool.end();
    },
  };
};
