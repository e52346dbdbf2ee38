import type { InvoicePaymentRequest } from "@payreq/contracts";
import { PayreqError } from "../domain/errors.ts";
import type { InvoiceStatus } from "../domain/invoice.ts";
import { formatMoney, fromCents, toCents } from "../domain/money.ts";
import { endPendingReminders } from "../platform/embedded/reminder-schedule.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import { dialectOf } from "../ports/dialect.ts";
import type { Sql, Store } from "../ports/store.ts";
import { type RaisedEvent, raiseEvents } from "../webhooks/events.ts";

/** An invoice with what the platform recorded of its payment. */
export type InvoiceState = {
  uuid: string;
  orderUuid: string;
  departmentUuid: string;
  status: InvoiceStatus;
  amountCents: number;
  paidDate: string | null;
  paidAmountCents: number | null;
  refundedAmountCents: number | null;
};

/** An invoice as the v4 endpoints answer it: the payment fields once the platform recorded any. */
export const invoiceBody = (invoice: InvoiceState) => ({
  guid: invoice.uuid,
  invoiceStatus: invoice.status,
  amount: fromCents(invoice.amountCents),
  ...(invoice.paidDate !== null && invoice.status === "PAID" ? { paidDate: invoice.paidDate } : {}),
  ...(invoice.paidAmountCents !== null ? { paidAmount: fromCents(invoice.paidAmountCents) } : {}),
  ...(invoice.refundedAmountCents !== null ? { refundedAmount: fromCents(invoice.refundedAmountCents) } : {}),
  paymentDealerOrder: { dealerOrderUuid: invoice.orderUuid, departmentUuid: invoice.departmentUuid },
});

/** invoice.paid, invoice.refunded or invoice.voided: the invoice's amounts as they now stand. */
const invoiceEvent = async (
  tx: Sql,
  type: "invoice.paid" | "invoice.refunded" | "invoice.voided",
  invoice: InvoiceState,
  extra: Record<string, unknown>,
): Promise<RaisedEvent> => {
  const department = await tx.get<{ dealerUuid: string }>(
    `select dealer_uuid as "dealerUuid" from departments where uuid = ?`,
    [invoice.departmentUuid],
  );
  return {
    type,
    dealerUuid: department?.dealerUuid ?? "",
    departmentUuid: invoice.departmentUuid,
    data: {
      invoiceUuid: invoice.uuid,
      orderUuid: invoice.orderUuid,
      status: invoice.status,
      amount: fromCents(invoice.amountCents),
      ...(invoice.paidAmountCents !== null ? { paidAmount: fromCents(invoice.paidAmountCents) } : {}),
      ...(invoice.refundedAmountCents !== null
        ? { refundedAmount: fromCents(invoice.refundedAmountCents) }
        : {}),
      ...extra,
    },
  };
};

/** A payment (paidDate, and the amount paid if not the whole invoice), a refund (the total refunded), or both. */
export type PaymentChange = { paidDate?: string; amountCents?: number; refundedAmountCents?: number };

/** A Record Invoice Payment body (the v4 endpoint's, or the CLI's flags checked by its schema) as the change. */
export const paymentChangeOf = (body: InvoicePaymentRequest): PaymentChange => ({
  ...(body.paidDate !== undefined ? { paidDate: body.paidDate } : {}),
  ...(body.amount !== undefined ? { amountCents: toCents(body.amount) } : {}),
  ...(body.refundedAmount !== undefined ? { refundedAmountCents: toCents(body.refundedAmount) } : {}),
});

/** How far ahead of this clock a payment's date may be: the platform's clock, not ours, dated it. */
export const PAID_DATE_SKEW_MS = 5 * 60_000;

export const getInvoiceState = (sql: Sql, uuid: string, departmentUuid: string, forUpdate = "") =>
  sql.get<InvoiceState>(
    `select uuid, order_uuid as "orderUuid", department_uuid as "departmentUuid", status,
            amount_cents as "amountCents", paid_date as "paidDate", paid_amount_cents as "paidAmountCents",
            refunded_amount_cents as "refundedAmountCents"
     from invoices where uuid = ? and department_uuid = ?${forUpdate}`,
    [uuid, departmentUuid],
  );

/** The department an invoice belongs to, for the operator's command that names only the invoice. */
export const invoiceDepartment = async (sql: Sql, uuid: string): Promise<string | undefined> =>
  (
    await sql.get<{ departmentUuid: string }>(
      `select department_uuid as "departmentUuid" from invoices where uuid = ?`,
      [uuid],
    )
  )?.departmentUuid;

const invalid = (field: string, description: string) =>
  new PayreqError("INVALID_REQUEST_DATA", { message: `Invalid field: ${field}`, description });

/** The invoice, held for the rest of the transaction so that two payments of it run one after the other. */
const lockInvoice = async (tx: Sql, store: Pick<Store, "dialect">, uuid: string, departmentUuid: string) => {
  const invoice = await getInvoiceState(tx, uuid, departmentUuid, dialectOf(store.dialect).forUpdate);
  if (!invoice) throw new PayreqError("INVOICE_NOT_FOUND");
  return invoice;
};

