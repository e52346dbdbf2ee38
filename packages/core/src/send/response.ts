import { type SendPaymentRequestResponse, type WarningItem, warningItem } from "@payreq/contracts";
import type { Touched } from "../audit/audit-trail.ts";
import { formatMoney } from "../money.ts";
import type { DeliveryOutcome } from "./deliver.ts";
import type { Prepared } from "./prepare.ts";

/** The warning of a reused open invoice whose amount changed (none for a new invoice or the same amount). */
export const amountWarning = (
  previousAmountCents: number | undefined,
  amountCents: number,
  uuid: string,
): WarningItem[] => {
  if (previousAmountCents === undefined) return [];
  const from = formatMoney(previousAmountCents);
  const to = formatMoney(amountCents);
  return [
    warningItem("OPEN_INVOICE_AMOUNT_UPDATED", {
      message: `The open invoice's amount was updated from ${from} to ${to}`,
      description: `Invoice ${uuid} was reused and its amount changed from ${from} to ${to}; every earlier payment URL of this invoice now asks for ${to}.`,
    }),
  ];
};

/** The published answer of an embedded call: what steps 1–3 made, what delivery did, and their warnings. */
export const sendResponseOf = (
  prepared: Prepared,
  delivery: DeliveryOutcome,
  requestId: string,
): SendPaymentRequestResponse => {
  const { invoice } = prepared;
  const warnings = amountWarning(invoice.previousAmountCents, invoice.amountCents, invoice.uuid);
  for (const outcome of [delivery.text, delivery.email]) if (outcome?.warning) warnings.push(outcome.warning);
  return {
    errors: [],
    warnings,
    paymentUrl: prepared.paymentRequest.paymentUrl,
    ...(delivery.text ? { textSent: delivery.text.result } : {}),
    ...(delivery.email ? { emailSent: delivery.email.result } : {}),
    orderUuid: prepared.order.uuid,
    invoiceUuid: prepared.invoice.uuid,
    paymentRequestUuid: prepared.paymentRequest.uuid,
    orderCreated: prepared.order.created,
    invoiceCreated: prepared.invoice.created,
    requestId,
  };
};

/** What the call's audit row names once steps 1–3 have run. */
export const touchedBy = (prepared: Prepared): Touched => ({
  orderNumber: prepared.order.orderNumber,
  orderUuid: prepared.order.uuid,
  orderCreated: prepared.order.created,
  invoiceUuid: prepared.invoice.uuid,
  invoiceCreated: prepared.invoice.created,
  paymentRequestUuid: prepared.paymentRequest.uuid,
  customerUuid: prepared.customer.uuid,
});
