import { TEST_STORES } from "@payreq/core/testing/stores";
import { startStripeStandIn } from "@payreq/core/testing/stripe";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { describe, expect, it, onTestFinished } from "vitest";
import { payreq } from "../../test/cli.ts";
import { seriesValue } from "../../test/metrics-text.ts";
import { pollFor } from "../../test/poll-for.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { startServerProcess } from "../../test/server-process.ts";

const WEBHOOK_SECRET = "whsec_cGF5cmVxLXN0cmlwZS10ZXN0LXNpZ25pbmctc2VjcmV0";

/** `payreq serve` taking card payments through a Stripe stand-in, with a dealer's webhook receiver. */
const setupOn = async (kind: (typeof TEST_STORES)[number]) => {
  const seeded = await seededDatabase(kind);
  onTestFinished(() => seeded.store.close());
  const stripe = await startStripeStandIn({ webhookSecret: WEBHOOK_SECRET });
  onTestFinished(() => stripe.close());
  const receiver = await startWebhookReceiver();
  onTestFinished(() => receiver.close());
  const env = {
    ...seeded.env,
    PAYREQ_STRIPE_SECRET_KEY: "sk_test_payreq_stand_in",
    PAYREQ_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PAYREQ_STRIPE_API_URL: stripe.url,
    PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1",
  };
  const added = await payreq(
    ["webhooks", "add", "--department", seeded.demo.ids.departments.sunrise, "--url", receiver.url, "--json"],
    env,
  );
  expect(added.code, added.stderr).toBe(0);
  receiver.useSecret((JSON.parse(added.stdout) as { secret: string }).secret);
  let current: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  /** A `payreq serve` on the database, the one Stripe's events now go to. */
  const start = async () => {
    const server = await startServerProcess(env);
    onTestFinished(() => server.stop("SIGKILL").then(() => undefined));
    stripe.setWebhookUrl(`${server.url}/payment/webhooks/stripe`);
    current = server;
    return server;
  };
  const server = await start();
  const send = async (amount = 125.5) => {
    const response = await fetch(
      `${current?.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
      {
        method: "POST",
        headers: { Authorization: seeded.auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          amount,
          orderNumber: `RO-PAY-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
          orderType: "RO",
          customerUuid: seeded.demo.ids.customers.sunriseFull,
          sendAsText: true,
          sendAsEmail: true,
          reminderDate: new Date(Date.now() + 86_400_000).toISOString(),
        }),
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { paymentUrl: string; invoiceUuid: string };
    return { ...body, path: new URL(body.paymentUrl).pathname };
  };
  const pressPay = (server: { url: string }, path: string, origin = server.url) =>
    fetch(`${server.url}${path}/checkout`, {
      method: "POST",
      headers: { Origin: origin },
      redirect: "manual",
    });
  const sql = seeded.store.sql;
  return { seeded, stripe, receiver, env, server, start, send, pressPay, sql };
};

