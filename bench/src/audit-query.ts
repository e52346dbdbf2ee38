import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { AuditListQuery } from "@payreq/contracts";
import { appendToChain, getAuditRecord, listAuditRecords, openDatabase } from "@payreq/core";

/**
 * Audit query benchmark: the same filtered first pages against a 10,000-row and a 1,000,000-row log, built the
 * way the service writes them (hash-chained), timed through the same core functions the API calls.
 */

const DAY = 86_400_000;
const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => `dept-${String(i).padStart(2, "0")}`);

const seed = (path: string, rows: number, end: number) => {
  const database = openDatabase(path);
  const { sqlite } = database;
  const spanMs = 90 * DAY;
  const insertMany = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = end - spanMs + Math.floor((i / rows) * spanMs);
      const failed = i % 17 === 0;
      const rejected = !failed && i % 11 === 0;
      const status = failed ? 502 : rejected ? 400 : 200;
      const error = failed ? 109020 : rejected ? 100006 : null;
      appendToChain(
        sqlite,
        {
          request_id: `req-${i}`,
          received_at: at - 40,
          duration_ms: 40,
          transport: i % 3 === 0 ? "trpc" : "rest",
          operation: "payment-requests.send",
          client_address: "127.0.0.1",
          username: `sender-${i % 40}`,
          department_uuid: DEPARTMENTS[i % DEPARTMENTS.length] ?? null,
          outcome: failed ? "FAILED" : rejected ? "REJECTED" : "SUCCESS",
          http_status: status,
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
        },
        at,
      );
    }
  });
  for (let from = 0; from < rows; from += 50_000) insertMany.immediate(from, Math.min(rows, from + 50_000));
  return database;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const time = (repeat: number, fn: () => unknown) => {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
};

export type AuditQueryResult = { query: string; ms10k: number; ms1m: number; ratio: number };

export const runAuditQueryBench = (options: {
  small: number;
  large: number;
  repeat: number;
}): AuditQueryResult[] => {
  const dir = mkdtempSync(join(tmpdir(), "payreq-audit-bench-"));
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
  const measure = (rows: number) => {
    const path = join(dir, `audit-${rows}.db`);
    const started = Date.now();
    seed(path, rows, end).sqlite.close();
    const seededMs = Date.now() - started;
    // Measure on a fresh connection, after the seeding garbage is collected, as a running service would see it.
    (globalThis as { gc?: () => void }).gc?.();
    const database = openDatabase(path);
    const timings = queries.map(([, query]) =>
      time(options.repeat, () => listAuditRecords(database.sqlite, "*", { ...query(rows), limit: 50 })),
    );
    timings.push(
      time(options.repeat, () => getAuditRecord(database.sqlite, "*", `req-${Math.floor(rows / 2)}`)),
    );
    database.sqlite.close();
    return { timings, seededMs };
  };
  try {
    const small = measure(options.small);
    const large = measure(options.large);
    const names = [...queries.map(([name]) => name), "one record by request id"];
    process.stderr.write(
      `seeded ${options.small} rows in ${small.seededMs} ms, ${options.large} rows in ${large.seededMs} ms\n`,
    );
    return names.map((query, i) => {
      const ms10k = small.timings[i] ?? 0;
      const ms1m = large.timings[i] ?? 0;
      return { query, ms10k, ms1m, ratio: ms10k > 0 ? ms1m / ms10k : 0 };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const formatAuditQueryResults = (results: AuditQueryResult[], small: number, large: number) => {
  const head = `${"filtered first page (50 rows)".padEnd(36)} ${`${small} rows`.padStart(12)} ${`${large} rows`.padStart(14)} ${"ratio".padStart(7)}`;
  const lines = results.map(
    (r) =>
      `${r.query.padEnd(36)} ${`${r.ms10k.toFixed(3)} ms`.padStart(12)} ${`${r.ms1m.toFixed(3)} ms`.padStart(14)} ${r.ratio.toFixed(2).padStart(7)}`,
  );
  return [head, ...lines].join("\n");
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      small: { type: "string", default: "10000" },
      large: { type: "string", default: "1000000" },
      repeat: { type: "string", default: "200" },
    },
  });
  const small = Number(values.small);
  const large = Number(values.large);
  const results = runAuditQueryBench({ small, large, repeat: Number(values.repeat) });
  console.log(formatAuditQueryResults(results, small, large));
}
