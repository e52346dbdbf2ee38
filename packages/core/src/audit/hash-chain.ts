import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

/** The audit_log columns, as stored (JSON columns as their text). */
export type AuditColumns = {
  seq: number;
  request_id: string;
  received_at: number;
  recorded_at: number;
  duration_ms: number;
  transport: string;
  operation: string;
  client_address: string | null;
  username: string | null;
  department_uuid: string | null;
  outcome: string;
  http_status: number;
  error_code: number | null;
  error_codes: string;
  warning_codes: string;
  order_number: string | null;
  order_uuid: string | null;
  order_created: number | null;
  invoice_uuid: string | null;
  invoice_created: number | null;
  payment_request_uuid: string | null;
  customer_uuid: string | null;
  text_sent: string | null;
  email_sent: string | null;
  idempotency_key: string | null;
  request_body: string | null;
  response_body: string | null;
  timeline: string;
  prev_hash: string;
};

export const GENESIS_HASH = "0".repeat(64);

const COLUMNS = [
  "seq",
  "request_id",
  "received_at",
  "recorded_at",
  "duration_ms",
  "transport",
  "operation",
  "client_address",
  "username",
  "department_uuid",
  "outcome",
  "http_status",
  "error_code",
  "error_codes",
  "warning_codes",
  "order_number",
  "order_uuid",
  "order_created",
  "invoice_uuid",
  "invoice_created",
  "payment_request_uuid",
  "customer_uuid",
  "text_sent",
  "email_sent",
  "idempotency_key",
  "request_body",
  "response_body",
  "timeline",
  "prev_hash",
] as const satisfies readonly (keyof AuditColumns)[];

/** SHA-256 over every column in a fixed order, the previous row's hash included. */
export const hashAuditRow = (row: AuditColumns): string =>
  createHash("sha256")
    .update(JSON.stringify(COLUMNS.map((column) => row[column])))
    .digest("hex");

type ChainHead = { seq: number; hash: string; recordedAt: number };

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

const prepare = (sqlite: Database.Database) => ({
  lastRow: sqlite.prepare(
    "select seq, row_hash as hash, recorded_at as recordedAt from audit_log order by seq desc limit 1",
  ),
  lastSeq: sqlite.prepare("select seq from sqlite_sequence where name = 'audit_log'"),
  lastAnchor: sqlite.prepare("select prev_hash as hash from audit_chain_anchors order by id desc limit 1"),
  insert: sqlite.prepare(
    `insert into audit_log (${COLUMNS.join(", ")}, row_hash) values (${COLUMNS.map((c) => `@${c}`).join(", ")}, @row_hash)`,
  ),
});

const statementsFor = (sqlite: Database.Database) => {
  let s = statements.get(sqlite);
  if (!s) {
    s = prepare(sqlite);
    statements.set(sqlite, s);
  }
  return s;
};

/** The newest row, or where the chain starts when every row has been pruned. */
const chainHead = (sqlite: Database.Database): ChainHead => {
  const s = statementsFor(sqlite);
  const last = s.lastRow.get() as ChainHead | undefined;
  if (last) return last;
  const seq = (s.lastSeq.get() as { seq: number } | undefined)?.seq ?? 0;
  const anchor = s.lastAnchor.get() as { hash: string } | undefined;
  return { seq, hash: anchor?.hash ?? GENESIS_HASH, recordedAt: 0 };
};

/**
 * Appends a row linked to the newest one. Runs inside the write transaction, which holds the database's write
 * lock, so the head it reads is the head it extends even with several processes on one file.
 */
export const appendToChain = (
  sqlite: Database.Database,
  columns: Omit<AuditColumns, "seq" | "recorded_at" | "prev_hash">,
  now: number,
): AuditColumns & { row_hash: string } => {
  const head = chainHead(sqlite);
  const row: AuditColumns = {
    ...columns,
    seq: head.seq + 1,
    recorded_at: Math.max(now, head.recordedAt),
    prev_hash: head.hash,
  };
  const stored = { ...row, row_hash: hashAuditRow(row) };
  statementsFor(sqlite).insert.run(stored);
  return stored;
};
