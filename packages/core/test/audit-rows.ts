import { type AuditColumns, appendToChain } from "../src/audit/hash-chain.ts";
import type { Store } from "../src/ports/store.ts";

export type Columns = Omit<AuditColumns, "seq" | "recorded_at" | "prev_hash">;

let n = 0;
export const auditColumns = (overrides: Partial<Columns> = {}): Columns => {
  n++;
  return {
    request_id: `req-${n}-${Math.random().toString(36).slice(2, 8)}`,
    received_at: Date.now(),
    duration_ms: 12,
    transport: "rest",
    operation: "payment-requests.send",
    client_address: "127.0.0.1",
    username: "sunrise-sender",
    department_uuid: "dept-a",
    outcome: "SUCCESS",
    http_status: 200,
    error_code: null,
    error_codes: "[]",
    warning_codes: "[]",
    order_number: `RO-${n}`,
    order_uuid: `order-${n}`,
    order_created: 1,
    invoice_uuid: `invoice-${n}`,
    invoice_created: 1,
    payment_request_uuid: `pr-${n}`,
    customer_uuid: "customer-1",
    text_sent: "SUCCESS",
    email_sent: null,
    idempotency_key: null,
    request_body: "{}",
    response_body: "{}",
    timeline: "[]",
    ...overrides,
  };
};

/** Appends rows straight to the chain in one transaction, each recorded at `at` (default now). */
export const appendRows = (store: Store, rows: Partial<Columns>[], at = Date.now()) =>
  store.transaction(async (tx) => {
    const appended = [];
    for (const row of rows) appended.push(await appendToChain(store, tx, auditColumns(row), at));
    return appended;
  });

/** Statements run in one transaction, as from a database shell. */
export const exec = (store: Store, ...statements: string[]) =>
  store.transaction(async (tx) => {
    for (const statement of statements) await tx.run(statement);
  });

/** What someone with the database and a shell could do: switch the audit log's guards off, then edit. */
export const tamper = (store: Store, ...statements: string[]) =>
  exec(
    store,
    ...(store.dialect === "sqlite"
      ? ["drop trigger audit_log_no_update", "drop trigger audit_log_no_delete"]
      : ["alter table audit_log disable trigger user"]),
    ...statements,
  );
