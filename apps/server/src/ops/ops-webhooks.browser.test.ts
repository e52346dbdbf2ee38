import { createHttpWebhookSender, createWebhookDispatcher, type Notifier } from "@payreq/core";
import { interruptWhileDelivering } from "@payreq/core/testing";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, watchPage } from "../../test/browser.ts";
import { createTestApp } from "../../test/harness.ts";
import { type RunningServer, startServer } from "../server.ts";

/** A provider that counts what it is handed: a resend from the console must reach it exactly once. */
const counted = () => {
  const sent: string[] = [];
  const notifier: Notifier = {
    sendText: async (message) => {
      sent.push(message.body);
      return { provider: "sms", providerRef: `SM${sent.length}` };
    },
    sendEmail: async () => ({ provider: "smtp", providerRef: "<1@mail.example.test>" }),
    providers: { text: "sms", email: "smtp" },
  };
  return { notifier, sent };
};

describe("the console's webhook pages and a message sent again, in chromium", { timeout: 90_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const provider = counted();
  const closing: (() => Promise<unknown>)[] = [];
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let dispatch: () => Promise<void>;
  let resumedRequestId: string;

  beforeAll(async () => {
    const webhookSender = createHttpWebhookSender({ allowPrivate: true });
    closing.push(() => webhookSender.close());
    t = await createTestApp({ webhookSender, notifier: provider.notifier });
    const receiver = await startWebhookReceiver();
    closing.push(() => receiver.close());
    const integrator = await t.principalOf(t.demo.credentials.sunriseIntegrator);
    const created = await t.webhooks.create(
      { principal: integrator, departmentUuid: t.dept, requestId: "r" },
      { url: receiver.url, description: "Sunrise DMS" },
    );
    if (!created.ok) throw new Error("endpoint refused");
    receiver.useSecret(created.body.endpoint.secret);
    // The first attempt fails, and this schedule has no retry: a failed delivery to replay.
    receiver.answerNext({ status: 500, body: "database is down" });
    const dispatcher = createWebhookDispatcher(
      { ...t.deps, sender: webhookSender },
      { scheduleMs: [], timeoutMs: 2000, concurrency: 1, perEndpoint: 1 },
    );
    dispatch = async () => {
      for (;;) {
        const turn = await dispatcher.runOnce();
        await dispatcher.idle();
        if (turn.fannedOut + turn.claimed === 0) return;
      }
    };
    // A keyed call whose first attempt stopped while delivering: resumed, its messages are uncertain.
    const sender = await t.principalOf(t.demo.credentials.sunriseSender);
    const body = t.body({ orderNumber: "RO-UNSURE" });
    await interruptWhileDelivering(t, sender, t.dept, body, "unsure-1");
    const resumed = await t.post(body, { headers: { "Idempotency-Key": "unsure-1" } });
    resumedRequestId = ((await resumed.json()) as { requestId: string }).requestId;
    await dispatch();
    server = await startServer(t, { host: "127.0.0.1", port: 0 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.shutdown();
    for (const close of closing) await close();
  });

  it("lists endpoints and deliveries with their attempts, replays a failed one, and resends an uncertain text once", async () => {
    const context = await browser.newContext({ timezoneId: "UTC", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${server.url}/ops/sign-in`);
    await page.getByLabel("Username", { exact: true }).fill(t.demo.credentials.ops.username);
    await page.getByLabel("Password", { exact: true }).fill(t.demo.credentials.ops.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/ops");

    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.waitForURL("**/ops/webhooks");
    await expect(page.locator("main").textContent()).resolves.toContain("Sunrise DMS");
    await screenshot(page, "webhook-endpoints");

    await page.getByRole("link", { name: "Failed deliveries" }).click();
    await page.waitForURL("**/ops/webhooks/deliveries?status=failed");
    const failed = page.locator("table tbody tr");
    await expect(failed.count()).resolves.toBe(1);
    await expect(failed.first().textContent()).resolves.toContain("HTTP 500");
    await expect(failed.first().textContent()).resolves.toContain("database is down");
    await screenshot(page, "webhook-deliveries");
    await failed
      .first()
      .getByRole("button", { name: /^Replay/ })
      .click();
    await page.waitForURL(/notice=/);
    await expect(page.getByRole("status").textContent()).resolves.toMatch(
      /^Delivery dlv_\w+ queued again\.$/,
    );
    await dispatch();
    await page.reload();
    await expect(page.locator("table tbody").textContent()).resolves.toContain("Nothing matches.");
    const audited = await t.store.sql.get<{ username: string; http_status: number }>(
      "select username, http_status from audit_log where operation = 'ops.webhooks.replay'",
    );
    expect(audited).toEqual({ username: "ops", http_status: 303 });

    // The resumed call: its events and their deliveries, on its own page.
    await page.goto(`${server.url}/ops/calls/${resumedRequestId}`);
    const events = page.locator("table:has(#events-caption) tbody tr");
    await expect(events.count()).resolves.toBe(3);
    await expect(events.allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining("message.uncertain")]),
    );
    await screenshot(page, "call-events");

    await page.goto(`${server.url}/ops/outbox?status=UNCERTAIN`);
    const uncertain = page.locator("table tbody tr");
    await expect(uncertain.count()).resolves.toBe(2);
    await screenshot(page, "outbox-uncertain");
    const before = provider.sent.length;
    await uncertain
      .filter({ hasText: "text" })
      .getByRole("button", { name: /^Send again/ })
      .click();
    await page.waitForURL(/\/ops\/calls\/[0-9a-f-]{36}$/);
    await expect(page.locator("main").textContent()).resolves.toContain("ops.resend");
    expect(provider.sent.length).toBe(before + 1);
    // A second click on the same message replays the resend: no second text.
    await page.goBack();
    await page.reload();
    await page
      .locator("table tbody tr")
      .filter({ hasText: "text" })
      .getByRole("button", { name: /^Send again/ })
      .click();
    await page.waitForURL(/\/ops\/calls\/[0-9a-f-]{36}$/);
    expect(provider.sent.length).toBe(before + 1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
