import { insertAuditRow } from "../audit/write-audit.ts";
import { AuditTrail } from "../domain/call.ts";
import { recordsOf } from "../domain/delivery.ts";
import { deliver } from "../notify/deliver.ts";
import { insertOutboxRows } from "../notify/outbox-rows.ts";
import { getCustomer } from "../platform/embedded/platform-queries.ts";
import type { Store } from "../ports/store.ts";
import type { ReminderDeps } from "../reminders/send-due-reminders.ts";
import { type EventScope, messageEvent } from "../webhooks/event-data.ts";
import { raiseEvents } from "../webhooks/events.ts";

/** What sending a receipt needs: what sending a reminder needs (both are messages outside a call). */
export type ReceiptDeps = ReminderDeps;

/** A receipt with what sending it needs: the payment as recorded, the request's channels, the order. */
type ReceiptToSend = {
  uuid: string;
  invoiceUuid: string;
  paymentRequestUuid: string;
  paidAmountCents: number | null;
  description: string | null;
  sendAsText: number;
  sendAsEmail: number;
  orderUuid: string;
  orderType: string;
  orderNumber: string;
  customerUuid: string;
  departmentUuid: string;
  dealerUuid: string;
  dealerName: string;
};

const loadReceipt = (store: Store, uuid: string) =>
  store.sql.get<ReceiptToSend>(
    `select r.uuid, r.invoice_uuid as "invoiceUuid", r.payment_request_uuid as "paymentRequestUuid",
            i.paid_amount_cents as "paidAmountCents", i.description, p.send_as_text as "sendAsText",
            p.send_as_email as "sendAsEmail", o.uuid as "orderUuid", o.order_type as "orderType",
            o.order_number as "orderNumber", o.customer_uuid as "customerUuid", dep.uuid as "departmentUuid",
            dep.dealer_uuid as "dealerUuid", l.name as "dealerName"
     from receipts r
     join invoices i on i.uuid = r.invoice_uuid
     join payment_requests p on p.uuid = r.payment_request_uuid
     join dealer_orders o on o.uuid = i.order_uuid
     join departments dep on dep.uuid = i.department_uuid
     join dealers l on l.uuid = dep.dealer_uuid
     where r.uuid = ?`,
    [uuid],
  );

/**
 * Sends the receipts of recorded card payments, each at most once, on any number of processes: a receipt is
 * taken (PENDING → SENDING, this process its owner) in a commit of its own before any message leaves, then
 * recorded SENT with its outbox rows (purpose `receipt`), its message events and an audit row
 * (`receipts.send`). A receipt whose owner died while SENDING may have reached the customer: UNCERTAIN, never
 * sent again. Receipts carry no link: the payment page's token is never stored.
 */
export const sendPendingReceipts = async (
  deps: ReceiptDeps,
): Promise<{ sent: number; uncertain: number }> => {
  const { store, clock } = deps;
  const run = { sent: 0, uncertain: 0 };
  // The queries repeat the partial index's condition (`receipts_open`: status in PENDING, SENDING) so that the
  // planners use it.
  const sending = await store.sql.all<{ uuid: string; ownerId: number | null }>(
    `select uuid, owner_id as "ownerId" from receipts where status in ('PENDING', 'SENDING') and status = 'SENDING'`,
  );
  for (const row of sending) {
    if (row.ownerId !== null && (await store.isOwnerAlive(store.sql, row.ownerId))) continue;
    const { changes } = await store.transaction((tx) =>
      tx.run(
        `update receipts set status = 'UNCERTAIN', reason = ?, updated_at = ?
         where uuid = ? and status = 'SENDING'`,
        [
          "its sender stopped while sending: it may have reached the customer, so it is not sent again",
          clock.now(),
          row.uuid,
        ],
      ),
    );
    run.uncertain += changes;
  }
  const skipLocked = store.dialect === "postgres" ? " for update skip locked" : "";
  for (let i = 0; i < 1000; i++) {
    const [taken] = await store.transaction((tx) =>
      tx.all<{ uuid: string }>(
        `update receipts set status = 'SENDING', owner_id = ?, updated_at = ?
         where uuid in (select uuid from receipts where status in ('PENDING', 'SENDING') and status = 'PENDING'
                        order by created_at limit 1${skipLocked})
         returning uuid`,
        [store.ownerId, clock.now()],
      ),
    );
    if (!taken) break;
    await sendOne(deps, taken.uuid);
    run.sent += 1;
  }
  return run;
};

