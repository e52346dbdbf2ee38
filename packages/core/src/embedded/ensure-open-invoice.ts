import { and, eq } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { invoices } from "../db/schema.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { EnsuredInvoice, InvoiceFields, Order } from "../ports.ts";
import { toInvoice } from "./rows.ts";

type Deps = { db: Db; clock: Clock; ids: IdGenerator };

/** Only the fields the request gives; a reused invoice keeps the others. */
const givenFields = (fields: InvoiceFields) =>
  Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<InvoiceFields>;

/** Step 2. An open invoice is neither paid nor voided; the partial unique index allows one per order. */
export const ensureOpenInvoice = (
  { db, clock, ids }: Deps,
  order: Order,
  fields: InvoiceFields,
): EnsuredInvoice => {
  const now = clock.now();
  const open = db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orderUuid, order.uuid), eq(invoices.status, "OPEN")))
    .get();
  if (open) {
    const updated = db
      .update(invoices)
      .set({ ...givenFields(fields), updatedAt: now })
      .where(eq(invoices.uuid, open.uuid))
      .returning()
      .get();
    const previousAmountCents = open.amountCents !== fields.amountCents ? open.amountCents : undefined;
    return { invoice: toInvoice(updated), created: false, previousAmountCents };
  }
  const created = db
    .insert(invoices)
    .values({
      ...givenFields(fields),
      amountCents: fields.amountCents,
      uuid: ids.next(),
      orderUuid: order.uuid,
      departmentUuid: order.departmentUuid,
      status: "OPEN",
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  return { invoice: toInvoice(created), created: true };
};
