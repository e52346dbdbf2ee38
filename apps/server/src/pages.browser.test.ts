import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, watchPage } from "../test/browser.ts";
import { createTestApp } from "../test/harness.ts";
import { type RunningServer, startServer } from "./server.ts";

/** The public pages under their security headers, in a real browser: the CSP must not break what they show. */
describe("pages in chromium", { timeout: 60_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp({ paymentUrls: { baseUrl: "http://placeholder/pay", ttlMs: 86_400_000 } });
    server = await startServer(t, { host: "127.0.0.1", port: 0 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.shutdown();
  });

  it("renders the self-hosted Swagger UI at /docs with every operation and no CSP violation", async () => {
    const page = await browser.newPage();
    const problems = watchPage(page);
    await page.goto(`${server.url}/docs`);
    await page.locator(".opblock-summary-path", { hasText: "payment-requests" }).first().waitFor();
    expect(await page.locator(".opblock").count()).toBeGreaterThan(5);
    // Swagger UI's own page: its markup is not ours to fix.
    await screenshot(page, "docs", { axe: false });
    expect(problems).toEqual([]);
  });

  it("shows the payment page with its stylesheet and no CSP violation", async () => {
    const sent = (await (await t.post(t.body({ amount: 80 }))).json()) as { paymentUrl: string };
    const token = sent.paymentUrl.split("/").at(-1);
    const page = await browser.newPage();
    const problems = watchPage(page);
    await page.goto(`${server.url}/pay/${token}`);
    const amount = page.locator(".amount");
    await expect(amount.textContent()).resolves.toBe("$80.00");
    // The stylesheet loaded under the page's policy: the amount is set large.
    expect(await page.evaluate("getComputedStyle(document.querySelector('.amount')).fontSize")).toBe("32px");
    await screenshot(page, "payment-page");
    expect(problems).toEqual([]);
  });

  it("shows the invoice with its PDF, then the paid state once the platform records the payment", async () => {
    const sent = (await (
      await t.post(t.body({ amount: 64.25, attachInvoice: true, fileName: "ro-64.pdf" }))
    ).json()) as { paymentUrl: string; invoiceUuid: string };
    const token = sent.paymentUrl.split("/").at(-1);
    const page = await browser.newPage();
    const problems = watchPage(page);
    await page.goto(`${server.url}/pay/${token}/invoice`);
    const pdfLink = page.getByRole("link", { name: /Download the invoice \(PDF\): ro-64\.pdf/ });
    const pdf = await page.request.get(new URL((await pdfLink.getAttribute("href")) ?? "", server.url).href);
    expect([pdf.status(), pdf.headers()["content-type"]]).toEqual([200, "application/pdf"]);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");

    const { aggregator } = t.demo.credentials;
    const paid = await fetch(
      `${server.url}/payment/v4/departments/${t.dept}/invoices/${sent.invoiceUuid}/payment`,
      {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${aggregator.username}:${aggregator.password}`).toString("base64")}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ paidDate: new Date().toISOString() }),
      },
    );
    expect(paid.status).toBe(200);
    await page.goto(`${server.url}/pay/${token}`);
    await expect(page.locator(".paid").textContent()).resolves.toBe("This invoice has been paid. Thank you.");
    expect(await page.locator(".amount").count()).toBe(0);
    await screenshot(page, "payment-page-paid");
    expect(problems).toEqual([]);
  });
});
