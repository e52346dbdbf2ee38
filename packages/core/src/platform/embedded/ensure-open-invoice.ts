import type { EnsuredInvoice, Invoice, InvoiceFields } from "../../domain/invoice.ts";
import type { Order } from "../../domain/order.ts";
import { getOpenInvoice, insertInvoice, lockOrder, updateInvoice } from "./platform-queries.ts";
import type { StepContext } from "./resolve-order.ts";

/**
 * Step 2. An open invoice is neither paid nor voided; at most one per order, even under concurrent calls: the
 * order is held for the rest of the transaction, and a partial unique index backs that up. An order this
 * transaction created (`orderIsNew`) is already held, since no other transaction sees it before the commit, and
 * has no invoice yet: neither is asked of the database.
 */
export const ensureOpenInvoice = async (
  { tx, clock, ids, forUpdate }: StepContext,
  order: Order,
  fields: InvoiceFields,
  orderIsNew = false,
): Promise<EnsuredInvoice> => {
  const now = clock.now();
  if (!orderIsNew) await lockOrder(tx, order.uuid, forUpdate);
  const open = orderIsNew ? undefined : await getOpenInvoice(tx, order.uuid);
  if (open) {
    await updateInvoice(tx, open.uuid, fields, now);
    const previousAmountCents = open.amountCents !== fields.amountCents ? open.amountCents : undefined;
    const invoice = { ...open, amountCents: fields.amountCents, fileName: fields.fileName ?? open.fileName };
    return { invoice, created: false, previousAmountCents };
  }
  const invoice: Invoice = {
    uuid: ids.next(),
    orderUuid: order.uuid,
    departmentUuid: order.departmentUuid,
    status: "OPEN",
    amountCents: fields.amountCents,
    fileName: fields.fileName ?? null,
  };
  await insertInvoice(tx, invoice, fields, now);
  return { invoice, created: true };
};
