import type { SendPaymentRequestBody } from "@payreq/contracts";
import type { Department } from "./dealer.ts";
import type { InvoiceFields } from "./invoice.ts";
import { toCents } from "./money.ts";
import type { OrderRequest } from "./order.ts";

/** Step 2's fields from a body that carries the invoice fields (the aggregator's, or a v4 invoice body). */
export const invoiceFieldsOf = (
  body: Pick<
    SendPaymentRequestBody,
    | "amount"
    | "description"
    | "refundedAmount"
    | "paidDate"
    | "signatureFileName"
    | "reminderDate"
    | "reminderMileage"
    | "fileName"
    | "paymentDeclines"
    | "invoiceAttributes"
    | "attachInvoice"
  >,
): InvoiceFields => ({
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
