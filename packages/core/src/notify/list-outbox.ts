import type { Sql, SqlParam } from "../ports/store.ts";

export type OutboxEntry = {
  createdAt: string;
  paymentRequestUuid: string;
  customerUuid: string;
  channel: "text" | "email";
  recipient: string;
  subject: string | null;
  body: string;
  status: "DELIVERED" | "FAILED";
  provider: string;
  providerRef: string | null;
  error: string | null;
  length: number | null;
  segments: number | null;
  /** The payment request itself, or a reminder of it. */
  purpose: "request" | "reminder";
  /** For an email: the file name of the invoice PDF it carried. */
  attachment: string | null;
};

export type OutboxFilter = {
  paymentRequestUuid?: string | undefined;
  customerUuid?: string | undefined;
  channel?: string | undefined;
  status?: string | undefined;
  limit?: number | undefined;
};

/** The record of every message, newest first. Recipients are stored masked. */
export const listOutbox = async (sql: Sql, filter: OutboxFilter = {}): Promise<OutboxEntry[]> => {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  for (const [column, value] of [
    ["payment_request_uuid", filter.paymentRequestUuid],
    ["customer_uuid", filter.customerUuid],
    ["channel", filter.channel],
    ["status", filter.status],
  ] as const) {
    if (value !== undefined) {
      clauses.push(`${column} = ?`);
      params.push(value);
    }
  }
  const rows = await sql.all<Omit<OutboxEntry, "createdAt"> & { createdAt: number }>(
    `select created_at as "createdAt", payment_request_uuid as "paymentRequestUuid", customer_uuid as "customerUuid",
            channel, recipient, subject, body, status, provider, provider_ref as "providerRef", error, length, segments,
            purpose, attachment
     from outbox ${clauses.length ? `where ${clauses.join(" and ")}` : ""} order by uuid desc limit ?`,
    [...params, Math.min(filter.limit ?? 50, 1000)],
  );
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() }));
};
