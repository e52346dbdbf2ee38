import { insertAuditRow } from "../audit/write-audit.ts";
import { formatMoney } from "../domain/money.ts";
import { applyInvoicePayment, getInvoiceState } from "../invoices/record-payment.ts";
import type { ProcessorEvent, ProcessorSession } from "../ports/card-processor.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import { dialectOf } from "../ports/dialect.ts";
import type { Metrics, PaymentResult } from "../ports/metrics.ts";
import type { Sql, Store } from "../ports/store.ts";
import { type CheckoutSessionRow, getSession, sessionOfPayment } from "./checkout-rows.ts";

export type ProcessorEventDeps = { store: Store; clock: Clock; ids: IdGenerator; metrics: Metrics };

/** What handling an event did: for the webhook's answer and audit row, and what the caller does next. */
export type EventHandled = {
  /** Seen before: nothing was done again. */
  duplicate: boolean;
  outcome: string;
  invoiceUuid?: string | undefined;
  /** A payment was recorded: its receipt waits to be sent. */
  receipt: boolean;
  /** A second payment of an invoice already paid (or cancelled), to refund through the processor. */
  refund?: string | undefined;
};

type Handled = Omit<EventHandled, "duplicate"> & {
  metric?: { result: PaymentResult; departmentUuid: string; amountCents: number };
  deferred?: { paymentIntentId: string; refundedCents: number };
};

const now = (clock: Clock) => clock.now();

/**
 * One event from the card processor, handled once: its id is recorded in the same transaction as what it does,
 * so a duplicate (the processor delivers some twice), or a retry after a crash, does nothing more. A paid
 * session records the payment on its invoice through the same code as the v4 payment endpoint, with the
 * receipt to send; a payment for an invoice already paid by another (two tabs, two sessions) or cancelled is
 * marked for refund, audited; a refund names the payment it refunds, and one that arrives before its payment
 * waits for it.
 */
export const handleProcessorEvent = async (
  deps: ProcessorEventDeps,
  event: ProcessorEvent,
): Promise<EventHandled> => {
  const { store, clock } = deps;
  const result = await store.transaction(async (tx) => {
    const { changes } = await tx.run(
      `insert into stripe_events (id, type, account, outcome, received_at) values (?, ?, ?, 'handling', ?)
       on conflict (id) do nothing`,
      [event.id, event.type === "other" ? event.name : event.type, event.account, now(clock)],
    );
    if (changes === 0) {
      const seen = await tx.get<{ outcome: string }>("select outcome from stripe_events where id = ?", [
        event.id,
      ]);
      return { duplicate: true as const, outcome: seen?.outcome ?? "handled before", receipt: false };
    }
    const handled = await apply(tx, deps, event);
    await tx.run(
      `update stripe_events set outcome = ?, deferred_payment_intent_id = ?, deferred_refunded_cents = ?
       where id = ?`,
      [
        handled.outcome,
        handled.deferred?.paymentIntentId ?? null,
        handled.deferred?.refundedCents ?? null,
        event.id,
      ],
    );
    return { duplicate: false as const, ...handled };
  });
  if ("metric" in result && result.metric) {
    deps.metrics.payment(result.metric.result, result.metric.departmentUuid, result.metric.amountCents);
  }
  const { metric: _metric, deferred: _deferred, ...answer } = result as Handled & { duplicate: boolean };
  return answer;
};

