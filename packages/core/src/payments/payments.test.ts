import { afterEach, describe, expect, it } from "vitest";
import { sunriseBody } from "../../test/helpers.ts";
import { startStripeStandIn } from "../../test/stripe-stand-in.ts";
import { openTestStore, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { findPaymentPage } from "../invoices/find-payment-page.ts";
import { recordInvoicePayment } from "../invoices/record-payment.ts";
import { recordMessageStatus } from "../notify/message-status.ts";
import type { Notifier } from "../ports/notifier.ts";
import { sendPaymentRequest } from "../send/send-payment-request.ts";
import { createTestCore, testMeta } from "../testing.ts";
import { setDealerStripeAccount } from "./dealer-payment-settings.ts";
import { createStripeProcessor } from "./stripe/stripe-processor.ts";

const SECRET = "whsec_c3RhbmQtaW4tc2lnbmluZy1zZWNyZXQtZm9yLXRlc3Rz";
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tokenOf = (paymentUrl: string) => paymentUrl.split("/").at(-1) ?? "";

const setupOn = async (kind: TestStoreKind, options: { notifier?: Notifier } = {}) => {
  const stripe = await startStripeStandIn({ webhookSecret: SECRET });
  cleanups.push(() => stripe.close());
  const processor = createStripeProcessor({
    secretKey: "sk_test_payreq",
    webhookSecrets: [SECRET],
    apiUrl: stripe.url,
  });
  const t = await createTestCore({
    store: await openTestStore(kind),
    cardProcessor: processor,
    ...(options.notifier ? { notifier: options.notifier } : {}),
  });
  const payments = t.payments;
  if (!payments) throw new Error("no payments");
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const department = t.demo.ids.departments.sunrise;
  const send = async (overrides: Record<string, unknown> = {}) => {
    const { body } = await sendPaymentRequest(t.deps, sender, department, sunriseBody(overrides), testMeta());
    const answer = body as {
      paymentUrl: string;
      invoiceUuid: string;
      paymentRequestUuid: string;
      orderUuid: string;
    };
    const token = tokenOf(answer.paymentUrl);
    const page = async () => {
      const found = await findPaymentPage(t.store.sql, token);
      if (!found) throw new Error("no page");
      return found;
    };
    return { ...answer, token, page };
  };
  /** Presses Pay: the session's id, from the stand-in, and where the customer was sent. */
  const checkout = async (sent: Awaited<ReturnType<typeof send>>) => {
    const outcome = await payments.startCheckout(await sent.page(), sent.token);
    if (outcome.kind !== "redirect") throw new Error(`no redirect: ${outcome.kind}`);
    const id = outcome.url.split("/").at(-1) ?? "";
    return { id, url: outcome.url };
  };
  /** What the webhook does with a signed delivery: verified by the SDK, then handled. */
  const receive = (delivery: { body: string; signature: string }) =>
    payments.handleEvent(processor.verifyEvent(delivery.body, delivery.signature));
  const invoice = (uuid: string) =>
    t.store.sql.get<{
      status: string;
      paidAmountCents: number | null;
      refundedAmountCents: number | null;
      paymentIntentId: string | null;
    }>(
      `select status, paid_amount_cents as "paidAmountCents", refunded_amount_cents as "refundedAmountCents",
              payment_intent_id as "paymentIntentId" from invoices where uuid = ?`,
      [uuid],
    );
  const eventTypes = async () =>
    (await t.store.sql.all<{ type: string }>("select type from webhook_events order by created_at, id")).map(
      (e) => e.type,
    );
  return { ...t, stripe, processor, payments, send, checkout, receive, invoice, eventTypes, department };
};

describe.each(TEST_STORES)("card payments through Stripe Checkout on %s", (kind) => {
  it("creates a session for the amount due, reuses it for the same amount, and replaces it for another", async () => {
    const t = await setupOn(kind);
    const sent = await t.send({ amount: 125.5 });
    const first = await t.checkout(sent);
    const [create] = t.stripe.requests;
    expect(create?.path).toBe("/v1/checkout/sessions");
    expect(create?.form).toMatchObject({
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "12550",
      "line_items[0][price_data][product_data][name]": expect.stringContaining("Brake pads and rotors"),
      client_reference_id: sent.paymentRequestUuid,
      "metadata[paymentRequestUuid]": sent.paymentRequestUuid,
      "metadata[invoiceUuid]": sent.invoiceUuid,
      success_url: `https://pay.example.test/p/${sent.token}?checkout=done`,
      cancel_url: `https://pay.example.test/p/${sent.token}?checkout=cancelled`,
    });
    expect(create?.idempotencyKey).toBe(`payreq-checkout-${sent.paymentRequestUuid}-12550-1`);
    expect(create?.stripeAccount).toBeUndefined();
    const expiresAt = Number(create?.form.expires_at) * 1000;
    expect(expiresAt - Date.now()).toBeGreaterThan(30 * 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);

    // Pressed again: the same session, nothing asked of Stripe.
    expect((await t.checkout(sent)).id).toBe(first.id);
    expect(t.stripe.requests).toHaveLength(1);

    // The dealer changes the amount (a new request on the same order reuses its open invoice).
    const resent = await t.send({ amount: 150, orderNumber: (await sent.page()).orderNumber });
    expect(resent.invoiceUuid).toBe(sent.invoiceUuid);
    const second = await t.checkout(sent);
    expect(second.id).not.toBe(first.id);
    expect(t.stripe.requests.map((r) => r.path)).toEqual([
      "/v1/checkout/sessions",
      `/v1/checkout/sessions/${first.id}/expire`,
      "/v1/checkout/sessions",
    ]);
    expect(t.stripe.requests[2]?.form["line_items[0][price_data][unit_amount]"]).toBe("15000");
    expect(t.stripe.requests[2]?.idempotencyKey).toBe(`payreq-checkout-${sent.paymentRequestUuid}-15000-2`);
    const rows = await t.store.sql.all<{ id: string; status: string }>(
      "select id, status from checkout_sessions order by number",
    );
    expect(rows).toEqual([
      { id: first.id, status: "expired" },
      { id: second.id, status: "open" },
    ]);
  });

  it("makes the dealer's connected account's sessions, with its Stripe-Account header", async () => {
    const t = await setupOn(kind);
    const ops = await t.principalOf(t.demo.credentials.ops);
    const dealer = await t.store.sql.get<{ uuid: string }>(
      "select dealer_uuid as uuid from departments where uuid = ?",
      [t.department],
    );
    const settings = await setDealerStripeAccount(t.store, ops, dealer?.uuid ?? "", "acct_1SunriseMotors");
    expect(settings.stripeAccount).toBe("acct_1SunriseMotors");
    const sent = await t.send();
    const session = await t.checkout(sent);
    expect(t.stripe.requests[0]?.stripeAccount).toBe("acct_1SunriseMotors");
    // Its events come from that account; one from another account does not match.
    const paid = t.stripe.pay(session.id);
    const elsewhere = t.stripe.event("checkout.session.completed", t.stripe.sessionObject(paid));
    expect((await t.receive(elsewhere)).outcome).toBe("ignored: not a session of this service");
    expect((await t.receive(t.stripe.completedEvent(paid))).receipt).toBe(true);
    expect((await t.invoice(sent.invoiceUuid))?.status).toBe("PAID");
  });

  it("records a paid session on its invoice once, with the receipt, the dealer's event and the reminders ended", async () => {
    const t = await setupOn(kind);
    const sent = await t.send({ reminderDate: new Date(Date.now() + 86_400_000).toISOString() });
    const session = await t.checkout(sent);
    const delivery = t.stripe.completedEvent(t.stripe.pay(session.id));
    const handled = await t.receive(delivery);
    expect(handled).toMatchObject({ duplicate: false, receipt: true, invoiceUuid: sent.invoiceUuid });
    expect(handled.outcome).toBe("payment of $125.50 recorded");
    const paid = await t.invoice(sent.invoiceUuid);
    expect(paid).toMatchObject({ status: "PAID", paidAmountCents: 12550 });
    expect(paid?.paymentIntentId).toMatch(/^pi_test_/);
    expect(await t.eventTypes()).toContain("invoice.paid");
    const reminder = await t.store.sql.get<{ status: string }>("select status from reminders");
    expect(reminder?.status).toBe("SKIPPED");
    // Stripe delivers it again: nothing more.
    expect(await t.receive(delivery)).toMatchObject({
      duplicate: true,
      outcome: "payment of $125.50 recorded",
    });
    expect((await t.eventTypes()).filter((type) => type === "invoice.paid")).toHaveLength(1);

    const receipts = await t.sendReceipts();
    expect(receipts).toEqual({ sent: 1, uncertain: 0 });
    const outbox = await t.store.sql.all<{ channel: string; purpose: string; body: string }>(
      "select channel, purpose, body from outbox where purpose = 'receipt' order by channel",
    );
    expect(outbox.map((m) => m.channel)).toEqual(["email", "text"]);
    expect(outbox[1]?.body).toContain("we received your payment of $125.50");
    expect(await t.sendReceipts()).toEqual({ sent: 0, uncertain: 0 });
    const audit = await t.store.sql.get<{ n: number }>(
      "select count(*) as n from audit_log where operation = 'receipts.send'",
    );
    expect(Number(audit?.n)).toBe(1);
  });

  it("leaves the invoice open for a failed or expired session, and ignores a session it did not make", async () => {
    const t = await setupOn(kind);
    const sent = await t.send();
    const session = await t.checkout(sent);
    const object = t.stripe.sessionObject(t.stripe.sessions.get(session.id) as never);
    expect((await t.receive(t.stripe.event("checkout.session.completed", object))).outcome).toContain(
      "still processing",
    );
    expect((await t.receive(t.stripe.event("checkout.session.async_payment_failed", object))).outcome).toBe(
      "the payment failed: the invoice stays open",
    );
    expect((await t.invoice(sent.invoiceUuid))?.status).toBe("OPEN");
    const other = await t.checkout(sent);
    expect(
      (await t.receive(t.stripe.event("checkout.session.expired", { ...object, id: other.id }))).outcome,
    ).toBe("expired unpaid: the invoice stays open");
    const unknown = { ...object, id: "cs_test_not_ours" };
    expect((await t.receive(t.stripe.event("checkout.session.completed", unknown))).outcome).toBe(
      "ignored: not a session of this service",
    );
    expect((await t.receive(t.stripe.event("customer.created", { id: "cus_1" }))).outcome).toBe(
      "ignored: customer.created is not acted on",
    );
    expect((await t.invoice(sent.invoiceUuid))?.status).toBe("OPEN");
  });

  it("refunds a second payment of a paid invoice through Stripe, once, and audits it", async () => {
    const t = await setupOn(kind);
    const sent = await t.send();
    const first = await t.checkout(sent);
    // A second tab, after the first session was given up on and expired: two sessions, both paid.
    const firstPaid = t.stripe.pay(first.id);
    await recordInvoicePayment(t.store, t, {
      departmentUuid: t.department,
      invoiceUuid: sent.invoiceUuid,
      change: { paidDate: new Date().toISOString() },
    });
    const handled = await t.receive(t.stripe.completedEvent(firstPaid));
    expect(handled.refund).toBe(first.id);
    expect(handled.outcome).toBe("a second payment of $125.50: the invoice was already paid; refunding it");
    expect(await t.payments.refundDoublePayments()).toBe(1);
    expect(await t.payments.refundDoublePayments()).toBe(0);
    const refunds = t.stripe.requests.filter((r) => r.path === "/v1/refunds");
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      idempotencyKey: `payreq-refund-${first.id}`,
      form: { payment_intent: firstPaid.payment_intent, "metadata[reason]": "double payment" },
    });
    const row = await t.store.sql.get<{ refund: string; refundId: string }>(
      `select refund, refund_id as "refundId" from checkout_sessions where id = ?`,
      [first.id],
    );
    expect(row?.refund).toBe("refunded");
    expect(row?.refundId).toMatch(/^re_test_/);
    const audits = await t.store.sql.all<{ operation: string }>(
      "select operation from audit_log where operation like 'payments.%' order by seq",
    );
    expect(audits.map((a) => a.operation)).toEqual([
      "payments.double-payment",
      "payments.double-payment-refund",
    ]);
    // The invoice keeps its one payment.
    expect(await t.invoice(sent.invoiceUuid)).toMatchObject({ status: "PAID", paidAmountCents: 12550 });
    // Stripe's charge.refunded for that refund confirms it and changes nothing on the invoice.
    const refunded = t.stripe.event("charge.refunded", {
      id: "ch_1",
      object: "charge",
      payment_intent: firstPaid.payment_intent,
      amount_refunded: 12550,
    });
    expect((await t.receive(refunded)).outcome).toBe("the refund of a second payment, confirmed");
    expect((await t.invoice(sent.invoiceUuid))?.refundedAmountCents).toBeNull();
  });

  it("records what was paid when the amount changed meanwhile, and a refund that came before its payment", async () => {
    const t = await setupOn(kind);
    const sent = await t.send({ amount: 125.5 });
    const session = await t.checkout(sent);
    await t.send({ amount: 150, orderNumber: (await sent.page()).orderNumber });
    const paid = t.stripe.pay(session.id);
    // Out of order: the refund's event first.
    const refund = t.stripe.event("charge.refunded", {
      id: "ch_2",
      object: "charge",
      payment_intent: paid.payment_intent,
      amount_refunded: 2500,
    });
    expect((await t.receive(refund)).outcome).toBe("its payment is not recorded (yet): applied when it is");
    const handled = await t.receive(t.stripe.completedEvent(paid));
    expect(handled.outcome).toBe("payment of $125.50 recorded; $24.50 of the invoice left unpaid");
    expect(await t.invoice(sent.invoiceUuid)).toMatchObject({
      status: "PAID",
      paidAmountCents: 12550,
      refundedAmountCents: 2500,
    });
    // A later, larger refund total.
    const more = t.stripe.event("charge.refunded", {
      id: "ch_2",
      object: "charge",
      payment_intent: paid.payment_intent,
      amount_refunded: 5000,
    });
    expect((await t.receive(more)).outcome).toBe("refunded $50.00 in all, recorded");
    expect((await t.invoice(sent.invoiceUuid))?.refundedAmountCents).toBe(5000);
    expect(await t.eventTypes()).toEqual(expect.arrayContaining(["invoice.paid", "invoice.refunded"]));
  });

  it("says there is nothing to pay for a paid invoice, and that a session paid meanwhile is on its way", async () => {
    const t = await setupOn(kind);
    const sent = await t.send();
    const session = await t.checkout(sent);
    t.stripe.pay(session.id);
    // The amount changes while the customer is paying: the old session cannot be expired, it was paid.
    await t.send({ amount: 99, orderNumber: (await sent.page()).orderNumber });
    expect(await t.payments.startCheckout(await sent.page(), sent.token)).toEqual({ kind: "paying" });
    await t.receive(t.stripe.completedEvent(t.stripe.sessions.get(session.id) as never));
    expect(await t.payments.startCheckout(await sent.page(), sent.token)).toEqual({ kind: "not-payable" });
  });

  it("records a text's delivery status once: delivered, undelivered, unknown, replayed", async () => {
    const t = await setupOn(kind, {
      notifier: {
        sendText: async () => ({
          provider: "sms",
          providerRef: `SM${Math.random().toString(16).slice(2, 14)}`,
        }),
        sendEmail: async () => ({ provider: "smtp", providerRef: "m-1" }),
        providers: { text: "sms", email: "smtp" },
      },
    });
    await t.send({ sendAsEmail: false });
    await t.send({ sendAsEmail: false });
    const texts = await t.store.sql.all<{ providerRef: string }>(
      `select provider_ref as "providerRef" from outbox where channel = 'text' order by created_at, uuid`,
    );
    const [one, two] = texts.map((m) => m.providerRef);
    expect(await recordMessageStatus(t, { providerRef: one ?? "", status: "sent" })).toBe("not-final");
    expect(await recordMessageStatus(t, { providerRef: one ?? "", status: "delivered" })).toBe("recorded");
    expect(await recordMessageStatus(t, { providerRef: one ?? "", status: "delivered" })).toBe("unchanged");
    expect(await recordMessageStatus(t, { providerRef: one ?? "", status: "failed" })).toBe("unchanged");
    expect(
      await recordMessageStatus(t, { providerRef: two ?? "", status: "undelivered", errorCode: "30003" }),
    ).toBe("recorded");
    expect(await recordMessageStatus(t, { providerRef: "SMnot-ours", status: "delivered" })).toBe(
      "unknown-message",
    );
    const rows = await t.store.sql.all<{ status: string; providerStatus: string; error: string | null }>(
      `select status, provider_status as "providerStatus", error from outbox where channel = 'text'
       order by created_at, uuid`,
    );
    expect(rows).toEqual([
      { status: "DELIVERED", providerStatus: "delivered", error: null },
      {
        status: "FAILED",
        providerStatus: "undelivered",
        error: "the carrier reported undelivered (error 30003)",
      },
    ]);
    const bodies = (
      await t.store.sql.all<{ body: string }>(
        "select body from webhook_events where type in ('message.sent', 'message.failed') order by created_at, id",
      )
    ).map((e) => JSON.parse(e.body) as { type: string; data: { status: string } });
    expect(bodies.slice(-2).map((b) => [b.type, b.data.status])).toEqual([
      ["message.sent", "delivered"],
      ["message.failed", "failed"],
    ]);
  });
});
