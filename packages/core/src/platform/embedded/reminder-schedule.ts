import type { ReminderStatus } from "../../domain/reminder.ts";
import type { Clock, IdGenerator } from "../../ports/clock.ts";
import type { Sql } from "../../ports/store.ts";

export type ReminderRequest = {
  invoiceUuid: string;
  departmentUuid: string;
  paymentRequestUuid: string;
  paymentUrl: string;
  invoiceUrl: string;
  requestId: string;
  /** The request's link expiry; a link a reminder repeats lives until the reminder's time plus `ttlMs`. */
  expiresAt: number;
  ttlMs: number;
};

/**
 * With step 3, in its transaction: the invoice's reminder follows its latest payment request. An invoice with a
 * reminderDate in the future has one pending reminder, naming that request (its channels, its link); a new
 * reminderDate supersedes the pending one; a reminder already sent or ended for that date is never made again.
 * A reminderDate not after now schedules nothing. Answers the link's expiry, later than asked when a reminder
 * will repeat the link.
 */
export const scheduleReminder = async (
  tx: Sql,
  request: ReminderRequest,
  { clock, ids }: { clock: Clock; ids: IdGenerator },
): Promise<number> => {
  const now = clock.now();
  const row = await tx.get<{
    reminderDate: string | null;
    pendingUuid: string | null;
    pendingDate: string | null;
  }>(
    `select i.reminder_date as "reminderDate", r.uuid as "pendingUuid", r.reminder_date as "pendingDate"
     from invoices i left join reminders r on r.invoice_uuid = i.uuid and r.status = 'PENDING'
     where i.uuid = ?`,
    [request.invoiceUuid],
  );
  if (!row?.reminderDate) return request.expiresAt;
  const dueAt = Date.parse(row.reminderDate);
  if (row.pendingUuid && row.pendingDate === row.reminderDate) {
    await tx.run(
      `update reminders set payment_request_uuid = ?, payment_url = ?, invoice_url = ?, request_id = ?, updated_at = ?
       where uuid = ?`,
      [
        request.paymentRequestUuid,
        request.paymentUrl,
        request.invoiceUrl,
        request.requestId,
        now,
        row.pendingUuid,
      ],
    );
    return extendLink(tx, request, dueAt);
  }
  if (row.pendingUuid) {
    await tx.run(
      `update reminders set status = 'SUPERSEDED', reason = ?, payment_url = null, invoice_url = null,
         updated_at = ? where uuid = ?`,
      [`the invoice's reminderDate became ${row.reminderDate}`, now, row.pendingUuid],
    );
  }
  if (!(dueAt > now)) return request.expiresAt;
  // Once per invoice reminder: a date that already had its reminder (sent or not) gets no second one.
  const { changes } = await tx.run(
    `insert into reminders (uuid, invoice_uuid, department_uuid, payment_request_uuid, reminder_date, due_at, status,
       payment_url, invoice_url, request_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)
     on conflict (invoice_uuid, reminder_date) do nothing`,
    [
      ids.next(),
      request.invoiceUuid,
      request.departmentUuid,
      request.paymentRequestUuid,
      row.reminderDate,
      dueAt,
      request.paymentUrl,
      request.invoiceUrl,
      request.requestId,
      now,
      now,
    ],
  );
  return changes === 1 ? extendLink(tx, request, dueAt) : request.expiresAt;
};

/** The customer reminded at `dueAt` gets a link that works for a whole lifetime from then. */
const extendLink = async (tx: Sql, request: ReminderRequest, dueAt: number): Promise<number> => {
  const expiresAt = Math.max(request.expiresAt, dueAt + request.ttlMs);
  if (expiresAt !== request.expiresAt) {
    await tx.run("update payment_requests set expires_at = ? where uuid = ?", [
      expiresAt,
      request.paymentRequestUuid,
    ]);
  }
  return expiresAt;
};

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
