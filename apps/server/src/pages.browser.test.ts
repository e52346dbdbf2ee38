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
    await screenshot(page, "docs");
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
});
