import type { ReminderStatus } from "../domain/reminder.ts";
import type { Sql } from "../ports/store.ts";

/** A reminder with what sending it needs: its invoice as it stands now, the payment request and the order. */
export type ReminderToSend = {
  uuid: string;
  status: ReminderStatus;
  attempts: number;
  ownerId: number | null;
  reminderDate: string;
  paymentUrl: string | null;
  invoiceUrl: string | null;
  invoiceUuid: string;
  invoiceStatus: "OPEN" | "PAID" | "VOID";
  amountCents: number;
  description: string | null;
  fileName: string | null;
  paymentRequestUuid: string;
  sendAsText: boolean;
  sendAsEmail: boolean;
  attachInvoice: boolean;
  esignRequired: boolean;
  expiresAt: number;
  orderUuid: string;
  orderType: string;
  orderNumber: string;
  customerUuid: string;
  departmentUuid: string;
  dealerUuid: string;
  dealerName: string;
};

type Flags = "sendAsText" | "sendAsEmail" | "attachInvoice" | "esignRequired";

export const loadReminder = async (sql: Sql, uuid: string): Promise<ReminderToSend | undefined> => {
  const row = await sql.get<Omit<ReminderToSend, Flags> & Record<Flags, number>>(
    `select r.uuid, r.status, r.attempts, r.owner_id as "ownerId", r.reminder_date as "reminderDate",
            r.payment_url as "paymentUrl", r.invoice_url as "invoiceUrl", i.uuid as "invoiceUuid",
            i.status as "invoiceStatus", i.amount_cents as "amountCents", i.description, i.file_name as "fileName",
            p.uuid as "paymentRequestUuid", p.send_as_text as "sendAsText", p.send_as_email as "sendAsEmail",
            p.attach_invoice as "attachInvoice", p.esign_required as "esignRequired", p.expires_at as "expiresAt",
            o.uuid as "orderUuid", o.order_type as "orderType", o.order_number as "orderNumber",
            o.customer_uuid as "customerUuid", dep.uuid as "departmentUuid", dep.dealer_uuid as "dealerUuid",
            l.name as "dealerName"
     from reminders r
     join invoices i on i.uuid = r.invoice_uuid
     join payment_requests p on p.uuid = r.payment_request_uuid
     join dealer_orders o on o.uuid = i.order_uuid
     join departments dep on dep.uuid = i.department_uuid
     join dealers l on l.uuid = dep.dealer_uuid
     where r.uuid = ?`,
    [uuid],
  );
  if (!row) return undefined;
  return {
    ...row,
    sendAsText: row.sendAsText === 1,
    sendAsEmail: row.sendAsEmail === 1,
    attachInvoice: row.attachInvoice === 1,
    esignRequired: row.esignRequired === 1,
  };
};

/** A reminder as ops see it: never its link. */
export type ReminderListing = {
  uuid: string;
  status: ReminderStatus;
  reminderDate: string;
  dueAt: number;
  departmentUuid: string;
  invoiceUuid: string;
  paymentRequestUuid: string;
  orderNumber: string;
  attempts: number;
  textResult: string | null;
  emailResult: string | null;
  reason: string | null;
  updatedAt: number;
};

export type ReminderFilter = {
  status?: ReminderStatus | undefined;
  invoiceUuid?: string | undefined;
  departmentUuid?: string | undefined;
  limit?: number | undefined;
};

/** Reminders by due time, soonest first (pending ones first when no status is asked for). */
export const listReminders = (sql: Sql, filter: ReminderFilter = {}): Promise<ReminderListing[]> => {
  const conditions = (
    [
      ["r.status", filter.status],
      ["r.invoice_uuid", filter.invoiceUuid],
      ["r.department_uuid", filter.departmentUuid],
    ] as [string, string | undefined][]
  ).filter((condition): condition is [string, string] => condition[1] !== undefined);
  const where = conditions.map(([column]) => `${column} = ?`);
  const params: (string | number)[] = conditions.map(([, value]) => value);
  params.push(Math.min(Math.max(filter.limit ?? 50, 1), 1000));
  return sql.all<ReminderListing>(
    `select r.uuid, r.status, r.reminder_date as "reminderDate", r.due_at as "dueAt",
            r.department_uuid as "departmentUuid", r.invoice_uuid as "invoiceUuid",
            r.payment_request_uuid as "paymentRequestUuid", o.order_number as "orderNumber", r.attempts,
            r.text_result as "textResult", r.email_result as "emailResult", r.reason, r.updated_at as "updatedAt"
     from reminders r
     join invoices i on i.uuid = r.invoice_uuid
     join dealer_orders o on o.uuid = i.order_uuid
     ${where.length > 0 ? `where ${where.join(" and ")}` : ""}
     order by case when r.status = 'PENDING' then 0 else 1 end, r.due_at, r.uuid
     limit ?`,
    params,
  );
};