const apply = async (tx: Sql, deps: ProcessorEventDeps, event: ProcessorEvent): Promise<Handled> => {
  if (event.type === "other") return { outcome: `ignored: ${event.name} is not acted on`, receipt: false };
  if (event.type === "charge.refunded") return refunded(tx, deps, event.charge);
  const row = await getSession(tx, event.session.id, dialectOf(deps.store.dialect).forUpdate);
  if (!row || (row.stripeAccount ?? null) !== event.account) {
    return { outcome: "ignored: not a session of this service", receipt: false };
  }
  switch (event.type) {
    case "checkout.session.completed":
      if (event.session.paymentStatus === "paid") return paid(tx, deps, row, event.session, event.created);
      await setStatus(tx, deps, row, "processing");
      return {
        outcome: "completed, the payment still processing (an asynchronous method): the invoice stays open",
        invoiceUuid: row.invoiceUuid,
        receipt: false,
      };
    case "checkout.session.async_payment_succeeded":
      return paid(tx, deps, row, event.session, event.created);
    case "checkout.session.async_payment_failed":
      await setStatus(tx, deps, row, "failed");
      return {
        outcome: "the payment failed: the invoice stays open",
        invoiceUuid: row.invoiceUuid,
        receipt: false,
        metric: {
          result: "failed",
          departmentUuid: await departmentOf(tx, row),
          amountCents: row.amountCents,
        },
      };
    case "checkout.session.expired":
      if (row.status !== "open") return { outcome: `expired (it was ${row.status})`, receipt: false };
      await setStatus(tx, deps, row, "expired");
      return {
        outcome: "expired unpaid: the invoice stays open",
        invoiceUuid: row.invoiceUuid,
        receipt: false,
        metric: {
          result: "expired",
          departmentUuid: await departmentOf(tx, row),
          amountCents: row.amountCents,
        },
      };
  }
};

const setStatus = (tx: Sql, deps: ProcessorEventDeps, row: CheckoutSessionRow, status: string) =>
  tx.run("update checkout_sessions set status = ?, updated_at = ? where id = ?", [
    status,
    now(deps.clock),
    row.id,
  ]);

const departmentOf = async (tx: Sql, row: CheckoutSessionRow) =>
  (
    await tx.get<{ departmentUuid: string }>(
      `select department_uuid as "departmentUuid" from invoices where uuid = ?`,
      [row.invoiceUuid],
    )
  )?.departmentUuid ?? "";

/** A session paid: the invoice's payment, unless the invoice was paid otherwise or cancelled (then refunded). */
const paid = async (
  tx: Sql,
  deps: ProcessorEventDeps,
  row: CheckoutSessionRow,
  session: ProcessorSession,
  created: number,
): Promise<Handled> => {
  if (row.status === "complete") {
    return { outcome: "already recorded", invoiceUuid: row.invoiceUuid, receipt: false };
  }
  const amountCents = session.amountTotalCents ?? row.amountCents;
  const paymentIntentId = session.paymentIntentId;
  await tx.run(
    `update checkout_sessions set status = 'complete', payment_intent_id = ?, paid_amount_cents = ?, updated_at = ?
     where id = ?`,
    [paymentIntentId, amountCents, now(deps.clock), row.id],
  );
  const departmentUuid = await departmentOf(tx, row);
  const invoice = await getInvoiceState(tx, row.invoiceUuid, departmentUuid);
  if (invoice?.status === "OPEN" && paymentIntentId) {
    const { invoice: after } = await applyInvoicePayment(tx, deps.store, deps, {
      departmentUuid,
      invoiceUuid: row.invoiceUuid,
      change: { paidDate: new Date(created * 1000).toISOString(), amountCents },
      paymentIntentId,
      overpaid: true,
    });
    await tx.run(
      `insert into receipts (uuid, invoice_uuid, payment_request_uuid, status, created_at, updated_at)
       values (?, ?, ?, 'PENDING', ?, ?) on conflict do nothing`,
      [deps.ids.next(), row.invoiceUuid, row.paymentRequestUuid, now(deps.clock), now(deps.clock)],
    );
    // A refund the processor reported before this payment's own event: applied now.
    const early = await tx.get<{ cents: number | null }>(
      `select max(deferred_refunded_cents) as cents from stripe_events
       where deferred_payment_intent_id is not null and deferred_payment_intent_id = ?`,
      [paymentIntentId],
    );
    if (early?.cents) {
      await applyInvoicePayment(tx, deps.store, deps, {
        departmentUuid,
        invoiceUuid: row.invoiceUuid,
        change: { refundedAmountCents: Math.min(Number(early.cents), amountCents) },
      });
    }
    const balance = after.amountCents - amountCents;
    return {
      outcome: `payment of ${formatMoney(amountCents)} recorded${balance > 0 ? `; ${formatMoney(balance)} of the invoice left unpaid` : ""}`,
      invoiceUuid: row.invoiceUuid,
      receipt: true,
      metric: { result: "paid", departmentUuid, amountCents },
    };
  }
  if (!paymentIntentId) {
    return { outcome: "paid, but the processor named no payment: nothing recorded", receipt: false };
  }
  // Two tabs, two sessions, both paid; or paid after the invoice was settled or cancelled another way.
  const why = invoice?.status === "VOID" ? "the invoice was cancelled" : "the invoice was already paid";
  await tx.run("update checkout_sessions set refund = 'pending', updated_at = ? where id = ?", [
    now(deps.clock),
    row.id,
  ]);
  await insertAuditRow(
    tx,
    {
      meta: {
        requestId: deps.ids.next(),
        transport: "scheduler",
        operation: "payments.double-payment",
        receivedAt: now(deps.clock),
      },
      departmentUuid,
      status: 200,
      requestBody: { checkoutSessionId: row.id, paymentIntentId },
      response: {
        errors: [],
        warnings: [],
        invoiceUuid: row.invoiceUuid,
        paymentRequestUuid: row.paymentRequestUuid,
        amount: amountCents / 100,
        outcome: `a second payment: ${why}; it is refunded through the processor`,
      },
      touched: {
        invoiceUuid: row.invoiceUuid,
        invoiceCreated: false,
        paymentRequestUuid: row.paymentRequestUuid,
      },
    },
    { store: deps.store, clock: deps.clock },
  );
  return {
    outcome: `a second payment of ${formatMoney(amountCents)}: ${why}; refunding it`,
    invoiceUuid: row.invoiceUuid,
    receipt: false,
    refund: row.id,
  };
};

