import {
  AUDIT_PAGE_DEFAULT,
  type AuditListQuery,
  type AuditListResponse,
  type AuditRecord,
  type AuditRecordSummary,
  type AuditStatsQuery,
  type AuditStatsResponse,
  findErrorEntry,
} from "@payreq/contracts";
import type Database from "better-sqlite3";
import { PayreqError } from "../errors.ts";
import type { AuditColumns } from "./hash-chain.ts";

/** The departments a caller may read: every one, or a list. */
export type AuditAccess = "*" | readonly string[];

type StoredRow = AuditColumns & { row_hash: string };

const iso = (ms: number) => new Date(ms).toISOString();
const bool = (value: number | null) => (value === null ? null : value === 1);

const toSummary = (row: StoredRow): AuditRecordSummary => ({
  requestId: row.request_id,
  receivedAt: iso(row.received_at),
  recordedAt: iso(row.recorded_at),
  durationMs: row.duration_ms,
  transport: row.transport,
  operation: row.operation,
  clientAddress: row.client_address,
  username: row.username,
  departmentUuid: row.department_uuid,
  outcome: row.outcome as AuditRecordSummary["outcome"],
  httpStatus: row.http_status,
  errorCodes: JSON.parse(row.error_codes) as number[],
  warningCodes: JSON.parse(row.warning_codes) as number[],
  orderNumber: row.order_number,
  orderUuid: row.order_uuid,
  orderCreated: bool(row.order_created),
  invoiceUuid: row.invoice_uuid,
  invoiceCreated: bool(row.invoice_created),
  paymentRequestUuid: row.payment_request_uuid,
  customerUuid: row.customer_uuid,
  textSent: row.text_sent,
  emailSent: row.email_sent,
  idempotencyKey: row.idempotency_key,
});

const toRecord = (row: StoredRow): AuditRecord => ({
  ...toSummary(row),
  seq: row.seq,
  requestBody: row.request_body === null ? null : JSON.parse(row.request_body),
  responseBody: row.response_body === null ? null : JSON.parse(row.response_body),
  timeline: JSON.parse(row.timeline),
  prevHash: row.prev_hash,
  rowHash: row.row_hash,
});

const forbidden = () =>
  new PayreqError("INVALID_SCOPE_DEPARTMENT", {
    description: "The credential does not hold payment.audit.read for this department.",
  });

export const encodeCursor = (seq: number) => Buffer.from(`s${seq}`).toString("base64url");
const decodeCursor = (cursor: string): number => {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const seq = /^s(\d{1,15})$/.exec(text)?.[1];
  if (!seq)
    throw new PayreqError("INVALID_REQUEST_DATA", {
      message: "Invalid field: cursor",
      description: "cursor must be a value returned as nextCursor",
    });
  return Number(seq);
};

type Where = { clauses: string[]; params: unknown[] };

/** Department visibility: a filter the caller may not read is refused; without `*` only held departments are seen. */
const restrictDepartments = (where: Where, access: AuditAccess, departmentUuid: string | undefined) => {
  if (departmentUuid !== undefined) {
    if (access !== "*" && !access.includes(departmentUuid)) throw forbidden();
    where.clauses.push("department_uuid = ?");
    where.params.push(departmentUuid);
  } else if (access !== "*") {
    if (access.length === 0) throw forbidden();
    where.clauses.push(`department_uuid in (${access.map(() => "?").join(", ")})`);
    where.params.push(...access);
  }
};

/**
 * A time range as a seq range: recorded_at never decreases with seq, so each bound is one index lookup and
 * every other filter keeps walking its own (column, seq) index.
 */
const restrictTime = (sqlite: Database.Database, where: Where, since?: string, until?: string): boolean => {
  if (since !== undefined) {
    const first = sqlite
      .prepare("select seq from audit_log where recorded_at >= ? order by recorded_at, seq limit 1")
      .get(Date.parse(since)) as { seq: number } | undefined;
    if (!first) return false;
    where.clauses.push("seq >= ?");
    where.params.push(first.seq);
  }
  if (until !== undefined) {
    const last = sqlite
      .prepare("select seq from audit_log where recorded_at <= ? order by recorded_at desc, seq desc limit 1")
      .get(Date.parse(until)) as { seq: number } | undefined;
    if (!last) return false;
    where.clauses.push("seq <= ?");
    where.params.push(last.seq);
  }
  return true;
};

