import type { PaymentUrlSettings } from "../domain/payment-request.ts";
import type { PaymentPage } from "../invoices/find-payment-page.ts";
import type { CardProcessor } from "../ports/card-processor.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Store } from "../ports/store.ts";
import { openSessionOf } from "./checkout-rows.ts";
import { dealerPaymentSettings } from "./dealer-payment-settings.ts";

export type CheckoutDeps = {
  store: Store;
  clock: Clock;
  logger: Logger;
  processor: CardProcessor;
  paymentUrls: PaymentUrlSettings;
};

/** What pressing Pay leads to. */
export type CheckoutOutcome =
  | { kind: "redirect"; url: string }
  /** Nothing to pay: the invoice is paid, cancelled or of no amount, or the link expired. */
  | { kind: "not-payable" }
  /** A session of this payment request was paid meanwhile: its payment is on its way. */
  | { kind: "paying" }
  /** The processor could not be reached or refused: try again later. */
  | { kind: "unavailable"; reason: string };

/** The processor's bounds on a session's life: at least 30 minutes (with a margin), at most 24 hours. */
const MIN_LIFE_MS = 31 * 60_000;
const MAX_LIFE_MS = 24 * 3_600_000 - 60_000;
/** An open session this close to its end is not handed out again: the customer needs time to pay. */
const REUSE_MARGIN_MS = 5 * 60_000;

/** The link of a payment page, and where the processor sends the customer back after paying or cancelling. */
export const linkOf = (paymentUrls: PaymentUrlSettings, token: string) =>
  `${paymentUrls.baseUrl.replace(/\/+$/, "")}/${token}`;

/**
 * Pressing Pay: the payment request's open Checkout Session for the invoice's current amount (reused while it has
 * time left), else a new one, after expiring an open one of another amount through the processor. One open
 * session per payment request; a session paid meanwhile is not replaced (its payment is on its way). The
 * idempotency key names the payment request, the amount and the session's number, so two presses at once get
 * the same session from the processor.
 */
export const startCheckout = async (
  deps: CheckoutDeps,
  page: PaymentPage,
  token: string,
): Promise<CheckoutOutcome> => {
  const { store, clock, processor } = deps;
  const now = clock.now();
  if (page.invoiceStatus !== "OPEN" || page.amountCents <= 0 || page.expiresAt <= now) {
    return { kind: "not-payable" };
  }
  const dealer = await dealerPaymentSettings(store.sql, page.dealerUuid);
  const account = dealer?.stripeAccount ?? undefined;
  const currency = dealer?.currency ?? "usd";
  try {
    const open = await openSessionOf(store.sql, page.paymentRequestUuid);
    if (open) {
      const same =
        open.amountCents === page.amountCents &&
        open.currency === currency &&
        open.stripeAccount === (account ?? null) &&
        open.expiresAt > now + REUSE_MARGIN_MS;
      if (same) return { kind: "redirect", url: open.url };
      const ended = await processor.expireCheckoutSession(open.id, open.stripeAccount ?? undefined);
      const status = ended.status === "complete" ? "processing" : "expired";
      await store.transaction((tx) =>
        tx.run("update checkout_sessions set status = ?, updated_at = ? where id = ? and status = 'open'", [
          status,
          clock.now(),
          open.id,
        ]),
      );
      if (status === "processing") return { kind: "paying" };
    }
    const last = await store.sql.get<{ number: number | null }>(
      "select max(number) as number from checkout_sessions where payment_request_uuid = ?",
      [page.paymentRequestUuid],
    );
    const number = Number(last?.number ?? 0) + 1;
    const link = linkOf(deps.paymentUrls, token);
    const expiresAt = Math.max(now + MIN_LIFE_MS, Math.min(now + MAX_LIFE_MS, page.expiresAt));
    const order = `${page.orderType} ${page.orderNumber}`;
    const session = await processor.createCheckoutSession({
      amountCents: page.amountCents,
      currency,
      name: page.description ? `${page.description} (${order})` : `${page.dealerName}: ${order}`,
      description: `${page.dealerName}, ${page.departmentName}: ${order}`,
      clientReferenceId: page.paymentRequestUuid,
      metadata: {
        paymentRequestUuid: page.paymentRequestUuid,
        invoiceUuid: page.invoiceUuid,
        orderNumber: page.orderNumber,
      },
      successUrl: `${link}?checkout=done`,
      cancelUrl: `${link}?checkout=cancelled`,
      expiresAt: Math.floor(expiresAt / 1000),
      idempotencyKey: `payreq-checkout-${page.paymentRequestUuid}-${page.amountCents}-${number}`,
      account,
    });
    if (!session.url) return { kind: "unavailable", reason: "the processor gave no payment page" };
    await store.transaction((tx) =>
      tx.run(
        `insert into checkout_sessions (id, payment_request_uuid, invoice_uuid, dealer_uuid, stripe_account, number,
           amount_cents, currency, url, status, expires_at, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
         on conflict do nothing`,
        [
          session.id,
          page.paymentRequestUuid,
          page.invoiceUuid,
          page.dealerUuid,
          account ?? null,
          number,
          page.amountCents,
          currency,
          session.url,
          expiresAt,
          clock.now(),
          clock.now(),
        ],
      ),
    );
    // Two presses at once: whichever session was stored first is the one open.
    const stored = await openSessionOf(store.sql, page.paymentRequestUuid);
    return { kind: "redirect", url: stored?.url ?? session.url };
  } catch (error) {
    deps.logger.warn("checkout not started", {
      paymentRequestUuid: page.paymentRequestUuid,
      error: error instanceof Error ? error.message : String(error),
    });
    return { kind: "unavailable", reason: "the card processor could not be reached" };
  }
};
