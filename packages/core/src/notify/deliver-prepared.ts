import type { AuditTrail } from "../domain/call.ts";
import {
  type DeliveryOutcome,
  type DeliveryRecord,
  type DeliveryRequest,
  recordsOf,
} from "../domain/delivery.ts";
import type { Prepared } from "../domain/payment-request.ts";
import { invoiceAttachment } from "../invoices/invoice-attachment.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { Sql } from "../ports/store.ts";
import { deliver } from "./deliver.ts";
import type { MessageTemplates } from "./templates.ts";

/** What delivery uses: the notifier, the dealer's wording, and where the invoice of an attached PDF is read. */
export type DeliveryDeps = {
  notifier: Notifier;
  templates: { forDealer(dealerUuid: string): Promise<MessageTemplates> };
  store: { sql: Sql };
  /** Undefined only for a notifier that records in process (see deliver). */
  deliveryTimeoutMs: number | undefined;
};

export type DeliveryOptions = DeliveryRequest & {
  /** The claim's last attempt got as far as handing messages over: send nothing again. */
  mayHaveSent: boolean;
};

/**
 * Step 4 for a prepared payment request: sends the text and the email with the dealer's templates. A keyed call is
 * marked `delivering` by its caller before this, when a message can leave the process (see send/pipeline.ts).
 */
export const deliverPrepared = async (
  deps: DeliveryDeps,
  trail: AuditTrail,
  prepared: Prepared,
  options: DeliveryOptions,
): Promise<{ delivery: DeliveryOutcome; messages: DeliveryRecord[] }> => {
  const { mayHaveSent, sendAsText, sendAsEmail } = options;
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
  return { delivery, messages: recordsOf(delivery) };
};