const sendOne = async (deps: ReceiptDeps, uuid: string) => {
  const { store, clock } = deps;
  const startedAt = clock.now();
  const receipt = await loadReceipt(store, uuid);
  const customer = receipt && (await getCustomer(store.sql, receipt.customerUuid));
  if (!receipt || !customer) {
    await store.transaction((tx) =>
      tx.run("update receipts set status = 'SKIPPED', reason = ?, updated_at = ? where uuid = ?", [
        "its invoice or customer is gone",
        clock.now(),
        uuid,
      ]),
    );
    return;
  }
  const trail = new AuditTrail(clock);
  const amountCents = receipt.paidAmountCents ?? 0;
  const delivery = await trail.step(
    "delivery",
    async () =>
      deliver(deps.notifier, {
        customer,
        templates: await deps.templates.forDealer(receipt.dealerUuid),
        sendAsText: receipt.sendAsText === 1,
        sendAsEmail: receipt.sendAsEmail === 1,
        timeoutMs: deps.deliveryTimeoutMs,
        purpose: "receipt",
        context: {
          dealerName: receipt.dealerName,
          orderType: receipt.orderType,
          orderNumber: receipt.orderNumber,
          amountCents,
          description: receipt.description ?? undefined,
          customerFirstName: customer.firstName,
          customerHasEmail: Boolean(customer.email),
          paymentUrl: "",
          invoiceUrl: "",
          attachInvoice: false,
          esignRequired: false,
        },
      }),
    (d) => `text=${d.text?.result ?? "-"} email=${d.email?.result ?? "-"}`,
  );
  await store.transaction(
    async (tx) => {
      await tx.run(
        `update receipts set status = 'SENT', text_result = ?, email_result = ?, updated_at = ?
         where uuid = ? and status = 'SENDING' and owner_id = ?`,
        [delivery.text?.result ?? null, delivery.email?.result ?? null, clock.now(), uuid, store.ownerId],
      );
      const rows = recordsOf(delivery).map((message) => ({
        ...message,
        uuid: deps.ids.next(),
        paymentRequestUuid: receipt.paymentRequestUuid,
        purpose: "receipt" as const,
      }));
      await insertOutboxRows(tx, rows, clock.now());
      const requestId = deps.ids.next();
      const scope: EventScope = {
        dealerUuid: receipt.dealerUuid,
        departmentUuid: receipt.departmentUuid,
        requestId,
        paymentRequestUuid: receipt.paymentRequestUuid,
        invoiceUuid: receipt.invoiceUuid,
        orderUuid: receipt.orderUuid,
      };
      await raiseEvents(
        tx,
        rows.map((row) => messageEvent(scope, row)),
        deps,
      );
      await insertAuditRow(
        tx,
        {
          meta: { requestId, transport: "scheduler", operation: "receipts.send", receivedAt: startedAt },
          departmentUuid: receipt.departmentUuid,
          status: 200,
          requestBody: { receiptUuid: receipt.uuid },
          response: {
            errors: [],
            warnings: [delivery.text?.warning, delivery.email?.warning].filter((w) => w !== undefined),
            ...(delivery.text ? { textSent: delivery.text.result } : {}),
            ...(delivery.email ? { emailSent: delivery.email.result } : {}),
            invoiceUuid: receipt.invoiceUuid,
            paymentRequestUuid: receipt.paymentRequestUuid,
            paidAmount: amountCents / 100,
          },
          timeline: trail.timeline,
          touched: {
            orderNumber: receipt.orderNumber,
            orderUuid: receipt.orderUuid,
            orderCreated: false,
            invoiceUuid: receipt.invoiceUuid,
            invoiceCreated: false,
            paymentRequestUuid: receipt.paymentRequestUuid,
            customerUuid: receipt.customerUuid,
          },
        },
        deps,
      );
    },
    { grouped: true },
  );
};