describe.each(TEST_STORES)("card payments in payreq serve on %s", { timeout: 90_000 }, (kind) => {
  it("takes the payment: Pay leads to Stripe, its signed event records it once, the receipt and the dealer's event follow", async () => {
    const t = await setupOn(kind);
    const sent = await t.send();
    const page = await (await fetch(`${t.server.url}${sent.path}`)).text();
    expect(page).toContain(`<form method="post" action="${sent.path}/checkout">`);
    expect(page).toContain("Pay $125.50");

    // Another site cannot press it.
    expect((await t.pressPay(t.server, sent.path, "https://evil.example")).status).toBe(403);
    expect(t.stripe.requests).toHaveLength(0);
    const pressed = await t.pressPay(t.server, sent.path);
    expect(pressed.status).toBe(303);
    const hosted = pressed.headers.get("location") ?? "";
    expect(hosted).toMatch(new RegExp(`^${t.stripe.url}/hosted/cs_test_`));
    expect(pressed.headers.get("content-security-policy")).toContain(
      `form-action 'self' https://checkout.stripe.com ${t.stripe.url}`,
    );
    expect(t.stripe.requests[0]?.form["line_items[0][price_data][unit_amount]"]).toBe("12550");

    // The customer pays on Stripe's page: the event reaches payreq before Stripe sends them back.
    const sessionId = hosted.split("/").at(-1) ?? "";
    const event = t.stripe.completedEvent(t.stripe.pay(sessionId));
    const received = await t.stripe.deliver(event);
    expect(received).toMatchObject({
      status: 200,
      body: { received: true, duplicate: false, outcome: "payment of $125.50 recorded" },
    });
    expect(await (await fetch(`${t.server.url}${sent.path}?checkout=done`)).text()).toContain(
      "This invoice has been paid",
    );
    // Stripe delivers it again: nothing more.
    expect((await t.stripe.deliver(event)).body).toMatchObject({ duplicate: true });

    const receipts = await pollFor(10_000, async () => {
      const rows = await t.sql.all<{ channel: string }>(
        "select channel from outbox where purpose = 'receipt'",
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(receipts.map((r) => r.channel).sort()).toEqual(["email", "text"]);
    const paid = await t.receiver.waitForMatching(1, (r) => r.verified?.type === "invoice.paid");
    expect(paid[0]?.verified?.data).toMatchObject({ invoiceUuid: sent.invoiceUuid, paidAmount: 125.5 });
    const reminder = await t.sql.get<{ status: string }>(
      "select status from reminders where invoice_uuid = ?",
      [sent.invoiceUuid],
    );
    expect(reminder?.status).toBe("SKIPPED");
    const audit = await t.sql.all<{ outcome: string; http_status: number }>(
      "select outcome, http_status from audit_log where operation = 'stripe.webhook' order by seq",
    );
    expect(audit).toEqual([
      { outcome: "SUCCESS", http_status: 200 },
      { outcome: "SUCCESS", http_status: 200 },
    ]);
    const metrics = await (await fetch(t.server.metricsUrl)).text();
    expect(seriesValue(metrics, "payreq_payments_total", { result: "paid" })).toBe(1);
    expect(
      seriesValue(metrics, "payreq_payments_collected_cents_total", {
        department: t.seeded.demo.ids.departments.sunrise,
      }),
    ).toBe(12550);
  });

  it("refuses a forged, a stale and an unsigned event with 400, records nothing, and audits each", async () => {
    const t = await setupOn(kind);
    const sent = await t.send();
    const pressed = await t.pressPay(t.server, sent.path);
    const sessionId = (pressed.headers.get("location") ?? "").split("/").at(-1) ?? "";
    const session = t.stripe.sessionObject(t.stripe.pay(sessionId));
    const forged = t.stripe.event("checkout.session.completed", session, {
      secret: "whsec_bm90LXRoZS1yaWdodC1zZWNyZXQ=",
    });
    const stale = t.stripe.event("checkout.session.completed", session, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    for (const delivery of [forged, stale, { body: forged.body, signature: "" }]) {
      const answer = await t.stripe.deliver(delivery);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ errors: [{ errorCode: 109033 }] });
    }
    const tampered = t.stripe.event("checkout.session.completed", session);
    const changed = {
      body: tampered.body.replace('"amount_total":12550', '"amount_total":1'),
      signature: tampered.signature,
    };
    expect((await t.stripe.deliver(changed)).status).toBe(400);
    const invoice = await t.sql.get<{ status: string }>("select status from invoices where uuid = ?", [
      sent.invoiceUuid,
    ]);
    expect(invoice?.status).toBe("OPEN");
    expect(Number((await t.sql.get<{ n: number }>("select count(*) as n from stripe_events"))?.n)).toBe(0);
    const audit = await t.sql.all<{ outcome: string; error_code: number }>(
      "select outcome, error_code from audit_log where operation = 'stripe.webhook' order by seq",
    );
    expect(audit).toEqual(Array.from({ length: 4 }, () => ({ outcome: "REJECTED", error_code: 109033 })));
  });

  it("records the payment once across a kill -9 while Stripe's event is being handled (Stripe sends it again)", async () => {
    const t = await setupOn(kind);
    let server = t.server;
    const invoices: string[] = [];
    for (let round = 0; round < 3; round++) {
      const sent = await t.send();
      invoices.push(sent.invoiceUuid);
      const pressed = await t.pressPay(server, sent.path);
      const sessionId = (pressed.headers.get("location") ?? "").split("/").at(-1) ?? "";
      const event = t.stripe.completedEvent(t.stripe.pay(sessionId));
      // Killed with the event in flight: it may or may not have committed.
      const inFlight = t.stripe.deliver(event).catch(() => undefined);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await server.stop("SIGKILL");
      await inFlight;
      server = await t.start();
      // Stripe retries until it gets a 2xx.
      const retried = await t.stripe.deliver(event);
      expect(retried.status).toBe(200);
    }
    for (const invoice of invoices) {
      const row = await t.sql.get<{ status: string; paid: number }>(
        `select status, paid_amount_cents as paid from invoices where uuid = ?`,
        [invoice],
      );
      expect(row).toEqual({ status: "PAID", paid: 12550 });
      const events = await t.sql.get<{ n: number }>(
        "select count(*) as n from webhook_events where type = 'invoice.paid' and body like ?",
        [`%${invoice}%`],
      );
      expect(Number(events?.n)).toBe(1);
      const receipts = await t.sql.get<{ n: number }>(
        "select count(*) as n from receipts where invoice_uuid = ?",
        [invoice],
      );
      expect(Number(receipts?.n)).toBe(1);
    }
  });
});
