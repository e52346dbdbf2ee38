/** An open invoice is neither paid nor voided; an order has at most one. */
export type InvoiceStatus = "OPEN" | "PAID" | "VOID";

/** The invoice fields a request may carry; absent fields are left as they are on a reused invoice. */
export type InvoiceFields = {
  amountCents: number;
  description?: string | undefined;
  refundedAmountCents?: number | undefined;
  paidDate?: string | undefined;
  signatureFileName?: string | undefined;
  reminderDate?: string | undefined;
  reminderMileage?: number | undefined;
  fileName?: string | undefined;
  paymentDeclines?: string | undefined;
  invoiceAttributes?: Record<string, string> | undefined;
  attachInvoice?: boolean | undefined;
};

export type Invoice = {
  uuid: string;
  orderUuid: string;
  departmentUuid: string;
  status: InvoiceStatus;
  /** The document's file name, for the attached PDF. */
  fileName: string | null;
} & Required<Pick<InvoiceFields, "amountCents">>;

export type EnsuredInvoice = { invoice: Invoice; created: boolean; previousAmountCents?: number | undefined };
