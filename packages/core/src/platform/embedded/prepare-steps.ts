import type { AuditTrail } from "../../domain/call.ts";
import type { Department } from "../../domain/dealer.ts";
import { PayreqError } from "../../domain/errors.ts";
import type { PaymentRequestFlags, PaymentUrlSettings, Prepared } from "../../domain/payment-request.ts";
import { invoiceFieldsOf, orderRequestOf } from "../../domain/request-fields.ts";
import { dialectOf } from "../../ports/dialect.ts";
import type { PrepareTarget } from "../../ports/platform.ts";
import type { ProgramContext, Sql } from "../../ports/store.ts";
import { createPaymentRequest } from "./create-payment-request.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import { getCustomer, getInvoice, getOrderByUuid } from "./platform-queries.ts";
import { resolveOrder, type StepContext } from "./resolve-order.ts";

/** What every step needs: the transaction the steps share, the time, new ids and the store's row lock. */
export const stepContextOf = (tx: Sql, { clock, ids, store }: ProgramContext): StepContext => ({
  tx,
  clock,
  ids,
  forUpdate: dialectOf(store.dialect).forUpdate,
});

export type StepsInput = { department: Department; requestId: string; target: PrepareTarget };

const flagsOf = (target: Extract<PrepareTarget, { kind: "order" }>): PaymentRequestFlags => ({
  attachInvoice: target.body.attachInvoice ?? false,
  esignRequired: target.body.esignInvoice ?? false,
  sendAsText: target.body.sendAsText ?? false,
  sendAsEmail: target.body.sendAsEmail ?? false,
});

/** Steps 1–3 from the call's order fields, each timed on `trail`. */
const fromOrderFields = async (
  context: StepContext,
  paymentUrls: PaymentUrlSettings,
  { department, requestId, target }: StepsInput & { target: { kind: "order" } },
  trail: AuditTrail,
): Promise<Prepared> => {
  const { body } = target;
  const resolved = await trail.step(
    "order",
    () => resolveOrder(context, orderRequestOf(department, body)),
    (r) => `${r.created ? "created" : "reused"} ${r.order.uuid}`,
  );
  const ensured = await trail.step(
    "invoice",
    () => ensureOpenInvoice(context, resolved.order, invoiceFieldsOf(body), resolved.created),
    (r) => `${r.created ? "created" : "reused"} ${r.invoice.uuid}`,
  );
  const paymentRequest = await trail.step(
    "payment-request",
    () =>
      createPaymentRequest(context, paymentUrls, {
        invoice: ensured.invoice,
        flags: flagsOf(target),
        requestId,
        mayHaveReminder: !ensured.created || body.reminderDate !== undefined,
      }),
    (r) => r.uuid,
  );
  const { order } = resolved;
  return {
    department,
    order: {
      uuid: order.uuid,
      orderType: order.orderType,
      orderNumber: order.orderNumber,
      created: resolved.created,
    },
    invoice: {
      uuid: ensured.invoice.uuid,
      amountCents: ensured.invoice.amountCents,
      created: ensured.created,
      previousAmountCents: ensured.previousAmountCents,
      fileName: ensured.invoice.fileName,
    },
    paymentRequest,
    customer: resolved.customer,
  };
};

/** Step 3 alone, for an open invoice of the department: the v4 payment request endpoint's. */
const forOpenInvoice = async (
  context: StepContext,
  paymentUrls: PaymentUrlSettings,
  { department, requestId, target }: StepsInput & { target: { kind: "invoice" } },
  trail: AuditTrail,
): Promise<Prepared> => {
  const { tx } = context;
  const found = await trail.step(
    "invoice",
    async () => {
      const invoice = await getInvoice(tx, target.invoiceUuid, department.uuid);
      if (!invoice) throw new PayreqError("INVOICE_NOT_FOUND");
      if (invoice.status !== "OPEN") {
        throw new PayreqError("INVALID_REQUEST_DATA", {
          message: "Invalid field: invoiceGuid",
          description: `the invoice is ${invoice.status}, not open`,
        });
      }
      const order = await getOrderByUuid(tx, invoice.orderUuid, department.uuid);
      const customer = order ? await getCustomer(tx, order.customerUuid) : undefined;
      if (!order || !customer) throw new PayreqError("ORDER_NOT_FOUND");
      return { invoice, order, customer };
    },
    (r) => `open ${r.invoice.uuid}`,
  );
  const { invoice, order, customer } = found;
  const paymentRequest = await trail.step(
    "payment-request",
    () =>
      createPaymentRequest(context, paymentUrls, {
        invoice,
        flags: target.flags,
        requestId,
        mayHaveReminder: true,
      }),
    (r) => r.uuid,
  );
  return {
    department,
    order: { uuid: order.uuid, orderType: order.orderType, orderNumber: order.orderNumber, created: false },
    invoice: {
      uuid: invoice.uuid,
      amountCents: invoice.amountCents,
      created: false,
      fileName: invoice.fileName,
    },
    paymentRequest,
    customer,
  };
};

/** The embedded steps of a call inside the caller's transaction, each timed on `trail`. */
export const runSteps = (
  context: StepContext,
  paymentUrls: PaymentUrlSettings,
  input: StepsInput,
  trail: AuditTrail,
): Promise<Prepared> =>
  input.target.kind === "order"
    ? fromOrderFields(context, paymentUrls, { ...input, target: input.target }, trail)
    : forOpenInvoice(context, paymentUrls, { ...input, target: input.target }, trail);
