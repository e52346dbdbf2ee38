import { type ErrorName, type Scope, Scopes } from "@payreq/contracts";
import {
  v4DepartmentExample,
  v4InvoicePaidExample,
  v4InvoicePaymentExample,
  v4InvoiceReadExample,
  v4InvoiceRequestExample,
  v4InvoiceResponseExample,
  v4InvoiceVoidExample,
  v4OrderReadExample,
  v4OrderRequestExample,
  v4OrderResponseExample,
  v4PaymentRequestExample,
  v4PaymentResponseExample,
} from "./examples.ts";
import { departmentParameter, idempotencyKeyParameter, pathParameter } from "./parameters.ts";
import { AUTHENTICATED_ERRORS, BODY_ERRORS, errorResponses, jsonResponse } from "./responses.ts";
import { type ComponentName, schemaRef } from "./schemas.ts";

const BASE = "/v4/departments/{departmentUuid}";
const TAGS = ["v4 platform"];
const DEPARTMENT_ERRORS: ErrorName[] = [
  ...AUTHENTICATED_ERRORS,
  "INVALID_REQUEST_DATA",
  "INVALID_SCOPE_DEPARTMENT",
  "INVALID_DEPARTMENT_TOKEN",
];

const orderUuid = pathParameter("orderUuid", { type: "string" }, "The dealer order's uuid");
const invoiceGuid = pathParameter("invoiceGuid", { type: "string" }, "The invoice's guid");

type Operation = {
  operationId: string;
  summary: string;
  scope: Scope;
  parameters?: unknown[];
  request?: { schema: ComponentName; example: unknown };
  response: { schema: ComponentName; example: unknown };
  errors?: ErrorName[];
  replays?: boolean;
};

const operation = (o: Operation) => ({
  operationId: o.operationId,
  tags: TAGS,
  summary: o.summary,
  description: `ApiScope: ${o.scope}. API Scope Level: DepartmentScope. Every call is audited.`,
  parameters: [departmentParameter, ...(o.parameters ?? [])],
  ...(o.request
    ? {
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: schemaRef(o.request.schema), example: o.request.example },
          },
        },
      }
    : {}),
  responses: {
    "200": jsonResponse(
      "OK",
      o.response.schema,
      o.response.example,
      o.replays ? ["Idempotent-Replayed"] : [],
    ),
    ...errorResponses([...DEPARTMENT_ERRORS, ...(o.request ? BODY_ERRORS : []), ...(o.errors ?? [])]),
  },
});

/**
 * The payments platform's v4 endpoints as the embedded backend serves them (an aggregator in upstream mode
 * calls them; it serves none itself). See docs/decisions.md for the ones the platform does not document.
 */
