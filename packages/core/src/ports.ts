import type { DeliveryResult, SendPaymentRequestBody, WarningItem } from "@payreq/contracts";
import type { AuditTrail } from "./audit/audit-trail.ts";
import type { Prepared } from "./send/prepare.ts";
import type { SendInOneCommitArgs, SendInOneCommitResult } from "./send/send-in-one-commit.ts";

export type Department = { uuid: string; name: string; dealerUuid: string; dealerName: string };

export type Customer = {
  uuid: string;
  dealerUuid: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  textOptIn: boolean;
};

export type Order = {
  uuid: string;
  departmentUuid: string;
  orderType: string;
  orderNumber: string;
  customerUuid: string;
  dealerAssociateUuid: string | null;
  amountCents: number;
  status: "OPEN" | "CLOSED";
};

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

export type AssociateRef = {
  uuid?: string | undefined;
  userUuid?: string | undefined;
  departmentUuid?: string | undefined;
};

export type OrderRequest = {
  department: Department;
  dealerUuid?: string | undefined;
  orderUuid?: string | undefined;
  orderNumber?: string | undefined;
  orderType?: string | undefined;
  customerUuid?: string | undefined;
  associate: AssociateRef;
  amountCents: number;
};

export type ResolvedOrder = { order: Order; customer: Customer; created: boolean };
export type EnsuredInvoice = { invoice: Invoice; created: boolean; previousAmountCents?: number | undefined };

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

export type Channel = "text" | "email";

export type DeliveryRecord = {
  channel: Channel;
  customerUuid: string;
  recipient: string;
  subject?: string | undefined;
  body: string;
  status: "DELIVERED" | "FAILED";
  provider: string;
  providerRef?: string | undefined;
  error?: string | undefined;
  length?: number | undefined;
  segments?: number | undefined;
  /** For an email: the file name of the invoice PDF it carried. */
  attachment?: string | undefined;
};

type BackendBase = {
  getDepartment(departmentUuid: string): Promise<Department | undefined>;
  /** Step 1: the order named by orderUuid, or the department's order with (orderType, orderNumber), created if none. */
  resolveOrder(request: OrderRequest): Promise<ResolvedOrder>;
  /** Step 2: the order's open invoice, brought up to date with `fields`, or a new one. */
  ensureOpenInvoice(order: Order, fields: InvoiceFields): Promise<EnsuredInvoice>;
};

/** The platform in the service's own store: steps 1–3 in one transaction, delivery by the service. */
export type EmbeddedBackend = BackendBase & {
  readonly kind: "embedded";
  /**
   * Steps 1–3 in one transaction, timed on `trail`; with a claim id, a keyed call's recovery point moves to
   * `prepared` in the same transaction.
   */
  prepare(
    input: { department: Department; body: SendPaymentRequestBody; requestId: string },
    trail: AuditTrail,
    claimId?: number,
  ): Promise<Prepared>;
  /**
   * Steps 1–3, the outbox delivery and the call's records (audit row, the key's answer) in one transaction, for
   * a notifier that only records (see send-in-one-commit.ts); its steps are timed on `trail`.
   */
  sendInOneCommit(
    input: Omit<SendInOneCommitArgs, "paymentUrls">,
    trail: AuditTrail,
  ): Promise<SendInOneCommitResult>;
  /** Step 3 alone, for an open invoice of the department (the v4 payment request endpoint). */
  prepareForInvoice(
    input: { department: Department; invoice: Invoice; flags: PaymentRequestFlags; requestId: string },
    claimId?: number,
  ): Promise<Prepared>;
};

export type RemoteSendResult = {
  paymentRequest: CreatedPaymentRequest;
  textSent?: DeliveryResult | undefined;
  emailSent?: DeliveryResult | undefined;
  warnings: WarningItem[];
};

/** A payments platform over HTTP that creates the payment request and delivers it itself: steps 3 and 4 are one call. */
export type RemoteDeliveryBackend = BackendBase & {
  readonly kind: "upstream";
  sendRemotely(input: {
    invoice: Invoice;
    body: SendPaymentRequestBody;
    idempotencyKey: string;
  }): Promise<RemoteSendResult>;
};

/** The payments platform: orders, invoices and payment requests. */
export type PaymentsBackend = EmbeddedBackend | RemoteDeliveryBackend;

export type TextMessage = { to: string; body: string };
export type Attachment = { filename: string; contentType: string; content: Uint8Array };
/** Files an email carries, made only when a notifier transmits the message (the outbox records their names). */
export type Attachments = () => Promise<Attachment[]>;
export type EmailMessage = {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** The sender's display name: the dealer's. */
  fromName?: string | undefined;
  attachments?: Attachments | undefined;
};
export type Receipt = { provider: string; providerRef?: string | undefined };

/** Delivers texts and emails. Throws when the provider refuses; honours `signal` for timeouts. */
export type Notifier = {
  sendText(message: TextMessage, signal: AbortSignal): Promise<Receipt>;
  sendEmail(message: EmailMessage, signal: AbortSignal): Promise<Receipt>;
  /** Who delivers each channel, for the outbox record of a failed attempt. */
  readonly providers?: { text: string; email: string };
  /** Only the outbox: messages are recorded in the call's own store and nothing leaves the process. */
  readonly recordsOnly?: boolean;
};
