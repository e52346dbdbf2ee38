import type {
  AuditListResponse,
  AuditRecord,
  AuditRecordSummary,
  InvoicePaymentRequest,
  InvoiceStateResponse,
  SendPaymentRequestBody,
  SendPaymentRequestResponse,
  UpstreamDepartmentResponse,
  UpstreamInvoiceRequest,
  UpstreamInvoiceResponse,
  UpstreamOrderRequest,
  UpstreamOrderResponse,
  UpstreamPaymentRequestBody,
  UpstreamPaymentRequestResponse,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEvent,
} from "@payreq/contracts";

/** Example bodies for the document, on the demo data; openapi.test.ts checks each against its schema. */

const DEPARTMENT = "de9a0000-0000-4000-8000-000000000001";
const DEALER = "d1a1e000-0000-4000-8000-000000000001";
const CUSTOMER = "c0570000-0000-4000-8000-000000000001";
const ORDER = "01a20bfd-f99e-720e-bcf3-3f545db96dfd";
const INVOICE = "01a20bfd-f99f-7313-a51d-7447149e27f1";
const PAYMENT_REQUEST = "01a20bfd-f99f-7314-9a30-1c263c123f79";
const REQUEST_ID = "01a20bfd-f99d-7a4c-8e0b-2b6f5c1d9e42";
const PAYMENT_URL =
  "https://pay.example.com/pay/AaIMSGPpckuR_0_kQ2D3urcdxPj3qwIbms8QZ6MnEntOkmCEa1GEFcvuvXInPBO5";

export const sendPaymentRequestExample: SendPaymentRequestBody = {
  amount: 125.5,
  description: "Brake pads and rotors",
  orderNumber: "RO-1001",
  orderType: "RO",
  customerUuid: CUSTOMER,
  sendAsText: true,
  sendAsEmail: true,
};

export const sendPaymentResponseExample: SendPaymentRequestResponse = {
  errors: [],
  warnings: [],
  paymentUrl: PAYMENT_URL,
  textSent: "SUCCESS",
  emailSent: "SUCCESS",
  orderUuid: ORDER,
  invoiceUuid: INVOICE,
  paymentRequestUuid: PAYMENT_REQUEST,
  orderCreated: true,
  invoiceCreated: true,
  requestId: REQUEST_ID,
};

const auditSummaryExample: AuditRecordSummary = {
  requestId: REQUEST_ID,
  receivedAt: "2026-11-24T05:36:12.644Z",
  recordedAt: "2026-11-24T05:36:12.871Z",
  durationMs: 227,
  transport: "rest",
  operation: "payment-requests.send",
  clientAddress: "127.0.0.1",
  username: "sunrise-sender",
  departmentUuid: DEPARTMENT,
  outcome: "SUCCESS",
  httpStatus: 200,
  errorCodes: [],
  warningCodes: [],
  orderNumber: "RO-1001",
  orderUuid: ORDER,
  orderCreated: true,
  invoiceUuid: INVOICE,
  invoiceCreated: true,
  paymentRequestUuid: PAYMENT_REQUEST,
  customerUuid: CUSTOMER,
  textSent: "SUCCESS",
  emailSent: "SUCCESS",
  idempotencyKey: null,
};

export const auditListExample: AuditListResponse = { records: [auditSummaryExample], nextCursor: null };

export const auditRecordExample: AuditRecord = {
  ...auditSummaryExample,
  seq: 7,
  requestBody: sendPaymentRequestExample,
  responseBody: { ...sendPaymentResponseExample, paymentUrl: "https://pay.example.com/pay/AaIMSG…" },
  timeline: [
    { step: "department", atMs: 1795498572851, durationMs: 1, result: "ok" },
    { step: "order", atMs: 1795498572852, durationMs: 1, result: "ok", detail: `created ${ORDER}` },
    {
      step: "delivery",
      atMs: 1795498572856,
      durationMs: 12,
      result: "ok",
      detail: "text=SUCCESS email=SUCCESS",
    },
  ],
  prevHash: "9f2c4e0d1b7a3c5e8f6d2a4b0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8e",
  rowHash: "45e0da1fe6abd29c100513dd9d5cd4f3b31205a226a6be582fba9f1bcf2ba22a",
};

export const v4DepartmentExample: UpstreamDepartmentResponse = {
  errors: [],
  warnings: [],
  department: {
    departmentUuid: DEPARTMENT,
    name: "Service",
    dealerUuid: DEALER,
    dealerName: "Sunrise Motors",
  },
};

export const v4OrderRequestExample: UpstreamOrderRequest = {
  orderNumber: "RO-1001",
  orderType: "RO",
  customerUuid: CUSTOMER,
  amount: 125.5,
};

const dealerOrder = {
  dealerOrderUuid: ORDER,
  orderNumber: "RO-1001",
  orderType: "RO",
  departmentUuid: DEPARTMENT,
  customerUuid: CUSTOMER,
  amount: 125.5,
  orderStatus: "OPEN",
};