export const v4Paths = {
  [BASE]: {
    get: operation({
      operationId: "v4GetDepartment",
      summary: "The department and its dealer",
      scope: Scopes.departmentRead,
      response: { schema: "V4DepartmentResponse", example: v4DepartmentExample },
    }),
  },
  [`${BASE}/dealer-orders`]: {
    get: operation({
      operationId: "v4FindDealerOrder",
      summary: "Find the department's order by type and number",
      scope: Scopes.dealerOrderRead,
      parameters: [
        { name: "orderType", in: "query", required: true, schema: { type: "string" } },
        { name: "orderNumber", in: "query", required: true, schema: { type: "string" } },
      ],
      response: { schema: "V4DealerOrderReadResponse", example: v4OrderReadExample },
      errors: ["DEALER_ORDER_NOT_FOUND"],
    }),
    post: operation({
      operationId: "v4ResolveDealerOrder",
      summary: "Find the order by orderUuid or (orderType, orderNumber), or create it; safe to repeat",
      scope: Scopes.dealerOrderWrite,
      request: { schema: "V4DealerOrderRequest", example: v4OrderRequestExample },
      response: { schema: "V4DealerOrderResponse", example: v4OrderResponseExample },
      errors: [
        "INVALID_DEALER_TOKEN",
        "ORDER_NOT_FOUND",
        "ORDER_MISMATCH",
        "CUSTOMER_NOT_FOUND",
        "CUSTOMER_MISMATCH",
        "DEALER_ASSOCIATE_NOT_FOUND",
      ],
    }),
  },
  [`${BASE}/dealer-orders/{orderUuid}`]: {
    get: operation({
      operationId: "v4GetDealerOrder",
      summary: "One dealer order",
      scope: Scopes.dealerOrderRead,
      parameters: [orderUuid],
      response: { schema: "V4DealerOrderReadResponse", example: v4OrderReadExample },
      errors: ["DEALER_ORDER_NOT_FOUND"],
    }),
  },
  [`${BASE}/dealer-orders/{orderUuid}/open-invoice`]: {
    get: operation({
      operationId: "v4GetOpenInvoice",
      summary: "The order's open invoice (404 when it has none)",
      scope: Scopes.invoiceRead,
      parameters: [orderUuid],
      response: { schema: "V4InvoiceReadResponse", example: v4InvoiceReadExample },
      errors: ["DEALER_ORDER_NOT_FOUND", "INVOICE_NOT_FOUND"],
    }),
  },
  [`${BASE}/invoices`]: {
    post: operation({
      operationId: "v4CreateInvoice",
      summary: "Create Invoice: the order's open invoice brought up to date, or a new one; safe to repeat",
      scope: Scopes.invoiceWrite,
      request: { schema: "V4InvoiceRequest", example: v4InvoiceRequestExample },
      response: { schema: "V4InvoiceResponse", example: v4InvoiceResponseExample },
      errors: ["INVALID_DEALER_TOKEN", "ORDER_NOT_FOUND", "CUSTOMER_MISMATCH", "DEALER_ASSOCIATE_NOT_FOUND"],
    }),
  },
  [`${BASE}/invoices/{invoiceGuid}`]: {
    get: operation({
      operationId: "v4GetInvoice",
      summary: "Get Invoice",
      scope: Scopes.invoiceRead,
      parameters: [invoiceGuid],
      response: { schema: "V4InvoiceReadResponse", example: v4InvoiceReadExample },
      errors: ["INVOICE_NOT_FOUND"],
    }),
  },
  [`${BASE}/invoices/{invoiceGuid}/payment`]: {
    post: operation({
      operationId: "v4RecordInvoicePayment",
      summary:
        "Record a payment (paidDate, and amount when not the whole invoice) or a refund (refundedAmount: the total refunded so far)",
      scope: Scopes.invoiceWrite,
      parameters: [invoiceGuid],
      request: { schema: "V4InvoicePaymentRequest", example: v4InvoicePaymentExample },
      response: { schema: "V4InvoiceReadResponse", example: v4InvoicePaidExample },
      errors: ["INVOICE_NOT_FOUND", "INVOICE_CANCELLED", "INVOICE_ALREADY_PAID", "INVOICE_NOT_PAID"],
    }),
  },
  [`${BASE}/invoices/{invoiceGuid}/void`]: {
    post: operation({
      operationId: "v4VoidInvoice",
      summary: "Cancel an open invoice (no body): its links show it cancelled and its reminder is not sent",
      scope: Scopes.invoiceWrite,
      parameters: [invoiceGuid],
      response: { schema: "V4InvoiceReadResponse", example: v4InvoiceVoidExample },
      errors: ["INVOICE_NOT_FOUND", "INVOICE_ALREADY_PAID"],
    }),
  },
  [`${BASE}/payment-requests`]: {
    post: operation({
      operationId: "v4SendPaymentRequest",
      summary: "Send Payment Request for an invoice: creates it and delivers the link",
      scope: Scopes.paymentRequestWrite,
      parameters: [idempotencyKeyParameter],
      request: { schema: "V4PaymentRequestBody", example: v4PaymentRequestExample },
      response: { schema: "V4PaymentRequestResponse", example: v4PaymentResponseExample },
      errors: [
        "INVALID_IDEMPOTENCY_KEY",
        "INVOICE_NOT_FOUND",
        "IDEMPOTENCY_KEY_IN_USE",
        "IDEMPOTENCY_KEY_REUSED",
      ],
      replays: true,
    }),
  },
};
