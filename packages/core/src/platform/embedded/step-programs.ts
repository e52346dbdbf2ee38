import type { EnsuredInvoice, InvoiceFields } from "../../domain/invoice.ts";
import type { Order, OrderRequest, ResolvedOrder } from "../../domain/order.ts";
import { defineProgram } from "../../ports/store.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import { stepContextOf } from "./prepare-steps.ts";
import { resolveOrder } from "./resolve-order.ts";

/** Step 1 on its own, for the v4 dealer-order endpoint. */
export const resolveOrderProgram = defineProgram<OrderRequest, ResolvedOrder>(
  "resolve-order",
  (tx, request, context) => resolveOrder(stepContextOf(tx, context), request),
);

/** Step 2 on its own, for the v4 invoice endpoint. */
export const ensureOpenInvoiceProgram = defineProgram<
  { order: Order; fields: InvoiceFields },
  EnsuredInvoice
>("ensure-open-invoice", (tx, { order, fields }, context) =>
  ensureOpenInvoice(stepContextOf(tx, context), order, fields),
);
