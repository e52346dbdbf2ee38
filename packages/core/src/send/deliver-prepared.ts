import type { AuditTrail } from "../audit/audit-trail.ts";
import { invoiceAttachment } from "../invoices/invoice-attachment.ts";
import type { DeliveryRecord } from "../ports.ts";
import { type DeliveryOutcome, deliver } from "./deliver.ts";
import type { Claim } from "./idempotency.ts";
import type { Prepared } from "./prepare.ts";
import type { CallDeps } from "./record-call.ts";

export type DeliveryOptions = {
  sendAsText: boolean;
  sendAsEmail: boolean;
  description?: string | undefined;
  attachInvoice: boolean;
  esignRequired: boolean;
  claim?: Extract<Claim, { kind: "fresh" | "resume" }> | undefined;
  /** The claim's last attempt got as far as handing messages over: send nothing again. */
  mayHaveSent: boolean;
};

/**
 * Step 4 for a prepared payment request: marks a keyed call `delivering` before any message leaves, then sends
 * the text and the email with the dealer's templates.
 */
export const deliverPrepared = async (
  deps: CallDeps,
  trail: AuditTrail,
  prepared: Prepared,
  options: DeliveryOptions,
): Promise<{ delivery: DeliveryOutcome; messages: DeliveryRecord[] }> => {
  const { claim, mayHaveSent, sendAsText, sendAsEmail } = options;
  if (claim && !mayHaveSent && (sendAsText || sendAsEmail)) await deps.idempotency.markDelivering(claim.id);
  const { department, customer, paymentRequest, order, invoice } = prepared;
  const templates = await deps.templates.forDealer(department.dealerUuid);
  const delivery = await trail.step(
    "delivery",
    () =>
      deliver(deps.notifier, {
        customer,
        templates,
        sendAsText,
        sendAsEmail,
        mayHaveSent,
        timeoutMs: deps.deliveryTimeoutMs,
        invoicePdf: options.attachInvoice
          ? invoiceAttachment(deps.store.sql, paymentRequest, {
              fileName: invoice.fileName,
              orderType: order.orderType,
              orderNumber: order.orderNumber,
            })
          : undefined,
        context: {
          dealerName: department.dealerName,
          orderType: order.orderType,
          orderNumber: order.orderNumber,
          amountCents: invoice.amountCents,
          description: options.description,
          customerFirstName: customer.firstName,
          customerHasEmail: Boolean(customer.email),
          paymentUrl: paymentRequest.paymentUrl,
          invoiceUrl: paymentRequest.invoiceUrl,
          attachInvoice: options.attachInvoice,
          esignRequired: options.esignRequired,
        },
      }),
    (d) => `text=${d.text?.result ?? "-"} email=${d.email?.result ?? "-"}`,
  );
  const messages = [delivery.text?.record, delivery.email?.record].filter(
    (r): r is DeliveryRecord => r !== undefined,
  );
  return { delivery, messages };
};
