import type { Clock, IdGenerator } from "../ids.ts";
import type { EnsuredInvoice, Invoice, InvoiceFields, Order } from "../ports.ts";
import type { BackendStatements } from "./statements.ts";

type Deps = { statements: BackendStatements; clock: Clock; ids: IdGenerator };

/** Column values for the fields; null where the request gives none. */
const fieldParams = (fields: InvoiceFields) => ({
  amountCents: fields.amountCents,
  description: fields.description ?? null,
  refundedAmountCents: fields.refundedAmountCents ?? null,
  paidDate: fields.paidDate ?? null,
  signatureFileName: fields.signatureFileName ?? null,
  reminderDate: fields.reminderDate ?? null,
  reminderMileage: fields.reminderMileage ?? null,
  fileName: fields.fileName ?? null,
  paymentDeclines: fields.paymentDeclines ?? null,
  invoiceAttributes: fields.invoiceAttributes === undefined ? null : JSON.stringify(fields.invoiceAttributes),
  attachInvoice: fields.attachInvoice === undefined ? null : fields.attachInvoice ? 1 : 0,
});

/** Step 2. An open invoice is neither paid nor voided; a partial unique index allows one per order. */
export const ensureOpenInvoice = (
  { statements, clock, ids }: Deps,
  order: Order,
  fields: InvoiceFields,
): EnsuredInvoice => {
  const now = clock.now();
  const open = statements.getOpenInvoice(order.uuid);
  if (open) {
    statements.updateInvoice.run({ ...fieldParams(fields), uuid: open.uuid, now });
    const previousAmountCents = open.amountCents !== fields.amountCents ? open.amountCents : undefined;
    return { invoice: { ...open, amountCents: fields.amountCents }, created: false, previousAmountCents };
  }
  const invoice: Invoice = {
    uuid: ids.next(),
    orderUuid: order.uuid,
    departmentUuid: order.departmentUuid,
    status: "OPEN",
    amountCents: fields.amountCents,
  };
  statements.insertInvoice.run({ ...fieldParams(fields), ...invoice, now });
  return { invoice, created: true };
};
