import { createHash } from "node:crypto";
import { type ChainHead, type Sql, type Store, write } from "../ports/store.ts";

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

const INSERT = `insert into audit_log (${COLUMNS.join(", ")}, row_hash) values (${COLUMNS.map(() => "?").join(", ")}, ?)`;

/** The newest row, or where the chain starts when every row has been pruned (or none was ever written). */
export const chainHead = async (sql: Sql): Promise<ChainHead> => {
  const last = await sql.get<ChainHead>(
    `select seq, row_hash as hash, recorded_at as "recordedAt" from audit_log order by seq desc limit 1`,
  );
  if (last) return last;
  const anchor = await sql.get<{ firstSeq: number; hash: string }>(
    `select first_seq as "firstSeq", prev_hash as hash from audit_chain_anchors order by id desc limit 1`,
  );
  return anchor
    ? { seq: anchor.firstSeq - 1, hash: anchor.hash, recordedAt: 0 }
    : { seq: 0, hash: GENESIS_HASH, recordedAt: 0 };
};

/**
 * Appends a row linked to the newest one, inside the caller's transaction. The store's chain lock (SQLite's write
 * lock; an advisory lock on PostgreSQL) is held from here to the commit, so the head read is the head extended,
 * whichever process appends. Where the store keeps the head for the lock's holder (the calls of one group commit
 * on PostgreSQL), only the first append of the transaction reads it.
 */
export const appendToChain = async (
  store: Pick<Store, "lockAuditChain">,
  tx: Sql,
  columns: Omit<AuditColumns, "seq" | "recorded_at" | "prev_hash">,
  now: number,
): Promise<AuditColumns & { row_hash: string }> => {
  const slot = await store.lockAuditChain(tx);
  const head = slot?.head ?? (await chainHead(tx));
  const row: AuditColumns = {
    ...columns,
    seq: head.seq + 1,
    recorded_at: Math.max(now, head.recordedAt),
    prev_hash: head.hash,
  };
  const rowHash = hashAuditRow(row);
  await write(tx, INSERT, [...COLUMNS.map((column) => row[column]), rowHash]);
  if (slot) slot.head = { seq: row.seq, hash: rowHash, recordedAt: row.recorded_at };
  return { ...row, row_hash: rowHash };
};
