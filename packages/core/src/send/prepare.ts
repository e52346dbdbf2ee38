import type { SendPaymentRequestBody } from "@payreq/contracts";
import type { AuditTrail } from "../audit/audit-trail.ts";
import { toCents } from "../money.ts";
import type {
  CreatedPaymentRequest,
  Customer,
  Department,
  EnsuredInvoice,
  Invoice,
  InvoiceFields,
  Order,
  OrderRequest,
  PaymentRequestFlags,
  ResolvedOrder,
} from "../ports.ts";

/** What steps 1–3 produced: everything delivery and the response need, stored as a recovery point. */
export type Prepared = {
  department: Department;
  order: { uuid: string; orderType: string; orderNumber: string; created: boolean };
  invoice: {
    uuid: string;
    amountCents: number;
    created: boolean;
    previousAmountCents?: number | undefined;
    /** The document's file name (absent in recovery points stored before it was kept). */
    fileName?: string | null | undefined;
  };
  paymentRequest: CreatedPaymentRequest;
  customer: Customer;
};

export const invoiceFieldsOf = (body: SendPaymentRequestBody): InvoiceFields => ({
  amountCents: toCents(body.amount),
  description: body.description,
  refundedAmountCents: body.refundedAmount === undefined ? undefined : toCents(body.refundedAmount),
  paidDate: body.paidDate,
  signatureFileName: body.signatureFileName,
  reminderDate: body.reminderDate,
  reminderMileage: body.reminderMileage,
  fileName: body.fileName,
  paymentDeclines: body.paymentDeclines,
  invoiceAttributes: body.invoiceAttributes,
  attachInvoice: body.attachInvoice,
});

type OrderFields = Pick<
  SendPaymentRequestBody,
  | "amount"
  | "dealerUuid"
  | "orderUuid"
  | "orderNumber"
  | "orderType"
  | "customerUuid"
  | "dealerAssociateUuid"
  | "dealerAssociateUserUuid"
  | "dealerAssociateDepartmentUuid"
>;

/** Step 1's request from the call's order fields (the aggregator's body, or a v4 dealer-order body). */
export const orderRequestOf = (department: Department, body: OrderFields): OrderRequest => ({
  department,
  dealerUuid: body.dealerUuid,
  orderUuid: body.orderUuid,
  orderNumber: body.orderNumber,
  orderType: body.orderType,
  customerUuid: body.customerUuid,
  associate: {
    uuid: body.dealerAssociateUuid,
    userUuid: body.dealerAssociateUserUuid,
    departmentUuid: body.dealerAssociateDepartmentUuid,
  },
  amountCents: toCents(body.amount),
});

type Steps = {
  resolveOrder(request: OrderRequest): Promise<ResolvedOrder>;
  ensureOpenInvoice(order: Order, fields: InvoiceFields): Promise<EnsuredInvoice>;
  createPaymentRequest(input: {
    invoice: Invoice;
    flags: PaymentRequestFlags;
    requestId: string;
    mayHaveReminder: boolean;
  }): Promise<CreatedPaymentRequest>;
};

/** Steps 1–3 in order; the caller decides the transaction they share. */
export const prepareSteps = async (
  steps: Steps,
  trail: AuditTrail,
  {
    department,
    body,
    requestId,
  }: { department: Department; body: SendPaymentRequestBody; requestId: string },
): Promise<Prepared> => {
  const fields = invoiceFieldsOf(body);
  const resolved = await trail.step(
    "order",
    () => steps.resolveOrder(orderRequestOf(department, body)),
    (r) => `${r.created ? "created" : "reused"} ${r.order.uuid}`,
  );
  const ensured = await trail.step(
    "invoice",
    () => steps.ensureOpenInvoice(resolved.order, fields),
    (r) => `${r.created ? "created" : "reused"} ${r.invoice.uuid}`,
  );
  const paymentRequest = await trail.step(
    "payment-request",
    () =>
      steps.createPaymentRequest({
        invoice: ensured.invoice,
        flags: {
          attachInvoice: body.attachInvoice ?? false,
          esignRequired: body.esignInvoice ?? false,
          sendAsText: body.sendAsText ?? false,
          sendAsEmail: body.sendAsEmail ?? false,
        },
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