/** The payment's new columns, or the refusal; the same payment recorded twice changes nothing. */
const applyPayment = (invoice: InvoiceState, change: PaymentChange, now: number, overpaid: boolean) => {
  if (change.paidDate === undefined) return undefined;
  if (Date.parse(change.paidDate) > now + PAID_DATE_SKEW_MS) {
    throw invalid("paidDate", `paidDate ${change.paidDate} is in the future`);
  }
  const amountCents = change.amountCents ?? invoice.amountCents;
  if (amountCents > invoice.amountCents && !overpaid) {
    throw invalid(
      "amount",
      `the amount paid (${formatMoney(amountCents)}) is above the invoice's amount (${formatMoney(invoice.amountCents)})`,
    );
  }
  if (invoice.status === "PAID") {
    const same =
      invoice.paidDate !== null &&
      Date.parse(invoice.paidDate) === Date.parse(change.paidDate) &&
      invoice.paidAmountCents === amountCents;
    if (!same) {
      throw new PayreqError("INVOICE_ALREADY_PAID", {
        description: `The invoice was paid ${formatMoney(invoice.paidAmountCents ?? 0)} on ${invoice.paidDate}; record a refund, or send a new payment request for the order.`,
      });
    }
    return undefined;
  }
  return { paidDate: change.paidDate, paidAmountCents: amountCents };
};

const checkRefund = (paidAmountCents: number | null, current: number | null, refundedAmountCents: number) => {
  if (paidAmountCents === null) throw new PayreqError("INVOICE_NOT_PAID");
  if (refundedAmountCents > paidAmountCents) {
    throw invalid(
      "refundedAmount",
      `refundedAmount (${formatMoney(refundedAmountCents)}) is above the amount paid (${formatMoney(paidAmountCents)})`,
    );
  }
  if (current !== null && refundedAmountCents < current) {
    throw invalid(
      "refundedAmount",
      `refundedAmount is the total refunded so far: it cannot go down from ${formatMoney(current)}`,
    );
  }
};

/**
 * The platform's side of a payment: marks the invoice PAID with its date and the amount paid, and records refunds
 * as the total refunded so far (never above the amount paid). A paid invoice ends its pending reminders, and a
 * new Send Payment Request on its order opens a new invoice. A cancelled invoice takes neither.
 */
export const recordInvoicePayment = (
  store: Store,
  context: { clock: Clock; ids: IdGenerator },
  input: { departmentUuid: string; invoiceUuid: string; change: PaymentChange },
): Promise<InvoiceState> =>
  store.transaction(async (tx) => (await applyInvoicePayment(tx, store, context, input)).invoice);

/**
 * The same, inside the caller's transaction (a card processor's event records its payment with the event's own
 * rows): the invoice as it now stands, and whether this change paid it. `paymentIntentId` names the processor's
 * payment; `overpaid` lets a processor's payment above the invoice's amount stand (the money was taken).
 */
export const applyInvoicePayment = async (
  tx: Sql,
  store: Pick<Store, "dialect">,
  { clock, ids }: { clock: Clock; ids: IdGenerator },
  input: {
    departmentUuid: string;
    invoiceUuid: string;
    change: PaymentChange;
    paymentIntentId?: string | undefined;
    overpaid?: boolean;
  },
): Promise<{ invoice: InvoiceState; paid: boolean }> => {
  const now = clock.now();
  const invoice = await lockInvoice(tx, store, input.invoiceUuid, input.departmentUuid);
  if (invoice.status === "VOID") throw new PayreqError("INVOICE_CANCELLED");
  const payment = applyPayment(invoice, input.change, now, input.overpaid ?? false);
  const paidAmountCents = payment?.paidAmountCents ?? invoice.paidAmountCents;
  const refund = input.change.refundedAmountCents;
  if (refund !== undefined) checkRefund(paidAmountCents, invoice.refundedAmountCents, refund);
  const next: InvoiceState = {
    ...invoice,
    ...(payment ? { status: "PAID" as const, ...payment } : {}),
    ...(refund !== undefined ? { refundedAmountCents: refund } : {}),
  };
  await tx.run(
    `update invoices set status = ?, paid_date = ?, paid_amount_cents = ?, refunded_amount_cents = ?,
       payment_intent_id = coalesce(?, payment_intent_id), updated_at = ? where uuid = ?`,
    [
      next.status,
      next.paidDate,
      next.paidAmountCents,
      next.refundedAmountCents,
      payment ? (input.paymentIntentId ?? null) : null,
      now,
      invoice.uuid,
    ],
  );
  if (payment) await endPendingReminders(tx, invoice.uuid, "SKIPPED", "the invoice was paid", now);
  const events: RaisedEvent[] = [];
  if (payment) events.push(await invoiceEvent(tx, "invoice.paid", next, { paidDate: next.paidDate }));
  if (refund !== undefined && refund !== invoice.refundedAmountCents) {
    events.push(
      await invoiceEvent(tx, "invoice.refunded", next, { refundedAt: new Date(now).toISOString() }),
    );
  }
  await raiseEvents(tx, events, { clock, ids });
  return { invoice: next, paid: payment !== undefined };
};

/** Cancels an open invoice: its links show it cancelled and its reminders end. A paid invoice is refunded instead. */
export const voidInvoice = (
  store: Store,
  { clock, ids }: { clock: Clock; ids: IdGenerator },
  input: { departmentUuid: string; invoiceUuid: string },
): Promise<InvoiceState> =>
  store.transaction(async (tx) => {
    const now = clock.now();
    const invoice = await lockInvoice(tx, store, input.invoiceUuid, input.departmentUuid);
    if (invoice.status === "VOID") return invoice;
    if (invoice.status === "PAID") {
      throw new PayreqError("INVOICE_ALREADY_PAID", {
        description: "A paid invoice is not cancelled: record a refund instead.",
      });
    }
    await tx.run("update invoices set status = 'VOID', updated_at = ? where uuid = ?", [now, invoice.uuid]);
    await endPendingReminders(tx, invoice.uuid, "SKIPPED", "the invoice was cancelled", now);
    const voided: InvoiceState = { ...invoice, status: "VOID" };
    const event = await invoiceEvent(tx, "invoice.voided", voided, { voidedAt: new Date(now).toISOString() });
    await raiseEvents(tx, [event], { clock, ids });
    return voided;
  });
