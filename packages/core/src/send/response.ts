import {
  type SendPaymentRequestResponse,
  type UpstreamPaymentRequestResponse,
  type WarningItem,
  warningItem,
} from "@payreq/contracts";
import type { Touched } from "../domain/call.ts";
import type { DeliveryOutcome } from "../domain/delivery.ts";
import { formatMoney } from "../domain/money.ts";
import type { Prepared } from "../domain/payment-request.ts";

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

/** The call's warnings: the invoice's changed amount, then each channel's, then the platform's own. */
const warningsOf = ({ invoice }: Prepared, delivery: DeliveryOutcome): WarningItem[] => [
  ...amountWarning(invoice.previousAmountCents, invoice.amountCents, invoice.uuid),
  ...[delivery.text?.warning, delivery.email?.warning].filter((w): w is WarningItem => w !== undefined),
  ...(delivery.warnings ?? []),
];

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

/**
 * The answers of the endpoints that send a payment request, by name (a program on the store's thread builds them
 * too): what steps 1–3 made and what delivery did, and what a stored answer names when it is replayed.
 */
export const ANSWERS = {
  /** Send Payment Request, the published answer. */
  aggregator: {
    of: (prepared: Prepared, delivery: DeliveryOutcome, requestId: string): SendPaymentRequestResponse => ({
      errors: [],
      warnings: warningsOf(prepared, delivery),
      paymentUrl: prepared.paymentRequest.paymentUrl,
      ...(delivery.text ? { textSent: delivery.text.result } : {}),
      ...(delivery.email ? { emailSent: delivery.email.result } : {}),
      orderUuid: prepared.order.uuid,
      invoiceUuid: prepared.invoice.uuid,
      paymentRequestUuid: prepared.paymentRequest.uuid,
      orderCreated: prepared.order.created,
      invoiceCreated: prepared.invoice.created,
      requestId,
    }),
    touched: (body: Record<string, unknown>): Touched =>
      "paymentRequestUuid" in body
        ? {
            orderUuid: body.orderUuid as string,
            orderCreated: body.orderCreated as boolean,
            invoiceUuid: body.invoiceUuid as string,
            invoiceCreated: body.invoiceCreated as boolean,
            paymentRequestUuid: body.paymentRequestUuid as string,
          }
        : {},
  },
  /** The platform's v4 Send Payment Request, for an open invoice. */
  v4: {
    of: (prepared: Prepared, delivery: DeliveryOutcome): UpstreamPaymentRequestResponse => ({
      errors: [],
      warnings: warningsOf(prepared, delivery),
      paymentLink: prepared.paymentRequest.paymentUrl,
      invoiceLink: prepared.paymentRequest.invoiceUrl,
      ...(delivery.text ? { textSent: delivery.text.result } : {}),
      ...(delivery.email ? { emailSent: delivery.email.result } : {}),
      paymentRequestGuid: prepared.paymentRequest.uuid,
    }),
    touched: (body: Record<string, unknown>): Touched =>
      typeof body.paymentRequestGuid === "string" ? { paymentRequestUuid: body.paymentRequestGuid } : {},
  },
} as const;

export type AnswerName = keyof typeof ANSWERS;
export type AnswerOf<A extends AnswerName> = ReturnType<(typeof ANSWERS)[A]["of"]>;