const EQUALITY_FILTERS = [
  ["outcome", "outcome"],
  ["httpStatus", "http_status"],
  ["errorCode", "error_code"],
  ["username", "username"],
  ["orderNumber", "order_number"],
  ["orderUuid", "order_uuid"],
  ["invoiceUuid", "invoice_uuid"],
  ["customerUuid", "customer_uuid"],
  ["idempotencyKey", "idempotency_key"],
  ["requestId", "request_id"],
] as const;

const sqlOf = (where: Where) => (where.clauses.length ? `where ${where.clauses.join(" and ")}` : "");

/**
 * The (column, seq) index to walk, most selective first. Without table statistics SQLite may prefer the seq
 * range of a time filter and scan it; naming the index keeps a filtered page at O(log n + page).
 */
const INDEX_PREFERENCE = [
  ["requestId", "audit_log_request_id_unique"],
  ["idempotencyKey", "audit_idempotency_key"],
  ["orderUuid", "audit_order"],
  ["invoiceUuid", "audit_invoice"],
  ["orderNumber", "audit_order_number"],
  ["customerUuid", "audit_customer"],
  ["username", "audit_username"],
  ["departmentUuid", "audit_department"],
  ["errorCode", "audit_error_code"],
  ["httpStatus", "audit_status"],
  ["outcome", "audit_outcome"],
] as const;

const indexFor = (query: AuditListQuery) => {
  const chosen = INDEX_PREFERENCE.find(([field]) => query[field] !== undefined);
  return chosen ? `indexed by ${chosen[1]}` : "";
};

/** Newest first; the cursor is the last seq seen, so rows written meanwhile never shift a page. */
export const listAuditRecords = (
  sqlite: Database.Database,
  access: AuditAccess,
  query: AuditListQuery,
): AuditListResponse => {
  const where: Where = { clauses: [], params: [] };
  restrictDepartments(where, access, query.departmentUuid);
  if (!restrictTime(sqlite, where, query.since, query.until)) return { records: [], nextCursor: null };
  for (const [field, column] of EQUALITY_FILTERS) {
    const value = query[field];
    if (value !== undefined) {
      where.clauses.push(`${column} = ?`);
      where.params.push(value);
    }
  }
  if (query.cursor !== undefined) {
    where.clauses.push("seq < ?");
    where.params.push(decodeCursor(query.cursor));
  }
  const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
  const rows = sqlite
    .prepare(`select * from audit_log ${indexFor(query)} ${sqlOf(where)} order by seq desc limit ?`)
    .all(...where.params, limit + 1) as StoredRow[];
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    records: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
  };
};

/** One record with its timeline, request and response. */
export const getAuditRecord = (
  sqlite: Database.Database,
  access: AuditAccess,
  requestId: string,
): AuditRecord => {
  const row = sqlite.prepare("select * from audit_log where request_id = ?").get(requestId) as
    | StoredRow
    | undefined;
  if (!row) throw new PayreqError("AUDIT_RECORD_NOT_FOUND");
  if (access !== "*" && (row.department_uuid === null || !access.includes(row.department_uuid)))
    throw forbidden();
  return toRecord(row);
};

/** Counts by outcome per department per day (UTC), and the most frequent error codes, over a range. */
export const auditStats = (
  sqlite: Database.Database,
  access: AuditAccess,
  query: AuditStatsQuery,
): AuditStatsResponse => {
  const where: Where = { clauses: [], params: [] };
  restrictDepartments(where, access, query.departmentUuid);
  const empty = { since: query.since ?? null, until: query.until ?? null, days: [], topErrorCodes: [] };
  if (!restrictTime(sqlite, where, query.since, query.until)) return empty;
  const days = sqlite
    .prepare(
      `select date(recorded_at / 1000, 'unixepoch') as day, department_uuid as departmentUuid,
              sum(outcome = 'SUCCESS') as success, sum(outcome = 'REJECTED') as rejected,
              sum(outcome = 'FAILED') as failed, count(*) as total
       from audit_log ${sqlOf(where)}
       group by day, department_uuid order by day desc, department_uuid`,
    )
    .all(...where.params) as AuditStatsResponse["days"];
  const errorWhere = { clauses: [...where.clauses, "error_code is not null"], params: where.params };
  const top = sqlite
    .prepare(
      `select error_code as errorCode, count(*) as count from audit_log ${sqlOf(errorWhere)}
       group by error_code order by count desc, error_code limit ?`,
    )
    .all(...errorWhere.params, query.topErrors ?? 10) as { errorCode: number; count: number }[];
  return {
    since: empty.since,
    until: empty.until,
    days,
    topErrorCodes: top.map((t) => ({ ...t, errorTitle: findErrorEntry(t.errorCode)?.title ?? "UNKNOWN" })),
  };
};