/** A refund of a payment: the invoice's total refunded, or the double payment's refund confirmed. */
const refunded = async (
  tx: Sql,
  deps: ProcessorEventDeps,
  charge: { paymentIntentId: string | null; amountRefundedCents: number },
): Promise<Handled> => {
  if (!charge.paymentIntentId) return { outcome: "ignored: the refund names no payment", receipt: false };
  const row = await sessionOfPayment(tx, charge.paymentIntentId);
  if (row?.status !== "complete") {
    return {
      outcome: "its payment is not recorded (yet): applied when it is",
      receipt: false,
      deferred: { paymentIntentId: charge.paymentIntentId, refundedCents: charge.amountRefundedCents },
    };
  }
  if (row.refund !== null) {
    await tx.run("update checkout_sessions set refund = 'refunded', updated_at = ? where id = ?", [
      now(deps.clock),
      row.id,
    ]);
    return {
      outcome: "the refund of a second payment, confirmed",
      invoiceUuid: row.invoiceUuid,
      receipt: false,
      metric: {
        result: "refunded",
        departmentUuid: await departmentOf(tx, row),
        amountCents: charge.amountRefundedCents,
      },
    };
  }
  const departmentUuid = await departmentOf(tx, row);
  const invoice = await getInvoiceState(tx, row.invoiceUuid, departmentUuid);
  if (!invoice || invoice.paidAmountCents === null) {
    return { outcome: "ignored: its invoice has no payment", receipt: false };
  }
  const total = Math.min(charge.amountRefundedCents, invoice.paidAmountCents);
  if (invoice.refundedAmountCents !== null && total <= invoice.refundedAmountCents) {
    return { outcome: "refund already recorded", invoiceUuid: row.invoiceUuid, receipt: false };
  }
  await applyInvoicePayment(tx, deps.store, deps, {
    departmentUuid,
    invoiceUuid: row.invoiceUuid,
    change: { refundedAmountCents: total },
  });
  return {
    outcome: `refunded ${formatMoney(total)} in all, recorded`,
    invoiceUuid: row.invoiceUuid,
    receipt: false,
  };
};
