import { TEST_STORES } from "@payreq/core/testing/stores";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, watchPage } from "../../test/browser.ts";
import {
  type ConsoleFixture,
  createConsoleFixture,
  FAILED_ORDER,
  HOSTILE_FIRST_NAME,
  HOSTILE_LAST_NAME,
} from "../../test/ops-fixture.ts";
import { type RunningServer, startServer } from "../server.ts";

/** One chromium and one server for the file; each test gets its own browser context (own cookies). */
describe.each(TEST_STORES)("on %s", (kind) => {
  describe("the ops console in chromium", { timeout: 60_000 }, () => {
    let fixture: ConsoleFixture;
    let server: RunningServer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      fixture = await createConsoleFixture({ store: kind });
      server = await startServer(fixture, { host: "127.0.0.1", port: 0 });
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await Promise.all(contexts.map((c) => c.close()));
      await browser?.close();
      await server?.shutdown();
    });

    const open = async (options: { width?: number; height?: number } = {}) => {
      const context = await browser.newContext({
        timezoneId: "America/Chicago",
        locale: "en-US",
        viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
      });
      contexts.push(context);
      const page = await context.newPage();
      return { page, problems: watchPage(page) };
    };

    const signIn = async (page: Page, credential: { username: string; password: string }) => {
      await page.getByLabel("Username", { exact: true }).fill(credential.username);
      await page.getByLabel("Password", { exact: true }).fill(credential.password);
      await page.getByRole("button", { name: "Sign in" }).click();
    };

    it("signs in, filters by order number, opens the call, sees its messages, verifies the chain and signs out", async () => {
      const { page, problems } = await open();
      await page.goto(`${server.url}/ops/calls`);
      await page.waitForURL("**/ops/sign-in?next=%2Fops%2Fcalls");
      await screenshot(page, "sign-in");
      await signIn(page, fixture.demo.credentials.ops);
      await page.waitForURL("**/ops/calls");
      const rows = page.locator("table tbody tr");
      await expect(rows.count()).resolves.toBeGreaterThan(5);
      const firstTime = rows.first().locator("time");
      await expect(firstTime.getAttribute("title")).resolves.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      await expect(firstTime.textContent()).resolves.toMatch(/C[SD]T/);
      await screenshot(page, "calls");

      await page.getByLabel("Order number", { exact: true }).fill(FAILED_ORDER);
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.waitForURL(`**/ops/calls?orderNumber=${FAILED_ORDER}`);
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().textContent()).resolves.toContain("FAILURE");
      await rows.first().locator("time").click();
      await page.waitForURL(/\/ops\/calls\/[0-9a-f-]{36}$/);
      await expect(page.locator("main").textContent()).resolves.toContain("TEXT_DELIVERY_FAILED");
      const messages = page.locator("table:has(#messages-caption) tbody tr");
      await expect(messages.count()).resolves.toBe(2);
      const byChannel = Object.fromEntries(
        (await messages.allTextContents()).map((text) => [text.includes("email") ? "email" : "text", text]),
      );
      expect(byChannel.text).toContain("FAILED");
      expect(byChannel.text).toContain("unreachable handset");
      expect(byChannel.email).toContain("DELIVERED");
      expect(byChannel.email).toContain("<0001@mail.example.test>");
      await screenshot(page, "call");

      await page.getByRole("link", { name: "Outbox" }).click();
      await page.getByLabel("Channel", { exact: true }).selectOption("text");
      await page.getByLabel("Status", { exact: true }).selectOption("FAILED");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.waitForURL(/\/ops\/outbox\?channel=text&status=FAILED$/);
      const failed = page.locator("table tbody tr");
      await expect(failed.count()).resolves.toBe(2);
      await expect(failed.first().textContent()).resolves.toContain("unreachable handset");
      await screenshot(page, "outbox");

      await page.getByRole("link", { name: "Overview" }).click();
      await page.waitForURL(/\/ops$/);
      await expect(page.locator("figure.chart svg").isVisible()).resolves.toBe(true);
      await page.getByRole("button", { name: "Verify now" }).click();
      await page.waitForURL(/\/ops#chain-h$/);
      await expect(page.locator("#chain-h + p").textContent()).resolves.toMatch(/^OK \d+ rows checked/);
      await screenshot(page, "overview");

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/ops/sign-in?notice=signed-out");
      await expect(page.getByRole("status").textContent()).resolves.toBe("You are signed out.");
      await page.goto(`${server.url}/ops/calls`);
      await page.waitForURL("**/ops/sign-in?next=%2Fops%2Fcalls");
      expect(problems).toEqual([]);
    });

    it("refuses a sender credential with a page saying why", async () => {
      const { page, problems } = await open();
      await page.goto(`${server.url}/ops`);
      await signIn(page, fixture.demo.credentials.sunriseSender);
      await page.getByRole("heading", { name: "This credential cannot use the ops console" }).waitFor();
      await expect(page.locator("main").textContent()).resolves.toContain("payment.audit.read");
      await screenshot(page, "refused");
      await page.goto(`${server.url}/ops/calls`);
      await page.waitForURL(/\/ops\/sign-in\?next=/);
      // The refusal page itself is a 403 document, which chromium reports; nothing else may go wrong.
      expect(problems).toEqual([
        "console error: Failed to load resource: the server responded with a status of 403 (Forbidden)",
      ]);
    });

    it("shows a customer name and a description holding markup as text, running none of it", async () => {
      const { page, problems } = await open();
      await page.goto(`${server.url}/ops/calls/${fixture.hostileCall}`);
      await signIn(page, fixture.demo.credentials.ops);
      await page.waitForURL(`**/ops/calls/${fixture.hostileCall}`);
      await expect(page.locator(".person").textContent()).resolves.toBe(
        `${HOSTILE_FIRST_NAME} ${HOSTILE_LAST_NAME}`,
      );
      await page.getByText("Email to m***@example.com").click();
      await expect(page.locator(".message-body").first().textContent()).resolves.toContain(
        HOSTILE_FIRST_NAME,
      );
      await expect(page.locator("pre[aria-label='Request body']").textContent()).resolves.toContain(
        "<b>bold</b>",
      );
      await expect(page.locator("main script, main img, main b").count()).resolves.toBe(0);
      await screenshot(page, "call-with-markup");
      expect(problems).toEqual([]);
    });

    it("fits a phone's width: only the tables scroll sideways", async () => {
      const { page, problems } = await open({ width: 390, height: 844 });
      await page.goto(`${server.url}/ops/calls`);
      await signIn(page, fixture.demo.credentials.ops);
      await page.waitForURL("**/ops/calls");
      const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, "calls-phone");
      await page.keyboard.press("Tab");
      await expect(page.evaluate("document.activeElement?.textContent")).resolves.toBe("Skip to content");
      expect(problems).toEqual([]);
    });
  });
});
