import { parseArgs } from "node:util";
import type { AuditListQuery } from "@payreq/contracts";
import { getAuditRecord, listAuditRecords, type SqlParam, type Store } from "@payreq/core";
import { type AuditColumns, chainHead, hashAuditRow } from "@payreq/core/profiling";
import { type BenchStores, type StoreKind, startBenchStores } from "./bench-stores.ts";

/**
 * Audit query benchmark: the same filtered first pages against a 10,000-row and a 1,000,000-row log, built the
 * way the service writes them (hash-chained, seq and recorded_at in step), timed through the same core functions
 * the API calls, on each store.
 */

const DAY = 86_400_000;
const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => `dept-${String(i).padStart(2, "0")}`);
const BATCH = 500;

const rowOf = (i: number, rows: number, end: number): Omit<AuditColumns, "seq" | "prev_hash"> => {
  const spanMs = 90 * DAY;
  const at = end - spanMs + Math.floor((i / rows) * spanMs);
  const failed = i % 17 === 0;
  const rejected = !failed && i % 11 === 0;
  const error = failed ? 109020 : rejected ? 100006 : null;
  return {
    request_id: `req-${i}`,
    received_at: at - 40,
    recorded_at: at,
    duration_ms: 40,
    transport: i % 3 === 0 ? "trpc" : "rest",
    operation: "payment-requests.send",
    client_address: "127.0.0.1",
    username: `sender-${i % 40}`,
    department_uuid: DEPARTMENTS[i % DEPARTMENTS.length] ?? null,
    outcome: failed ? "FAILED" : rejected ? "REJECTED" : "SUCCESS",
    http_status: failed ? 502 : rejected ? 400 : 200,
    error_code: error,
    error_codes: error ? `[${error}]` : "[]",
    warning_codes: "[]",
    order_number: `RO-${i}`,
    order_uuid: `order-${i}`,
    order_created: 1,
    invoice_uuid: `invoice-${i}`,
    invoice_created: 1,
    payment_request_uuid: `pr-${i}`,
    customer_uuid: `customer-${i % 100}`,
    text_sent: "SUCCESS",
    email_sent: "SUCCESS",
    idempotency_key: i % 2 ? `key-${i}` : null,
    request_body: '{"amount":125.5,"orderType":"RO"}',
    response_body: '{"errors":[],"warnings":[]}',
    timeline: "[]",
  };
};

/** Chained rows, hashed as the service hashes them, inserted many to a statement so a million take seconds. */
const seed = async (store: Store, rows: number, end: number) => {
  let prev = (await chainHead(store.sql)).hash;
  for (let from = 0; from < rows; from += 50_000) {
    await store.transaction(async (tx) => {
      for (let batch = from; batch < Math.min(rows, from + 50_000); batch += BATCH) {
        const values: SqlParam[] = [];
        let columns: string[] = [];
        const count = Math.min(BATCH, rows - batch);
        for (let i = batch; i < batch + count; i++) {
          const row: AuditColumns = { ...rowOf(i, rows, end), seq: i + 1, prev_hash: prev };
          const stored = { ...row, row_hash: hashAuditRow(row) };
          prev = stored.row_hash;
          columns = Object.keys(stored);
          values.push(...(Object.values(stored) as SqlParam[]));
        }
        const tuple = `(${columns.map(() => "?").join(", ")})`;
        await tx.run(
          `insert into audit_log (${columns.join(", ")}) values ${Array.from({ length: count }, () => tuple).join(", ")}`,
          values,
        );
      }
    });
  }
  // A running PostgreSQL has analysed a table this size long since (autovacuum); do it now, as it would have.
  if (store.dialect === "postgres") await store.sql.run("analyze audit_log");
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const time = async (repeat: number, fn: () => Promise<unknown>) => {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
};

export type AuditQueryResult = { query: string; msSmall: number; msLarge: number; ratio: number };

export const runAuditQueryBench = async (
  stores: BenchStores,
  kind: StoreKind,
  options: { small: number; large: number; repeat: number },
): Promise<AuditQueryResult[]> => {
  const end = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const queries: [string, (rows: number) => AuditListQuery][] = [
    ["newest page, no filter", () => ({})],
    ["department", () => ({ departmentUuid: "dept-07" })],
    ["department + REJECTED", () => ({ departmentUuid: "dept-07", outcome: "REJECTED" })],
    ["department, last 30 days", () => ({ departmentUuid: "dept-07", since: iso(end - 30 * DAY) })],
    [
      "department, 60 to 30 days ago",
      () => ({ departmentUuid: "dept-07", since: iso(end - 60 * DAY), until: iso(end - 30 * DAY) }),
    ],
    ["error code 109020", () => ({ errorCode: 109020 })],
    ["credential", () => ({ username: "sender-13" })],
    ["order number (one row)", (rows) => ({ orderNumber: `RO-${Math.floor(rows / 3)}` })],
    ["customer", () => ({ customerUuid: "customer-42" })],
    ["idempotency key (one row)", (rows) => ({ idempotencyKey: `key-${Math.floor(rows / 2) + 1}` })],
  ];
  const measure = async (rows: number) => {
    const { store } = await stores.open(kind, `audit_${kind}_${rows}`);
    try {
      const started = Date.now();
      await seed(store, rows, end);
      const seededMs = Date.now() - started;
      (globalThis as { gc?: () => void }).gc?.();
      const timings: number[] = [];
      for (const [, query] of queries) {
        timings.push(
          await time(options.repeat, () => listAuditRecords(store, "*", { ...query(rows), limit: 50 })),
        );
      }
      timings.push(
        await time(options.repeat, () => getAuditRecord(store, "*", `req-${Math.floor(rows / 2)}`)),
      );
      return { timings, seededMs };
    } finally {
      await store.close();
    }
  };
  const small = await measure(options.small);
  const large = await measure(options.large);
  process.stderr.write(
    `${kind}: seeded ${options.small} rows in ${small.seededMs} ms, ${options.large} rows in ${large.seededMs} ms\n`,
  );
  return [...queries.map(([name]) => name), "one record by request id"].map((query, i) => {
    const msSmall = small.timings[i] ?? 0;
    const msLarge = large.timings[i] ?? 0;
    return { query, msSmall, msLarge, ratio: msSmall > 0 ? msLarge / msSmall : 0 };
  });
};

export const formatAuditQueryResults = (
  kind: StoreKind,
  results: AuditQueryResult[],
  small: number,
  large: number,
) => {
  const head = `${`${kind}: filtered first page (50 rows)`.padEnd(44)} ${`${small} rows`.padStart(12)} ${`${large} rows`.padStart(14)} ${"ratio".padStart(7)}`;
  const lines = results.map(
    (r) =>
      `${r.query.padEnd(44)} ${`${r.msSmall.toFixed(3)} ms`.padStart(12)} ${`${r.msLarge.toFixed(3)} ms`.padStart(14)} ${r.ratio.toFixed(2).padStart(7)}`,
  );
  return [head, ...lines].join("\n");
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      small: { type: "string", default: "10000" },
      large: { type: "string", default: "1000000" },
      repeat: { type: "string", default: "200" },
      stores: { type: "string", default: "sqlite,postgres" },
    },
  });
  const kinds = values.stores.split(",") as StoreKind[];
  const small = Number(values.small);
  const large = Number(values.large);
  const stores = await startBenchStores(kinds);
  try {
    for (const kind of kinds) {
      const results = await runAuditQueryBench(stores, kind, { small, large, repeat: Number(values.repeat) });
      console.log(formatAuditQueryResults(kind, results, small, large));
    }
  } finally {
    stores.close();
  }
}
