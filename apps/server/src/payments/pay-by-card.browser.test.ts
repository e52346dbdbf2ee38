import { startStripeStandIn } from "@payreq/core/testing/stripe";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, watchPage } from "../../test/browser.ts";
import { payreq } from "../../test/cli.ts";
import { pollFor } from "../../test/poll-for.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { type ServerProcess, startServerProcess } from "../../test/server-process.ts";

const WEBHOOK_SECRET = "whsec_YnJvd3Nlci10ZXN0LXN0cmlwZS1zaWduaW5nLXNlY3JldA==";

/**
 * The customer's way through a payment, in Debian's chromium: the link, Pay, the processor's page (a stand-in of
 * Stripe's), back to the link, which says paid. Then what followed: the receipt, the dealer's signed
 * invoice.paid, the reminder ended, and the console's Payments page.
 */
describe("paying a link by card, in chromium", { timeout: 90_000 }, () => {
  let browser: Browser;
  let server: ServerProcess;
  const closing: (() => Promise<unknown>)[] = [];
  let seeded: Awaited<ReturnType<typeof seededDatabase>>;
  let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    seeded = await seededDatabase("sqlite");
    closing.push(() => seeded.store.close());
    stripe = await startStripeStandIn({ webhookSecret: WEBHOOK_SECRET });
    closing.push(() => stripe.close());
    receiver = await startWebhookReceiver();
    closing.push(() => receiver.close());
    const env = {
      ...seeded.env,
      PAYREQ_STRIPE_SECRET_KEY: "sk_test_payreq_browser",
      PAYREQ_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PAYREQ_STRIPE_API_URL: stripe.url,
      PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1",
    };
    const added = await payreq(
      [
        "webhooks",
        "add",
        "--department",
        seeded.demo.ids.departments.sunrise,
        "--url",
        receiver.url,
        "--json",
      ],
      env,
    );
    receiver.useSecret((JSON.parse(added.stdout) as { secret: string }).secret);
    server = await startServerProcess(env);
    closing.push(() => server.stop("SIGKILL"));
    stripe.setWebhookUrl(`${server.url}/payment/webhooks/stripe`);
    browser = await launchChromium();
    closing.push(() => browser.close());
  }, 60_000);
  afterAll(async () => {
    for (const close of closing.reverse()) await close();
  });

  it("pays on the processor's page and comes back to a link that says paid; receipt, dealer's event and reminder follow", async () => {
    const response = await fetch(
      `${server.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
      {
        method: "POST",
        headers: { Authorization: seeded.auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          amount: 125.5,
          description: "Brake pads and rotors",
          orderNumber: "RO-CARD-1",
          orderType: "RO",
          customerUuid: seeded.demo.ids.customers.sunriseFull,
          sendAsText: true,
          sendAsEmail: true,
          reminderDate: new Date(Date.now() + 86_400_000).toISOString(),
        }),
      },
    );
    const sent = (await response.json()) as { paymentUrl: string; invoiceUuid: string };
    const link = `${server.url}${new URL(sent.paymentUrl).pathname}`;
    const page = await browser.newPage({ viewport: { width: 412, height: 823 } });
    const problems = watchPage(page);
    await page.goto(link);
    const pay = page.getByRole("button", { name: "Pay $125.50" });
    await expect(pay.isVisible()).resolves.toBe(true);
    await screenshot(page, "payment-page-pay-button");
    await pay.click();
    await page.waitForURL(new RegExp(`^${stripe.url}/hosted/cs_test_`));
    await expect(page.locator("h1").textContent()).resolves.toBe("Stand-in checkout");
    await page.getByRole("button", { name: "Pay with the test card" }).click();
    await page.waitForURL(/\?checkout=done$/);
    await expect(page.locator(".paid").textContent()).resolves.toBe("This invoice has been paid. Thank you.");
    await expect(page.getByRole("button", { name: /^Pay / }).count()).resolves.toBe(0);
    await screenshot(page, "payment-page-paid");
    expect(problems).toEqual([]);

    const receipts = await pollFor(10_000, async () => {
      const rows = await seeded.store.sql.all<{ channel: string }>(
        "select channel from outbox where purpose = 'receipt'",
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(receipts.map((r) => r.channel).sort()).toEqual(["email", "text"]);
    const [paid] = await receiver.waitForMatching(1, (r) => r.verified?.type === "invoice.paid");
    expect(paid?.verified?.data).toMatchObject({ invoiceUuid: sent.invoiceUuid, paidAmount: 125.5 });
    const reminder = await seeded.store.sql.get<{ status: string }>("select status from reminders");
    expect(reminder?.status).toBe("SKIPPED");

    // Ops see the payment.
    await page.goto(`${server.url}/ops/sign-in`);
    await page.getByLabel("Username", { exact: true }).fill(seeded.demo.credentials.ops.username);
    await page.getByLabel("Password", { exact: true }).fill(seeded.demo.credentials.ops.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.goto(`${server.url}/ops/payments`);
    const rows = page.locator("table tbody tr");
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain("RO RO-CARD-1");
    await expect(rows.first().textContent()).resolves.toContain("complete");
    await screenshot(page, "ops-payments");
  });
});
