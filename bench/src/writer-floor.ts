import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCore,
  openSqliteStore,
  type SqliteStore,
  type SqlParam,
  type Store,
  seedDemo,
  sendPaymentRequest,
} from "@payreq/core";
import { DEMO_CUSTOMER, publishedBody } from "./published-call.ts";

/**
 * What the SQLite writer cannot go below: the statements of real calls, and nothing else, on the connection that
 * writes. Calls of Send Payment Request run in this process on a SQLite file (as the service's worker runs them:
 * one transaction per call, group commits, the WAL synced before anyone is answered) while every statement of
 * their transactions is recorded. The same statements, with the same parameters, are then replayed on a copy of
 * the database as it was before the calls, straight on the connection, in the same group commits. The replay's
 * CPU per call is the writer's floor: the one writing thread cannot carry more than 1 / floor calls a second,
 * whatever the JavaScript around the statements costs.
 */

const PAYMENT_URLS = { baseUrl: "http://127.0.0.1/pay", ttlMs: 86_400_000 };

type Recorded = { kind: "all" | "get" | "run"; text: string; params: readonly SqlParam[] };

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** The store, with every statement of its transactions written down, call by call. */
const recording = (store: SqliteStore) => {
  const transactions: Recorded[][] = [];
  const recorded: Store = {
    ...store,
    transaction: (work, options) =>
      store.transaction((tx) => {
        const statements: Recorded[] = [];
        transactions.push(statements);
        const note =
          <K extends Recorded["kind"]>(kind: K) =>
          (text: string, params: readonly SqlParam[] = []) => {
            statements.push({ kind, text, params });
            return tx[kind](text, params);
          };
        return work({ all: note("all"), get: note("get"), run: note("run") } as typeof tx);
      }, options),
  };
  return { store: recorded, transactions };
};

export type WriterFloor = {
  calls: number;
  callsPerCommit: number;
  /** The whole call in this process, JavaScript included (no HTTP, no worker thread): CPU µs per call. */
  callMicros: number;
  /** The replayed statements of a call, their commits and WAL syncs: CPU µs per call. */
  floorMicros: number;
  /** A second replay that times each statement (the timing adds a little): its CPU µs per call. */
  timedMicros: number;
  /** Each statement's share of the timed replay, µs per call, largest first; they add up to `timedMicros`. */
  statements: [string, number][];
};

export const measureWriterFloor = async (options: { calls?: number; callsPerCommit?: number } = {}) => {
  const calls = options.calls ?? 4000;
  const callsPerCommit = options.callsPerCommit ?? 40;
  const warmup = 10 * callsPerCommit;
  const dir = mkdtempSync(join(tmpdir(), "payreq-writer-floor-"));
  const original = join(dir, "calls.db");
  try {
    const seeded = openSqliteStore(original);
    const seeding = createCore({ store: seeded, paymentUrls: PAYMENT_URLS });
    const demo = await seedDemo(seeded, seeding.credentials, seeding.clock);
    if (!demo) throw new Error("fresh database was not empty");
    await seeded.close();
    for (const copy of ["replay.db", "by-statement.db"]) copyFileSync(original, join(dir, copy));

    const { store, transactions } = recording(openSqliteStore(original));
    const core = createCore({ store, paymentUrls: PAYMENT_URLS });
    const { username, password } = demo.credentials.sunriseSender;
    const principal = await core.credentials.verify(username, password);
    if (!principal) throw new Error("the demo sender does not verify");
    const body = publishedBody(DEMO_CUSTOMER, "RO-FLOOR");
    /** Runs calls [from, to) in waves of one commit each; CPU µs per call of the measured ones. */
    const waves = async (total: number, wave: (from: number, to: number) => Promise<unknown>) => {
      let spent = 0;
      for (let from = 0; from < total; from += callsPerCommit) {
        const start = cpuMicros();
        await wave(from, Math.min(total, from + callsPerCommit));
        if (from >= warmup) spent += cpuMicros() - start;
      }
      return spent / (total - warmup);
    };
    const callMicros = await waves(calls, (from, to) =>
      Promise.all(
        Array.from({ length: to - from }, async (_, j) => {
          const result = await sendPaymentRequest(
            core.deps,
            principal,
            demo.ids.departments.sunrise,
            JSON.parse(body(from + j)),
            {
              requestId: `floor-${from + j}`,
              transport: "rest",
              operation: "payment-requests.send",
              receivedAt: Date.now(),
            },
          );
          if (result.status !== 200) throw new Error(`call ${from + j} answered ${result.status}`);
        }),
      ),
    );
    await store.close();
    if (transactions.length !== calls)
      throw new Error(`${transactions.length} transactions for ${calls} calls`);

    const replay = async (file: string, timed?: Map<string, number>) => {
      const copy = openSqliteStore(join(dir, file));
      type Prepared = Record<Recorded["kind"], (...params: SqlParam[]) => unknown>;
      const prepared = new Map<string, Prepared>();
      const statement = (text: string): Prepared => {
        const found = prepared.get(text) ?? (copy.sqlite.prepare(text) as Prepared);
        prepared.set(text, found);
        return found;
      };
      try {
        return await waves(calls, (from, to) =>
          Promise.all(
            transactions.slice(from, to).map((statements) =>
              copy.writes.run(() => {
                for (const { kind, text, params } of statements) {
                  const start = timed ? process.hrtime.bigint() : 0n;
                  statement(text)[kind](...params);
                  if (timed)
                    timed.set(text, (timed.get(text) ?? 0) + Number(process.hrtime.bigint() - start) / 1000);
                }
              }),
            ),
          ),
        );
      } finally {
        await copy.close();
      }
    };
    const floorMicros = await replay("replay.db");
    const timed = new Map<string, number>();
    const timedMicros = await replay("by-statement.db", timed);
    const statements = [...timed]
      .map(([text, micros]): [string, number] => [text.replace(/\s+/g, " ").slice(0, 68), micros / calls])
      .sort((a, b) => b[1] - a[1]);
    // Each statement's time is averaged over every call; what the timed pass spent per call beyond them is the
    // write queue's own statements (begin, savepoints, commit) and the WAL syncs.
    const inStatements = statements.reduce((sum, [, micros]) => sum + micros, 0);
    statements.push(["(begin, savepoints, commits, WAL syncs)", timedMicros - inStatements]);
    return { calls, callsPerCommit, callMicros, floorMicros, timedMicros, statements } satisfies WriterFloor;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const row = (label: string, value: string) => `${label.padEnd(72)} ${value.padStart(13)}`;

export const formatWriterFloor = (floor: WriterFloor) =>
  [
    `SQLite writer floor: ${floor.calls} calls, ${floor.callsPerCommit} to a commit, CPU per call`,
    row("the whole call in one process (no HTTP)", `${floor.callMicros.toFixed(1)} µs`),
    row(
      "its statements alone, replayed, with their commits and WAL syncs",
      `${floor.floorMicros.toFixed(1)} µs`,
    ),
    row("  so the one writer carries at most", `${(1e6 / floor.floorMicros).toFixed(0)} calls/s`),
    row("the same replay again, each statement timed", `${floor.timedMicros.toFixed(1)} µs`),
    ...floor.statements.map(([text, micros]) => row(`  ${text}`, `${micros.toFixed(1)} µs`)),
  ].join("\n");

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatWriterFloor(await measureWriterFloor()));
}
