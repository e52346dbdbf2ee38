import { ERRORS, type WebhookEndpointWithSecret } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { sunriseBody } from "../../test/helpers.ts";
import { openTestStore, openTestStorePair, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/webhook-receiver.ts";
import { findPaymentPage } from "../invoices/find-payment-page.ts";
import { recordPageView } from "../invoices/payment-page-views.ts";
import { recordInvoicePayment, voidInvoice } from "../invoices/record-payment.ts";
import { expireLinks } from "../platform/embedded/link-expiry.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { Store } from "../ports/store.ts";
import { sendDueReminders } from "../reminders/send-due-reminders.ts";
import { sendPaymentRequest } from "../send/send-payment-request.ts";
import { createTestCore, interruptWhileDelivering, testMeta } from "../testing.ts";
import { createWebhookDispatcher } from "./dispatcher.ts";
import { createHttpWebhookSender } from "./http/http-webhook-sender.ts";
import type { ManageResult } from "./manage-endpoints.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Real time plus what the test has skipped: receivers check webhook-timestamp against their own clock. */
const skippingClock = () => {
  let skipped = 0;
  return { now: () => Date.now() + skipped, skip: (ms: number) => (skipped += ms) };
};

/** The answer of a management call that must succeed. */
const ok = <T>(result: ManageResult<T>) => {
  if (!result.ok) throw new Error(JSON.stringify(result.body));
  return result.body;
};

type Send = {
  status: number;
  body: Record<string, unknown> & { paymentUrl: string; paymentRequestUuid: string };
};

const setupOn = async (
  kind: TestStoreKind,
  options: { notifier?: Notifier; timeoutMs?: number; store?: Store; receiver?: WebhookReceiver } = {},
) => {
  const clock = skippingClock();
  const webhookSender = createHttpWebhookSender({ allowPrivate: true });
  cleanups.push(() => webhookSender.close());
  const t = await createTestCore({
    store: options.store ?? (await openTestStore(kind)),
    clock,
    webhookSender,
    ...(options.notifier ? { notifier: options.notifier } : {}),
  });
  const receiver = options.receiver ?? (await startWebhookReceiver());
  if (!options.receiver) cleanups.push(() => receiver.close());
  const dispatcher = createWebhookDispatcher(
    { ...t.deps, sender: webhookSender },
    { scheduleMs: [1000, 2000, 3000], timeoutMs: options.timeoutMs ?? 2000, concurrency: 8, perEndpoint: 3 },
  );
  const integrator = await t.principalOf(t.demo.credentials.sunriseIntegrator);
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const department = t.demo.ids.departments.sunrise;
  const manage = { principal: integrator, departmentUuid: department, requestId: "req-manage" };
  const register = async (body: Record<string, unknown> = {}): Promise<WebhookEndpointWithSecret> => {
    const { endpoint } = ok(await t.webhooks.create(manage, { url: receiver.url, ...body }));
    receiver.useSecret(endpoint.secret);
    return endpoint;
  };
  /** Turns of the dispatcher until nothing is due: every attempt it started is recorded. */
  const dispatch = async () => {
    for (;;) {
      const turn = await dispatcher.runOnce();
      await dispatcher.idle();
      if (turn.fannedOut + turn.claimed === 0) return;
    }
  };
  const send = async (overrides: Record<string, unknown> = {}, key?: string) =>
    (await sendPaymentRequest(
      t.deps,
      sender,
      department,
      sunriseBody(overrides),
      testMeta(key ? { idempotencyKey: key } : {}),
    )) as Send;
  const events = () =>
    t.store.sql.all<{ id: string; type: string; body: string }>(
      "select id, type, body from webhook_events order by created_at, id",
    );
  return { ...t, clock, receiver, dispatcher, register, dispatch, send, events, manage, department };
};

describe.each(TEST_STORES)("webhooks on %s", (kind) => {
  it("delivers what a call raised, signed per Standard Webhooks: payment_request.created and a message each", async () => {
    const t = await setupOn(kind);
    const endpoint = await t.register();
    const sent = await t.send();
    expect(sent.status).toBe(200);
    await t.dispatch();
    // A few attempts per endpoint run at once: the order of arrival is not the order of the events.
    expect(t.receiver.received.map((r) => r.verified?.type).sort()).toEqual([
      "message.sent",
      "message.sent",
      "payment_request.created",
    ]);
    const created = t.receiver.received.find((r) => r.verified?.type === "payment_request.created");
    const messages = t.receiver.received.filter((r) => r.verified?.type === "message.sent");
    expect(created?.verified?.data).toMatchObject({
      paymentRequestUuid: sent.body.paymentRequestUuid,
      orderUuid: sent.body.orderUuid,
      invoiceUuid: sent.body.invoiceUuid,
      amount: 125.5,
      textSent: "SUCCESS",
      emailSent: "SUCCESS",
      orderCreated: true,
      invoiceCreated: true,
    });
    expect(messages.map((m) => m.verified?.data.channel).sort()).toEqual(["email", "text"]);
    const body = JSON.parse(created?.body ?? "{}");
    expect(body).toMatchObject({
      id: created?.headers["webhook-id"],
      type: "payment_request.created",
      dealerUuid: t.demo.ids.dealers.sunrise,
      departmentUuid: t.department,
    });
    expect(created?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    // Nothing of a contact detail, a payment link or a secret in any event.
    for (const { body: raw } of t.receiver.received) {
      expect(raw).not.toContain("jane.sunrise@example.com");
      expect(raw).not.toContain("3125550101");
      expect(raw).not.toContain(sent.body.paymentUrl.split("/").at(-1));
      expect(raw).not.toContain(endpoint.secret.slice(6));
    }
    const { deliveries } = ok(await t.webhooks.deliveries(t.manage, endpoint.id, {}));
    expect(deliveries.map((d) => d.status)).toEqual(["delivered", "delivered", "delivered"]);
    expect(deliveries[0]?.attempts).toMatchObject([{ attempt: 1, statusCode: 200 }]);
  });

  it("raises every event type by the action that causes it", async () => {
    const texts: string[] = [];
    const failing: Notifier = {
      sendText: async (message) => {
        texts.push(message.body);
        throw new Error("carrier refused the number");
      },
      sendEmail: async () => ({ provider: "smtp", providerRef: "m-1" }),
      providers: { text: "sms", email: "smtp" },
    };
    const t = await setupOn(kind, { notifier: failing });
    await t.register();
    const first = await t.send({ reminderDate: new Date(t.clock.now() + 2000).toISOString() });
    // message.failed (the carrier refused) and message.sent (the email).
    const page = await findPaymentPage(t.store.sql, first.body.paymentUrl.split("/").at(-1) ?? "");
    if (!page) throw new Error("no page");
    expect(await recordPageView(t.deps.run, page)).toBe(true);
    expect(await recordPageView(t.deps.run, page)).toBe(false);
    t.clock.skip(2000);
    expect((await sendDueReminders(t.deps, { transport: "scheduler" })).sent).toBe(1);
    const invoiceUuid = first.body.invoiceUuid as string;
    await recordInvoicePayment(t.store, t, {
      departmentUuid: t.department,
      invoiceUuid,
      change: { paidDate: new Date(t.clock.now()).toISOString() },
    });
    await recordInvoicePayment(t.store, t, {
      departmentUuid: t.department,
      invoiceUuid,
      change: { refundedAmountCents: 1000 },
    });
    const second = await t.send({ sendAsText: false, sendAsEmail: false });
    await voidInvoice(t.store, t, {
      departmentUuid: t.department,
      invoiceUuid: second.body.invoiceUuid as string,
    });
    const third = await t.send({ sendAsText: false, sendAsEmail: false });
    // Delivered and verified before the clock jumps a week (receivers refuse a timestamp far from theirs).
    await t.dispatch();
    const delivered = t.receiver.received.map((r) => r.verified?.type);
    t.clock.skip(8 * 24 * 3_600_000);
    expect(await expireLinks(t.deps.run)).toBeGreaterThanOrEqual(1);
    const types = (await t.events()).map((e) => e.type);
    expect(types).toEqual([
      "payment_request.created",
      "message.failed",
      "message.sent",
      "payment_request.viewed",
      "reminder.sent",
      "message.failed",
      "message.sent",
      "invoice.paid",
      "invoice.refunded",
      "payment_request.created",
      "invoice.voided",
      "payment_request.created",
      "payment_request.expired",
    ]);
    const bodies = (await t.events()).map(
      (e) => JSON.parse(e.body) as { type: string; data: Record<string, unknown> },
    );
    expect(bodies.find((b) => b.type === "message.failed")?.data).toMatchObject({
      channel: "text",
      status: "failed",
      recipient: "*********01",
      provider: "sms",
      reason: "carrier refused the number",
    });
    expect(bodies.find((b) => b.type === "invoice.paid")?.data).toMatchObject({
      invoiceUuid,
      paidAmount: 125.5,
    });
    expect(bodies.find((b) => b.type === "invoice.refunded")?.data).toMatchObject({ refundedAmount: 10 });
    expect(bodies.find((b) => b.type === "payment_request.expired")?.data).toMatchObject({
      paymentRequestUuid: third.body.paymentRequestUuid,
    });
    expect(bodies.find((b) => b.type === "reminder.sent")?.data).toMatchObject({
      textSent: "FAILURE",
      emailSent: "SUCCESS",
    });
    // Only the third call's link expired while its invoice was open; the paid and voided ones raise nothing.
    expect(types.filter((type) => type === "payment_request.expired")).toHaveLength(1);
    expect(delivered.sort()).toEqual(types.slice(0, -1).sort());
  });

  it("raises message.uncertain for a resumed call that may already have sent, and delivers a resume of the outbox", async () => {
    let calls = 0;
    const provider: Notifier = {
      sendText: async () => ({ provider: "sms", providerRef: `SM${++calls}` }),
      sendEmail: async () => ({ provider: "smtp", providerRef: `m${++calls}` }),
      providers: { text: "sms", email: "smtp" },
    };
    const t = await setupOn(kind, { notifier: provider });
    await t.register();
    const body = sunriseBody();
    const principal = await t.principalOf(t.demo.credentials.sunriseSender);
    await interruptWhileDelivering(t, principal, t.department, body, "uncertain-1");
    const resumed = await sendPaymentRequest(
      t.deps,
      principal,
      t.department,
      body,
      testMeta({ idempotencyKey: "uncertain-1" }),
    );
    expect(resumed.status).toBe(200);
    expect(calls).toBe(0);
    expect((await t.events()).map((e) => e.type)).toEqual([
      "payment_request.created",
      "message.uncertain",
      "message.uncertain",
    ]);
    const outbox = await t.store.sql.all<{ status: string }>("select status from outbox");
    expect(outbox.map((o) => o.status)).toEqual(["UNCERTAIN", "UNCERTAIN"]);

    // The outbox alone: nothing can have left the process, so the same resume delivers.
    const quiet = await setupOn(kind);
    const principal2 = await quiet.principalOf(quiet.demo.credentials.sunriseSender);
    await interruptWhileDelivering(quiet, principal2, quiet.department, body, "outbox-1");
    const delivered = (await sendPaymentRequest(
      quiet.deps,
      principal2,
      quiet.department,
      body,
      testMeta({ idempotencyKey: "outbox-1" }),
    )) as Send;
    expect(delivered.body).toMatchObject({ textSent: "SUCCESS", emailSent: "SUCCESS", warnings: [] });
  });

  it("retries a failing receiver on the schedule, then delivers with the same webhook-id", async () => {
    const t = await setupOn(kind);
    await t.register({ events: ["payment_request.created"] });
    t.receiver.answerNext({ status: 500 }, { status: 503, headers: { "retry-after": "0" } });
    await t.send();
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(1);
    t.clock.skip(1200);
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(2);
    t.clock.skip(2300);
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(3);
    const ids = new Set(t.receiver.received.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    expect(t.receiver.received.every((r) => r.verified?.type === "payment_request.created")).toBe(true);
    // Each attempt is signed anew: its own timestamp.
    const stamps = t.receiver.received.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(stamps[2]).toBeGreaterThanOrEqual((stamps[0] ?? 0) + 3);
    const [delivery] = await t.store.sql.all<{ status: string; attempts: number }>(
      "select status, attempts from webhook_deliveries",
    );
    expect(delivery).toEqual({ status: "delivered", attempts: 3 });
  });

  it("fails a delivery after the last retry, and a replay sends it again with its webhook-id", async () => {
    const t = await setupOn(kind);
    const endpoint = await t.register({ events: ["payment_request.created"] });
    t.receiver.answerNext({ status: 500 }, { status: 302 }, { status: 500 }, { status: 500 });
    await t.send();
    for (const wait of [0, 1200, 2300, 3400]) {
      t.clock.skip(wait);
      await t.dispatch();
    }
    expect(t.receiver.received).toHaveLength(4);
    const failed = ok(await t.webhooks.deliveries(t.manage, endpoint.id, { status: "failed" }));
    expect(failed.deliveries).toHaveLength(1);
    const [delivery] = failed.deliveries;
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([500, 302, 500, 500]);
    const replay = await t.webhooks.replayDelivery(t.manage, endpoint.id, delivery?.id);
    expect(replay).toMatchObject({ status: 200, body: { replayed: [delivery?.id] } });
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(5);
    expect(t.receiver.received[4]?.headers["webhook-id"]).toBe(t.receiver.received[0]?.headers["webhook-id"]);
    expect(t.receiver.received[4]?.verified?.type).toBe("payment_request.created");
    const [row] = await t.store.sql.all<{ status: string }>("select status from webhook_deliveries");
    expect(row?.status).toBe("delivered");
  });

  it("disables an endpoint that answers 410, with an audit row", async () => {
    const t = await setupOn(kind);
    const endpoint = await t.register();
    t.receiver.answerNext({ status: 410 });
    await t.send({ sendAsText: false, sendAsEmail: false });
    await t.dispatch();
    const shown = await t.webhooks.show(t.manage, endpoint.id);
    expect(shown).toMatchObject({
      status: 200,
      body: { endpoint: { enabled: false, disabledReason: "the endpoint answered 410 Gone" } },
    });
    const audit = await t.store.sql.get<{ operation: string; transport: string }>(
      "select operation, transport from audit_log where operation = 'webhooks.endpoint-disabled'",
    );
    expect(audit).toEqual({ operation: "webhooks.endpoint-disabled", transport: "scheduler" });
    // Nothing more goes to it.
    await t.send({ sendAsText: false, sendAsEmail: false });
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(1);
  });

  it("sends nothing more to an endpoint once it answered 410: what waited is given back, pending, uncounted", async () => {
    const t = await setupOn(kind);
    const endpoint = await t.register({ events: ["payment_request.created"] });
    t.receiver.answerNext({ status: 410 }, { status: 200, delayMs: 300 }, { status: 200, delayMs: 300 });
    for (let i = 0; i < 5; i++) await t.send({ sendAsText: false, sendAsEmail: false });
    await t.dispatch();
    // Three at once (the per-endpoint limit): the 410, and two already under way.
    expect(t.receiver.received).toHaveLength(3);
    expect(ok(await t.webhooks.show(t.manage, endpoint.id)).endpoint.enabled).toBe(false);
    const rows = await t.store.sql.all<{ status: string; attempts: number }>(
      "select status, attempts from webhook_deliveries order by status",
    );
    expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual([
      ["delivered", 1],
      ["delivered", 1],
      ["failed", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
    const audits = await t.store.sql.get<{ n: number }>(
      "select count(*) as n from audit_log where operation = 'webhooks.endpoint-disabled'",
    );
    expect(Number(audits?.n)).toBe(1);
    // Enabled again, it gets what waited.
    ok(await t.webhooks.setEnabled(t.manage, endpoint.id, true));
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(5);
  });

  it("waits as long as a 429's Retry-After asks, even past the schedule's next step", async () => {
    const t = await setupOn(kind);
    await t.register({ events: ["payment_request.created"] });
    t.receiver.answerNext({ status: 429, headers: { "retry-after": "10" } });
    await t.send();
    await t.dispatch();
    t.clock.skip(1200);
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(1);
    t.clock.skip(9000);
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(2);
    const [delivery] = await t.store.sql.all<{ status: string }>("select status from webhook_deliveries");
    expect(delivery?.status).toBe("delivered");
  });

  it("disables an endpoint whose every attempt has failed for 5 days, with an audit row", async () => {
    const t = await setupOn(kind);
    const endpoint = await t.register({ events: ["payment_request.created"] });
    t.receiver.answerNext({ status: 500 }, { status: 500 });
    await t.send();
    await t.dispatch();
    t.clock.skip(5 * 24 * 3_600_000 - 60_000);
    await t.dispatch();
    expect(ok(await t.webhooks.show(t.manage, endpoint.id)).endpoint.enabled).toBe(true);
    t.receiver.answerNext({ status: 500 });
    t.clock.skip(120_000);
    await t.dispatch();
    expect(t.receiver.received).toHaveLength(3);
    expect(ok(await t.webhooks.show(t.manage, endpoint.id)).endpoint).toMatchObject({
      enabled: false,
      disabledReason: "every attempt failed for 5 days",
    });
    const audit = await t.store.sql.get<{ n: number }>(
      "select count(*) as n from audit_log where operation = 'webhooks.endpoint-disabled'",
    );
    expect(Number(audit?.n)).toBe(1);
  });

  it("times a slow receiver out and tries it again", async () => {
    const t = await setupOn(kind, { timeoutMs: 300 });
    const endpoint = await t.register({ events: ["payment_request.created"] });
    t.receiver.answerNext({ status: 200, delayMs: 1500 });
    await t.send();
    await t.dispatch();
    t.clock.skip(1200);
    await t.dispatch();
    const { deliveries } = ok(await t.webhooks.deliveries(t.manage, endpoint.id, {}));
    const attempts = deliveries[0]?.attempts ?? [];
    expect(attempts.map((a) => [a.statusCode, a.error])).toEqual([
      [null, "no answer within 300 ms"],
      [200, null],
    ]);
    expect(deliveries[0]?.status).toBe("delivered");
  });

  it("signs with both secrets for 24 hours after a rotation, then with the new one only", async () => {
    const t = await setupOn(kind);
    const endpoint = await t.register({ events: ["payment_request.created"] });
    const next = ok(await t.webhooks.rotateSecret(t.manage, endpoint.id)).endpoint.secret;
    expect(next).not.toBe(endpoint.secret);
    expect(next).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await t.send();
    await t.dispatch();
    const [both] = t.receiver.received;
    expect(both?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    // A receiver on the old secret, and one on the new, both verify it.
    expect(both?.verified?.type).toBe("payment_request.created");
    const { Webhook } = await import("standardwebhooks");
    expect(() => new Webhook(next).verify(both?.body ?? "", both?.headers ?? {})).not.toThrow();
    // A day later the old secret signs no more: a receiver still on it refuses the delivery.
    await t.store.transaction((tx) =>
      tx.run("update webhook_endpoints set previous_secret_expires_at = ? where id = ?", [
        t.clock.now() - 1,
        endpoint.id,
      ]),
    );
    await t.send();
    await t.dispatch();
    const later = t.receiver.received[1];
    expect(later?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(later?.verified).toBeUndefined();
    expect(() => new Webhook(next).verify(later?.body ?? "", later?.headers ?? {})).not.toThrow();
  });

  it("refuses destinations on loopback, private and metadata addresses, and names resolving to them", async () => {
    const t = await createTestCore({ store: await openTestStore(kind) });
    cleanups.push(() => t.webhookSender.close());
    const integrator = await t.principalOf(t.demo.credentials.sunriseIntegrator);
    const manage = { principal: integrator, departmentUuid: t.demo.ids.departments.sunrise, requestId: "r" };
    for (const url of [
      "https://127.0.0.1/hooks",
      "https://10.1.2.3/hooks",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hooks",
      "https://[::ffff:192.168.1.1]/hooks",
      "https://localhost/hooks",
      "http://dms.example.com/hooks",
    ]) {
      const result = await t.webhooks.create(manage, { url });
      expect(result.status, url).toBe(400);
      expect((result.body as { errors: { errorCode: number }[] }).errors[0]?.errorCode, url).toBe(
        ERRORS.WEBHOOK_DESTINATION_REFUSED.code,
      );
    }
    // And at delivery: an attempt to a private address never connects.
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    await expect(
      t.webhookSender.post({
        url: receiver.url.replace("http:", "https:"),
        headers: {},
        body: "{}",
        timeoutMs: 500,
      }),
    ).rejects.toThrow(/loopback/);
    await expect(
      t.webhookSender.post({
        url: `https://localhost:${receiver.port}/hooks`,
        headers: {},
        body: "{}",
        timeoutMs: 500,
      }),
    ).rejects.toThrow(/localhost resolves to a loopback address/);
    expect(receiver.received).toHaveLength(0);
  });

  it("scopes management to the department: a sender is refused, a dealer-wide endpoint needs every department", async () => {
    const t = await setupOn(kind);
    const sender = await t.principalOf(t.demo.credentials.sunriseSender);
    const refused = await t.webhooks.create({ ...t.manage, principal: sender }, { url: t.receiver.url });
    expect(refused.status).toBe(403);
    // The only department of its dealer: the integrator may register a dealer-wide endpoint...
    const dealerWide = await t.webhooks.create(t.manage, { url: t.receiver.url, dealerWide: true });
    expect(dealerWide).toMatchObject({ status: 201, body: { endpoint: { departmentUuid: null } } });
    // ...until the dealer has a department the integrator holds nothing for.
    await t.store.transaction((tx) =>
      tx.run(
        "insert into departments (uuid, dealer_uuid, name, created_at) values ('dep-parts', ?, 'Parts', 0)",
        [t.demo.ids.dealers.sunrise],
      ),
    );
    const second = await t.webhooks.create(t.manage, { url: t.receiver.url, dealerWide: true });
    expect(second.status).toBe(403);
    const wide = ok(dealerWide).endpoint;
    expect((await t.webhooks.setEnabled(t.manage, wide.id, false)).status).toBe(403);
    const endpoint = await t.register();
    const harbor = await t.webhooks.show(
      { ...t.manage, departmentUuid: t.demo.ids.departments.harbor },
      endpoint.id,
    );
    expect(harbor.status).toBe(403);
    const unknown = await t.webhooks.show(t.manage, "ep_0000");
    expect(unknown.status).toBe(404);
    const listed = ok(await t.webhooks.list(t.manage));
    expect(JSON.stringify(listed)).not.toContain("whsec_");
    expect(listed.endpoints.map((e) => e.id)).toContain(endpoint.id);
  });
});

describe("webhooks on two instances", () => {
  it("dispatches 200 events from two instances on one PostgreSQL, each delivered once", {
    timeout: 30_000,
  }, async () => {
    const [a, b] = await openTestStorePair("postgres");
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const one = await setupOn("postgres", { store: a, receiver });
    await one.register({ events: ["payment_request.created"] });
    for (let i = 0; i < 200; i++) await one.send({ sendAsText: false, sendAsEmail: false });
    const webhookSender = createHttpWebhookSender({ allowPrivate: true });
    cleanups.push(() => webhookSender.close());
    const run = (await import("../ports/store.ts")).programRunner(b, one.clock, one.ids);
    const other = createWebhookDispatcher(
      { ...one.deps, store: b, run, sender: webhookSender },
      { scheduleMs: [1000], timeoutMs: 2000, concurrency: 8, perEndpoint: 3 },
    );
    const drain = async (dispatcher: typeof other) => {
      for (;;) {
        const turn = await dispatcher.runOnce();
        await dispatcher.idle();
        if (turn.fannedOut + turn.claimed === 0) return;
      }
    };
    await Promise.all([drain(one.dispatcher), drain(other)]);
    expect(receiver.received).toHaveLength(200);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(200);
    expect(receiver.received.every((r) => r.verified?.type === "payment_request.created")).toBe(true);
  });
});
