import type { Customer, Department } from "./dealer.ts";

/** Where payment links point (`{baseUrl}/{token}`) and how long they live. */
export type PaymentUrlSettings = { baseUrl: string; ttlMs: number };

export type PaymentRequestFlags = {
  attachInvoice: boolean;
  esignRequired: boolean;
  sendAsText: boolean;
  sendAsEmail: boolean;
};

export type CreatedPaymentRequest = {
  uuid: string;
  invoiceUuid: string;
  paymentUrl: string;
  invoiceUrl: string;
  expiresAt: number;
};

/** The prepared call: what steps 1–3 produced, everything delivery and the answer need; a recovery point. */
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
