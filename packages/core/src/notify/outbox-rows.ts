import type { DeliveryRecord, OutboxPurpose } from "../domain/delivery.ts";
import { type Sql, type SqlParam, write } from "../ports/store.ts";

/** The outbox: every text and email a call or a reminder handed to its notifier (or could not), one row each. */
export type OutboxRow = DeliveryRecord & {
  uuid: string;
  paymentRequestUuid: string;
  /** The request itself (by default), a reminder of it, or its payment's receipt. */
  purpose?: OutboxPurpose;
};

const OUTBOX_COLUMNS = `uuid, payment_request_uuid, customer_uuid, channel, recipient, subject, body, status, provider,
  provider_ref, error, length, segments, purpose, attachment, created_at`;

const outboxValues = (row: OutboxRow, now: number): SqlParam[] => [
  row.uuid,
  row.paymentRequestUuid,
  row.customerUuid,
  row.channel,
  row.recipient,
  row.subject ?? null,
  row.body,
  row.status,
  row.provider,
  row.providerRef ?? null,
  row.error ?? null,
  row.length ?? null,
  row.segments ?? null,
  row.purpose ?? "request",
  row.attachment ?? null,
  now,
];

export const insertOutbox = (sql: Sql, row: OutboxRow, now: number) => insertOutboxRows(sql, [row], now);

/** The messages of one call in one statement (one round trip on PostgreSQL). */
export const insertOutboxRows = async (sql: Sql, rows: OutboxRow[], now: number) => {
  if (rows.length === 0) return;
  const tuple = `(${Array.from({ length: 16 }, () => "?").join(", ")})`;
  await write(
    sql,
    `insert into outbox (${OUTBOX_COLUMNS}) values ${rows.map(() => tuple).join(", ")}`,
    rows.flatMap((row) => outboxValues(row, now)),
  );
};
