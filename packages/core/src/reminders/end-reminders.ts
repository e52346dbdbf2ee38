import type { Sql } from "../store/sql.ts";

export const REMINDER_STATUSES = [
  "PENDING",
  "CLAIMED",
  "SENDING",
  "SENT",
  "SKIPPED",
  "SUPERSEDED",
  "UNCERTAIN",
] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** Ends the invoice's pending reminder (a payment, a cancellation) and erases the link it was keeping. */
export const endPendingReminders = (
  tx: Sql,
  invoiceUuid: string,
  status: Extract<ReminderStatus, "SKIPPED" | "SUPERSEDED">,
  reason: string,
  now: number,
) =>
  tx.run(
    `update reminders set status = ?, reason = ?, payment_url = null, invoice_url = null, owner_id = null,
       updated_at = ? where invoice_uuid = ? and status = 'PENDING'`,
    [status, reason, now, invoiceUuid],
  );
