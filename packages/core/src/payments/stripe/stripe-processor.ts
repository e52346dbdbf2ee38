import Stripe from "stripe";
import {
  type CardProcessor,
  ProcessorError,
  type ProcessorEvent,
  type ProcessorSession,
  ProcessorSignatureError,
} from "../../ports/card-processor.ts";

export type StripeSettings = {
  secretKey: string;
  /** One signing secret per Stripe webhook endpoint (the platform's, and the one for connected accounts). */
  webhookSecrets: readonly string[];
  /** Another base URL for the API (a stand-in in tests): the SDK takes its protocol, host and port. */
  apiUrl?: string | undefined;
  timeoutMs?: number;
};

type SessionObject = {
  id: string;
  url: string | null;
  status: string | null;
  payment_status: string;
  amount_total: number | null;
  payment_intent: string | { id: string } | null;
  metadata: Record<string, string> | null;
};

const idOf = (value: string | { id: string } | null | undefined) =>
  value == null ? null : typeof value === "string" ? value : value.id;

const toSession = (session: SessionObject): ProcessorSession => ({
  id: session.id,
  url: session.url,
  status: session.status === "complete" ? "complete" : session.status === "expired" ? "expired" : "open",
  paymentStatus:
    session.payment_status === "paid"
      ? "paid"
      : session.payment_status === "no_payment_required"
        ? "no_payment_required"
        : "unpaid",
  amountTotalCents: session.amount_total,
  paymentIntentId: idOf(session.payment_intent),
  metadata: session.metadata ?? {},
});

/** Stripe's error, as the port's: its code, and whether trying again later may succeed. */
const translate = (error: unknown): ProcessorError => {
  if (error instanceof Stripe.errors.StripeError) {
    const retryable =
      error.type === "StripeConnectionError" ||
      error.type === "StripeAPIError" ||
      error.type === "StripeRateLimitError" ||
      (error.statusCode ?? 0) >= 500;
    return new ProcessorError(error.message, error.code, retryable);
  }
  return new ProcessorError(String(error), undefined, true);
};

const SESSION_EVENTS = new Set([
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
]);

/** Stripe through its official SDK: Checkout Sessions, refunds, and webhook signatures (`Stripe-Signature`). */
export const createStripeProcessor = (settings: StripeSettings): CardProcessor => {
  const base = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
  const stripe = new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: settings.timeoutMs ?? 20_000,
    telemetry: false,
    ...(base
      ? {
          protocol: base.protocol === "http:" ? ("http" as const) : ("https" as const),
          host: base.hostname,
          port: base.port || (base.protocol === "http:" ? 80 : 443),
        }
      : {}),
  });
  const on = (account: string | undefined) => (account ? { stripeAccount: account } : {});
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  };

  return {
    createCheckoutSession: (request) =>
      call(async () =>
        toSession(
          (await stripe.checkout.sessions.create(
            {
              mode: "payment",
              line_items: [
                {
                  quantity: 1,
                  price_data: {
                    currency: request.currency,
                    unit_amount: request.amountCents,
                    product_data: { name: request.name, description: request.description },
                  },
                },
              ],
              client_reference_id: request.clientReferenceId,
              metadata: request.metadata,
              payment_intent_data: { metadata: request.metadata },
              success_url: request.successUrl,
              cancel_url: request.cancelUrl,
              expires_at: request.expiresAt,
            },
            { idempotencyKey: request.idempotencyKey, ...on(request.account) },
          )) as unknown as SessionObject,
        ),
      ),
    retrieveCheckoutSession: (id, account) =>
      call(async () =>
        toSession((await stripe.checkout.sessions.retrieve(id, {}, on(account))) as unknown as SessionObject),
      ),
    async expireCheckoutSession(id, account) {
      try {
        return toSession(
          (await stripe.checkout.sessions.expire(id, {}, on(account))) as unknown as SessionObject,
        );
      } catch (error) {
        // Not open any more (paid, or expired already): say how it stands.
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          return call(async () =>
            toSession(
              (await stripe.checkout.sessions.retrieve(id, {}, on(account))) as unknown as SessionObject,
            ),
          );
        }
        throw translate(error);
      }
    },
    refundPayment: (request) =>
      call(async () => {
        const refund = await stripe.refunds.create(
          { payment_intent: request.paymentIntentId, metadata: request.metadata },
          { idempotencyKey: request.idempotencyKey, ...on(request.account) },
        );
        return { id: refund.id, status: refund.status ?? "pending" };
      }),
    verifyEvent(rawBody, signatureHeader) {
      if (!signatureHeader) throw new ProcessorSignatureError("no Stripe-Signature header");
      let event: Stripe.Event | undefined;
      for (const secret of settings.webhookSecrets) {
        try {
          event = stripe.webhooks.constructEvent(rawBody, signatureHeader, secret);
          break;
        } catch {
          // The next secret may be the one (the platform's and the connected accounts' endpoints differ).
        }
      }
      if (!event) throw new ProcessorSignatureError("the Stripe-Signature does not verify, or is too old");
      const common = { id: event.id, created: event.created, account: event.account ?? null };
      const object = event.data.object as unknown as Record<string, unknown>;
      if (SESSION_EVENTS.has(event.type)) {
        return {
          ...common,
          type: event.type as Extract<ProcessorEvent, { session: unknown }>["type"],
          session: toSession(object as unknown as SessionObject),
        };
      }
      if (event.type === "charge.refunded") {
        return {
          ...common,
          type: "charge.refunded",
          charge: {
            paymentIntentId: idOf(object.payment_intent as string | { id: string } | null),
            amountRefundedCents: Number(object.amount_refunded ?? 0),
          },
        };
      }
      return { ...common, type: "other", name: event.type };
    },
  };
};