export const v4OrderReadExample = { errors: [], warnings: [], dealerOrder };
export const v4OrderResponseExample: UpstreamOrderResponse = { ...v4OrderReadExample, created: true };

export const v4InvoiceRequestExample: UpstreamInvoiceRequest = {
  orderUuid: ORDER,
  amount: 125.5,
  description: "Brake pads and rotors",
};

const invoice = {
  guid: INVOICE,
  invoiceStatus: "OPEN" as const,
  amount: 125.5,
  paymentDealerOrder: { dealerOrderUuid: ORDER, departmentUuid: DEPARTMENT },
};

export const v4InvoiceReadExample = { errors: [], warnings: [], invoice };

export const v4InvoicePaymentExample: InvoicePaymentRequest = {
  paidDate: "2026-11-24T15:04:05.000Z",
  amount: 125.5,
};

export const v4InvoicePaidExample: InvoiceStateResponse = {
  errors: [],
  warnings: [],
  invoice: {
    ...invoice,
    invoiceStatus: "PAID",
    paidDate: "2026-11-24T15:04:05.000Z",
    paidAmount: 125.5,
    refundedAmount: 0,
  },
};

export const v4InvoiceVoidExample: InvoiceStateResponse = {
  errors: [],
  warnings: [],
  invoice: { ...invoice, invoiceStatus: "VOID" },
};
export const v4InvoiceResponseExample: UpstreamInvoiceResponse = { ...v4InvoiceReadExample, created: true };

export const v4PaymentRequestExample: UpstreamPaymentRequestBody = {
  invoiceGuid: INVOICE,
  sendAsText: true,
  sendAsEmail: true,
};

export const v4PaymentResponseExample: UpstreamPaymentRequestResponse = {
  errors: [],
  warnings: [],
  paymentLink: PAYMENT_URL,
  invoiceLink: `${PAYMENT_URL}/invoice`,
  textSent: "SUCCESS",
  emailSent: "SUCCESS",
  paymentRequestGuid: PAYMENT_REQUEST,
};

const ENDPOINT_ID = "ep_01a24392c1f07d3e9a44b0e6c8f1a2b3";

export const webhookCreateExample: WebhookEndpointCreate = {
  url: "https://dms.sunrise.example.com/payreq-events",
  events: ["payment_request.created", "message.failed", "invoice.paid"],
  description: "Sunrise DMS",
};

const endpoint: WebhookEndpoint = {
  id: ENDPOINT_ID,
  dealerUuid: DEALER,
  departmentUuid: DEPARTMENT,
  url: "https://dms.sunrise.example.com/payreq-events",
  events: ["payment_request.created", "message.failed", "invoice.paid"],
  description: "Sunrise DMS",
  enabled: true,
  disabledReason: null,
  previousSecretExpiresAt: null,
  createdAt: "2026-12-04T09:12:01.000Z",
  updatedAt: "2026-12-04T09:12:01.000Z",
};

export const webhookEndpointExample = { errors: [], warnings: [], endpoint };
export const webhookEndpointsExample = { errors: [], warnings: [], endpoints: [endpoint] };
export const webhookWithSecretExample = {
  errors: [],
  warnings: [],
  endpoint: { ...endpoint, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4jOPJp8ZiaE=" },
};

const delivery: WebhookDelivery = {
  id: "dlv_01a24393f5c07b118a2d5e4f6a7b8c9d",
  endpointId: ENDPOINT_ID,
  eventId: "evt_01a24393f5b97a62b1d03e2f4a5b6c7d",
  eventType: "payment_request.created",
  status: "delivered",
  attempts: [
    {
      attempt: 1,
      at: "2026-12-04T09:15:02.105Z",
      statusCode: 503,
      latencyMs: 41,
      response: "busy",
      error: null,
    },
    {
      attempt: 2,
      at: "2026-12-04T09:15:07.330Z",
      statusCode: 200,
      latencyMs: 38,
      response: "ok",
      error: null,
    },
  ],
  nextAttemptAt: null,
  createdAt: "2026-12-04T09:15:02.101Z",
  updatedAt: "2026-12-04T09:15:07.369Z",
};

export const webhookDeliveriesExample = { errors: [], warnings: [], deliveries: [delivery] };
export const webhookReplayExample = { errors: [], warnings: [], replayed: [delivery.id] };

/** The body POSTed for payment_request.created (the README lists every type with its body). */
export const webhookEventExample: WebhookEvent = {
  id: delivery.eventId,
  type: "payment_request.created",
  createdAt: "2026-12-04T09:15:02.098Z",
  dealerUuid: DEALER,
  departmentUuid: DEPARTMENT,
  data: {
    paymentRequestUuid: PAYMENT_REQUEST,
    invoiceUuid: INVOICE,
    orderUuid: ORDER,
    orderNumber: "RO-1001",
    orderType: "RO",
    customerUuid: CUSTOMER,
    amount: 125.5,
    orderCreated: true,
    invoiceCreated: true,
    textSent: "SUCCESS",
    emailSent: "SUCCESS",
    expiresAt: "2026-12-11T09:15:02.098Z",
  },
};
