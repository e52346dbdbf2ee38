import * as z from "zod";
import { envelopeFields as envelope } from "./envelope.ts";
import { identifier } from "./identifier.ts";
import { sendPaymentRequestFields as f } from "./send-payment-request.ts";

/**
 * The payments platform's v4 endpoints the aggregator calls in upstream mode, as this service's embedded backend
 * serves them. Create Invoice and Send Payment Request follow the platform's published bodies; the department and
 * dealer-order endpoints are this service's design (the platform documents none): see docs/decisions.md.
 */

/** Find the department's order by uuid or by (orderType, orderNumber), or create it: safe to repeat. */
export const UpstreamOrderRequest = z.strictObject({
  orderUuid: f.orderUuid,
  orderNumber: f.orderNumber,
  orderType: f.orderType,
  customerUuid: f.customerUuid,
  dealerUuid: f.dealerUuid,
  dealerAssociateDepartmentUuid: f.dealerAssociateDepartmentUuid,
  dealerAssociateUuid: f.dealerAssociateUuid,
  dealerAssociateUserUuid: f.dealerAssociateUserUuid,
  amount: f.amount,
});
export type UpstreamOrderRequest = z.infer<typeof UpstreamOrderRequest>;

export const UpstreamOrderResponse = z.object({
  ...envelope,
  dealerOrder: z.object({
    dealerOrderUuid: z.string(),
    orderNumber: z.string(),
    orderType: z.string(),
    departmentUuid: z.string(),
    customerUuid: z.string(),
    amount: z.number(),
    orderStatus: z.string(),
  }),
  created: z.boolean(),
});
export type UpstreamOrderResponse = z.infer<typeof UpstreamOrderResponse>;

/** Create Invoice: reuses and brings up to date the order's open invoice, or creates one. Safe to repeat. */
export const UpstreamInvoiceRequest = z.strictObject({
  amount: f.amount,
  description: f.description,
  refundedAmount: f.refundedAmount,
  paidDate: f.paidDate,
  signatureFileName: f.signatureFileName,
  reminderDate: f.reminderDate,
  reminderMileage: f.reminderMileage,
  fileName: f.fileName,
  paymentDeclines: f.paymentDeclines,
  invoiceAttributes: f.invoiceAttributes,
  dealerUuid: f.dealerUuid,
  orderUuid: identifier("orderUuid"),
  customerUuid: f.customerUuid,
  dealerAssociateDepartmentUuid: f.dealerAssociateDepartmentUuid,
  dealerAssociateUuid: f.dealerAssociateUuid,
  attachInvoice: f.attachInvoice,
});
export type UpstreamInvoiceRequest = z.infer<typeof UpstreamInvoiceRequest>;

/** An invoice as the v4 endpoints answer it; the payment fields appear once a payment or a refund is recorded. */
export const UpstreamInvoice = z.object({
  guid: z.string(),
  invoiceStatus: z.enum(["OPEN", "PAID", "VOID"]),
  amount: z.number(),
  paidDate: z.string().optional(),
  paidAmount: z.number().optional(),
  refundedAmount: z.number().optional(),
  paymentDealerOrder: z.object({ dealerOrderUuid: z.string(), departmentUuid: z.string() }),
});
export type UpstreamInvoice = z.infer<typeof UpstreamInvoice>;

export const UpstreamInvoiceResponse = z.object({
  ...envelope,
  invoice: UpstreamInvoice,
  created: z.boolean(),
  previousAmount: z.number().optional(),
});
export type UpstreamInvoiceResponse = z.infer<typeof UpstreamInvoiceResponse>;

/** Send Payment Request: creates the payment request for the invoice and delivers it. */
export const UpstreamPaymentRequestBody = z.strictObject({
  invoiceGuid: identifier("invoiceGuid"),
  sendWithoutKpay: z.boolean({ error: "sendWithoutKpay must be true or false" }).optional(),
  attachInvoice: z.boolean({ error: "attachInvoice must be true or false" }).optional(),
  sendAsText: z.boolean({ error: "sendAsText must be true or false" }).optional(),
  sendAsEmail: z.boolean({ error: "sendAsEmail must be true or false" }).optional(),
  esignRequired: z.boolean({ error: "esignRequired must be true or false" }).optional(),
});
export type UpstreamPaymentRequestBody = z.infer<typeof UpstreamPaymentRequestBody>;

export const UpstreamPaymentRequestResponse = z.object({
  ...envelope,
  paymentLink: z.string(),
  invoiceLink: z.string(),
  textSent: z.enum(["SUCCESS", "FAILURE"]).optional(),
  emailSent: z.enum(["SUCCESS", "FAILURE"]).optional(),
  paymentRequestGuid: z.string(),
});
export type UpstreamPaymentRequestResponse = z.infer<typeof UpstreamPaymentRequestResponse>;

export const UpstreamDepartmentResponse = z.object({
  ...envelope,
  department: z.object({
    departmentUuid: z.string(),
    name: z.string(),
    dealerUuid: z.string(),
    dealerName: z.string(),
  }),
});
export type UpstreamDepartmentResponse = z.infer<typeof UpstreamDepartmentResponse>;

/**
 * Record Invoice Payment: the platform's side of a payment (paidDate, the amount paid) or of a refund
 * (refundedAmount, the total refunded so far). At least one of the two.
 */
export const InvoicePaymentRequest = z
  .strictObject({
    paidDate: f.paidDate,
    amount: f.amount.optional(),
    refundedAmount: f.refundedAmount,
  })
  .superRefine((body, ctx) => {
    if (body.paidDate === undefined && body.refundedAmount === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["paidDate"],
        message: "paidDate (a payment) or refundedAmount (a refund) is required",
      });
    }
    if (body.amount !== undefined && body.paidDate === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["amount"],
        message: "amount is the amount paid: send it with paidDate",
      });
    }
  });
export type InvoicePaymentRequest = z.infer<typeof InvoicePaymentRequest>;

/** The invoice after a recorded payment, refund or cancellation (and Get Invoice). */
export const InvoiceStateResponse = z.object({ ...envelope, invoice: UpstreamInvoice });
export type InvoiceStateResponse = z.infer<typeof InvoiceStateResponse>;
