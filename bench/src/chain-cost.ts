import { parseArgs } from "node:util";
import { openStore, type Store } from "@payreq/core";
import { type AuditColumns, appendToChain, hashAuditRow } from "@payreq/core/profiling";
import { type BenchStores, startBenchStores } from "./bench-stores.ts";

/**
 * What ordering the audit chain across instances costs on PostgreSQL. Writers (separate pools, as instances) append
 * audit rows in grouped transactions of 50, as the service does: once through the chain (the advisory lock held to
 * the commit, the head read, the row linked to it), once with no order at all (each writer numbers its own rows
 * and links none: no lock, no head read). The difference is the price of one order of appends.
 */

const CALLS_PER_TRANSACTION = 50;

const columnsOf = (writer: number, i: number): Omit<AuditColumns, "seq" | "recorded_at" | "prev_hash"> => ({
  request_id: `chain-${writer}-${i}`,
  received_at: Date.now() - 40,
  duration_ms: 40,
  transport: "rest",
  operation: "payment-requests.send",
  client_address: "127.0.0.1",
  username: "sunrise-sender",
  department_uuid: "de9a0000-0000-4000-8000-000000000001",
  outcome: "SUCCESS",
  http_status: 200,
  error_code: null,
  error_codes: "[]",
  warning_codes: "[]",
  order_number: `RO-${writer}-${i}`,
  order_uuid: `order-${writer}-${i}`,
  order_created: 1,
  invoice_uuid: `invoice-${writer}-${i}`,
  invoice_created: 1,
  payment_request_uuid: `pr-${writer}-${i}`,
  customer_uuid: "c0570000-0000-4000-8000-000000000001",
  text_sent: "SUCCESS",
  email_sent: "SUCCESS",
  idempotency_key: null,
  request_body: '{"amount":125.5,"orderType":"RO","orderNumber":"RO-1"}',
  response_body: '{"errors":[],"warnings":[],"textSent":"SUCCESS","emailSent":"SUCCESS"}',
  timeline: "[]",
});

/** The same insert as the chain's, with a seq of the writer's own and no link to any other row. */
const insertUnordered = async (store: Store, writer: number, i: number) => {
  const row: AuditColumns = {
    ...columnsOf(writer, i),
    seq: 1_000_000_000 + writer * 10_000_000 + i,
    recorded_at: Date.now(),
    prev_hash: "0".repeat(64),
  };
  const keys = [...Object.keys(row), "row_hash"];
  await store.transaction(
    (tx) =>
      tx.run(`insert into audit_log (${keys.join(", ")}) values (${keys.map(() => "?").join(", ")})`, [
        ...(Object.values(row) as (string | number | null)[]),
        hashAuditRow(row),
      ]),
    { grouped: true },
  );
};

type Variant = "chained" | "unordered";

let opened = 0;

/** Rows per second for `writers` instances appending `rows` rows each, `CALLS_PER_TRANSACTION` at a time. */
const appendRate = async (stores: BenchStores, variant: Variant, writers: number, rows: number) => {
  const { store: first, location } = await stores.open("postgres", `chain_${variant}_${writers}_${++opened}`);
  const instances = [first];
  for (let w = 1; w < writers; w++) instances.push(await openStore(location));
  try {
    const started = process.hrtime.bigint();
    await Promise.all(
      instances.map(async (store, writer) => {
        for (let from = 0; from < rows; from += CALLS_PER_TRANSACTION) {
          await Promise.all(
            Array.from({ length: CALLS_PER_TRANSACTION }, (_, j) =>
              variant === "chained"
                ? store.transaction(
                    (tx) => appendToChain(store, tx, columnsOf(writer, from + j), Date.now()),
                    { grouped: true },
                  )
                : insertUnordered(store, writer, from + j),
            ),
          );
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return (writers * rows) / seconds;
  } finally {
    await Promise.all(instances.map((store) => store.close()));
  }
};

export type ChainCost = { writers: number; chained: number; unordered: number; ratio: number };

export const runChainCost = async (stores: BenchStores, rows: number): Promise<ChainCost[]> => {
  const results: ChainCost[] = [];
  for (const writers of [1, 3]) {
    // Alternated and repeated, so that neither variant always runs on a warmer server.
    const chained: number[] = [];
    const unordered: number[] = [];
    for (let round = 0; round < 2; round++) {
      unordered.push(await appendRate(stores, "unordered", writers, rows));
      chained.push(await appendRate(stores, "chained", writers, rows));
    }
    const best = (values: number[]) => Math.max(...values);
    results.push({
      writers,
      chained: best(chained),
      unordered: best(unordered),
      ratio: best(chained) / best(unordered),
    });
  }
  return results;
};

export const formatChainCost = (results: ChainCost[]) =>
  [
    "postgres: audit rows appended per second, grouped transactions of 50",
    `${"writers".padEnd(10)}${"chained".padStart(12)}${"unordered".padStart(12)}${"ratio".padStart(8)}`,
    ...results.map(
      (r) =>
        `${String(r.writers).padEnd(10)}${r.chained.toFixed(0).padStart(12)}${r.unordered.toFixed(0).padStart(12)}${r.ratio.toFixed(2).padStart(8)}`,
    ),
  ].join("\n");

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "2000" } } });
  const stores = await startBenchStores(["postgres"]);
  try {
    console.log(formatChainCost(await runChainCost(stores, Number(values.rows))));
  } finally {
    stores.close();
  }
}
