import type { DeliveryResult } from "@payreq/contracts";
import type { DeliveryRecord, OutboxPurpose } from "../domain/delivery.ts";
import { fromCents } from "../domain/money.ts";
import type { Prepared } from "../domain/payment-request.ts";
import type { RaisedEvent } from "./events.ts";

/**
 * What every event about a payment request names. Events carry ids, amounts and masked recipients only: never a
 * contact detail, a payment link (its token is a bearer secret) or a secret.
 */
export type EventScope = {
  dealerUuid: string;
  departmentUuid: string;
  requestId?: string | undefined;
  paymentRequestUuid: string;
  invoiceUuid: string;
  orderUuid: string;
};

export const scopeOf = (prepared: Prepared, requestId: string): EventScope => ({
  dealerUuid: prepared.department.dealerUuid,
  departmentUuid: prepared.department.uuid,
  requestId,
  paymentRequestUuid: prepared.paymentRequest.uuid,
  invoiceUuid: prepared.invoice.uuid,
  orderUuid: prepared.order.uuid,
});

const about = (scope: EventScope) => ({
  paymentRequestUuid: scope.paymentRequestUuid,
  invoiceUuid: scope.invoiceUuid,
  orderUuid: scope.orderUuid,
});

const raised = (
  scope: EventScope,
  type: RaisedEvent["type"],
  data: Record<string, unknown>,
): RaisedEvent => ({
  type,
  dealerUuid: scope.dealerUuid,
  departmentUuid: scope.departmentUuid,
  requestId: scope.requestId,
  paymentRequestUuid: scope.paymentRequestUuid,
  data: { ...about(scope), ...data },
});

/** payment_request.created: what steps 1–3 made and what delivery did. */
export const paymentRequestCreated = (
  prepared: Prepared,
  results: { textSent?: DeliveryResult | undefined; emailSent?: DeliveryResult | undefined },
  requestId: string,
): RaisedEvent =>
  raised(scopeOf(prepared, requestId), "payment_request.created", {
    orderNumber: prepared.order.orderNumber,
    orderType: prepared.order.orderType,
    customerUuid: prepared.customer.uuid,
    amount: fromCents(prepared.invoice.amountCents),
    orderCreated: prepared.order.created,
    invoiceCreated: prepared.invoice.created,
    ...(results.textSent ? { textSent: results.textSent } : {}),
    ...(results.emailSent ? { emailSent: results.emailSent } : {}),
    expiresAt: new Date(prepared.paymentRequest.expiresAt).toISOString(),
  });

const MESSAGE_EVENTS = {
  DELIVERED: ["message.sent", "accepted"],
  FAILED: ["message.failed", "failed"],
  UNCERTAIN: ["message.uncertain", "uncertain"],
} as const;

/** message.sent, message.failed or message.uncertain for one outbox row. */
export const messageEvent = (
  scope: EventScope,
  message: DeliveryRecord & { uuid: string; purpose?: OutboxPurpose | undefined },
): RaisedEvent => {
  const [type, status] = MESSAGE_EVENTS[message.status];
  return raised(scope, type, {
    messageUuid: message.uuid,
    channel: message.channel,
    purpose: message.purpose ?? "request",
    recipient: message.recipient,
    provider: message.provider,
    providerRef: message.providerRef ?? null,
    status,
    ...(message.error ? { reason: message.error } : {}),
  });
};
