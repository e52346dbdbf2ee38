/**
 * The card processor behind the payment page (Stripe Checkout): it hosts the card form, so card data never
 * reaches this service. Amounts are in the currency's minor unit (cents). `account` is a dealer's connected
 * account; without it, the platform's own.
 */

export type CheckoutSessionRequest = {
  amountCents: number;
  /** ISO 4217, lower case. */
  currency: string;
  /** The line item: what is paid for, and the order it belongs to. */
  name: string;
  description: string;
  clientReferenceId: string;
  metadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  /** Unix seconds; the processor allows 30 minutes to 24 hours from now. */
  expiresAt: number;
  idempotencyKey: string;
  account?: string | undefined;
};

export type ProcessorSession = {
  id: string;
  url: string | null;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  amountTotalCents: number | null;
  paymentIntentId: string | null;
  metadata: Record<string, string>;
};

/** An event the processor pushed, verified and reduced to what this service acts on. */
export type ProcessorEvent = {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The connected account the event happened on, if any. */
  account: string | null;
} & (
  | {
      type:
        | "checkout.session.completed"
        | "checkout.session.async_payment_succeeded"
        | "checkout.session.async_payment_failed"
        | "checkout.session.expired";
      session: ProcessorSession;
    }
  | { type: "charge.refunded"; charge: { paymentIntentId: string | null; amountRefundedCents: number } }
  | { type: "other"; name: string }
);

/** A signature that is missing, forged, or older than the processor's tolerance. */
export class ProcessorSignatureError extends Error {}

/** The processor answered with an error (refused, not found, unreachable). */
export class ProcessorError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface CardProcessor {
  createCheckoutSession(request: CheckoutSessionRequest): Promise<ProcessorSession>;
  retrieveCheckoutSession(id: string, account?: string): Promise<ProcessorSession>;
  /** Expires an open session; answers it as it now is (complete, if it was paid meanwhile). */
  expireCheckoutSession(id: string, account?: string): Promise<ProcessorSession>;
  refundPayment(request: {
    paymentIntentId: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
    account?: string | undefined;
  }): Promise<{ id: string; status: string }>;
  /** The event a webhook delivery carries, if its signature holds (else ProcessorSignatureError). */
  verifyEvent(rawBody: string, signatureHeader: string | undefined): ProcessorEvent;
}
