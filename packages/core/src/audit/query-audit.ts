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
import { PayreqError } from "../domain/errors.ts";
import { dialectOf } from "../ports/dialect.ts";
import type { Dialect, Sql, SqlParam } from "../ports/store.ts";
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

type Where = { clauses: string[]; params: SqlParam[] };

/** The audit log as read: the store's reads and its dialect. */
export type AuditSource = { sql: Sql; dialect: Dialect };

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
const restrictTime = async (sql: Sql, where: Where, since?: string, until?: string): Promise<boolean> => {
  if (since !== undefined) {
    const first = await sql.get<{ seq: number }>(
      "select seq from audit_log where recorded_at >= ? order by recorded_at, seq limit 1",
      [Date.parse(since)],
    );
    if (!first) return false;
    where.clauses.push("seq >= ?");
    where.params.push(first.seq);
  }
  if (until !== undefined) {
    const last = await sql.get<{ seq: number }>(
      "select seq from audit_log where recorded_at <= ? order by recorded_at desc, seq desc limit 1",
      [Date.parse(until)],
    );
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

const indexFor = (dialect: Dialect, query: AuditListQuery) => {
  const chosen = INDEX_PREFERENCE.find(([field]) => query[field] !== undefined);
  return chosen ? dialectOf(dialect).indexedBy(chosen[1]) : "";
};

/** Newest first; the cursor is the last seq seen, so rows written meanwhile never shift a page. */
export const listAuditRecords = async (
  { sql, dialect }: AuditSource,
  access: AuditAccess,
  query: AuditListQuery,
): Promise<AuditListResponse> => {
  const where: Where = { clauses: [], params: [] };
  restrictDepartments(where, access, query.departmentUuid);
  if (!(await restrictTime(sql, where, query.since, query.until))) return { records: [], nextCursor: null };
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
  const rows = await sql.all<StoredRow>(
    `select * from audit_log ${indexFor(dialect, query)} ${sqlOf(where)} order by seq desc limit ?`,
    [...where.params, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    records: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
  };
};

/** One record with its timeline, request and response. */
export const getAuditRecord = async (
  { sql }: AuditSource,
  access: AuditAccess,
  requestId: string,
): Promise<AuditRecord> => {
  const row = await sql.get<StoredRow>("select * from audit_log where request_id = ?", [requestId]);
  if (!row) throw new PayreqError("AUDIT_RECORD_NOT_FOUND");
  if (access !== "*" && (row.department_uuid === null || !access.includes(row.department_uuid)))
    throw forbidden();
  return toRecord(row);
};

/** Counts by outcome per department per day (UTC), and the most frequent error codes, over a range. */
export const auditStats = async (
  { sql, dialect }: AuditSource,
  access: AuditAccess,
  query: AuditStatsQuery,
): Promise<AuditStatsResponse> => {
  const where: Where = { clauses: [], params: [] };
  restrictDepartments(where, access, query.departmentUuid);
  const empty = { since: query.since ?? null, until: query.until ?? null, days: [], topErrorCodes: [] };
  if (!(await restrictTime(sql, where, query.since, query.until))) return empty;
  const count = (outcome: string) => `sum(case when outcome = '${outcome}' then 1 else 0 end)`;
  const day = dialectOf(dialect).dayOf("recorded_at");
  const days = await sql.all<AuditStatsResponse["days"][number]>(
    `select ${day} as day, department_uuid as "departmentUuid", ${count("SUCCESS")} as success,
            ${count("REJECTED")} as rejected, ${count("FAILED")} as failed, count(*) as total
     from audit_log ${sqlOf(where)}
     group by ${day}, department_uuid order by day desc, department_uuid`,
    where.params,
  );
  const errorWhere = { clauses: [...where.clauses, "error_code is not null"], params: where.params };
  const top = await sql.all<{ errorCode: number; count: number }>(
    `select error_code as "errorCode", count(*) as count from audit_log ${sqlOf(errorWhere)}
     group by error_code order by count desc, error_code limit ?`,
    [...errorWhere.params, query.topErrors ?? 10],
  );
  return {
    since: empty.since,
    until: empty.until,
    days,
    topErrorCodes: top.map((t) => ({ ...t, errorTitle: findErrorEntry(t.errorCode)?.title ?? "UNKNOWN" })),
  };
};
