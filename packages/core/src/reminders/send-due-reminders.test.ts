import { spawnSync } from "node:child_process";
import type { SendPaymentRequestResponse } from "@payreq/contracts";
import { describe, expect, it } from "vitest";
import { allRows, auditRow, outboxOf, paymentRequestRow, sunriseBody } from "../../test/helpers.ts";
import { openTestStore, openTestStorePair, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { DEMO_IDS } from "../demo/seed-demo.ts";
import { recordInvoicePayment, voidInvoice } from "../invoices/record-payment.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { Store } from "../ports/store.ts";
import { sendPaymentRequest } from "../send/send-payment-request.ts";
import { createTestCore, TEST_PAYMENT_URLS, testMeta } from "../testing.ts";
import { listReminders } from "./reminder-rows.ts";
import { sendDueReminders } from "./send-due-reminders.ts";

const HOUR = 3_600_000;
const START = Date.parse("2026-12-02T12:00:00.000Z");

/** A clock the test moves by hand. */
const manualClock = () => {
  let now = START;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

/** A notifier that keeps every message it was handed. */
const recordingNotifier = () => {
  const texts: { to: string; body: string }[] = [];
  const emails: { to: string; subject: string; text: string }[] = [];
  const notifier: Notifier = {
    sendText: async (message) => {
      texts.push(message);
      return { provider: "test", providerRef: `t${texts.length}` };
    },
    sendEmail: async (message) => {
      emails.push(message);
      return { provider: "test", providerRef: `e${emails.length}` };
    },
    providers: { text: "test", email: "test" },
  };
  return { notifier, texts, emails };
};

const setupOn = async (kind: TestStoreKind, store?: Store) => {
  const clock = manualClock();
  const sent = recordingNotifier();
  const t = await createTestCore({
    store: store ?? (await openTestStore(kind)),
    clock,
    notifier: sent.notifier,
  });
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const send = async (overrides: Record<string, unknown> = {}) => {
    const result = await sendPaymentRequest(
      t.deps,
      sender,
      DEMO_IDS.departments.sunrise,
      sunriseBody(overrides),
      testMeta(),
    );
    expect(result.status).toBe(200);
    return result.body as SendPaymentRequestResponse;
  };
  const runDue = () => sendDueReminders({ ...t.deps, ids: t.ids }, { transport: "scheduler" });
  const inHours = (hours: number) => new Date(clock.now() + hours * HOUR).toISOString();
  return { ...t, clock, sent, send, runDue, inHours };
};

const remindersOf = (store: Store, invoiceUuid: string) => listReminders(store.sql, { invoiceUuid });

describe.each(TEST_STORES)("reminders on %s", (kind) => {
  it("sends a due reminder once, on the request's channels with its link, audited as reminders.send", async () => {
    const t = await setupOn(kind);
    const first = await t.send({ reminderDate: t.inHours(48) });
    expect(t.sent.texts).toHaveLength(1);
    expect(await t.runDue()).toEqual({ sent: 0, skipped: 0, uncertain: 0, released: 0 });

    t.clock.advance(47 * HOUR);
    expect((await t.runDue()).sent).toBe(0);
    t.clock.advance(HOUR);
    expect(await t.runDue()).toEqual({ sent: 1, skipped: 0, uncertain: 0, released: 0 });
    expect(await t.runDue()).toEqual({ sent: 0, skipped: 0, uncertain: 0, released: 0 });

    expect(t.sent.texts).toHaveLength(2);
    const reminder = t.sent.texts[1];
    expect(reminder?.body).toContain("reminder");
    expect(reminder?.body).toContain(first.paymentUrl);
    expect(t.sent.emails[1]?.subject).toMatch(/^Reminder from Sunrise Motors/);
    expect(t.sent.emails[1]?.text).toContain(first.paymentUrl);

    const [row] = await remindersOf(t.store, first.invoiceUuid);
    expect(row).toMatchObject({ status: "SENT", textResult: "SUCCESS", emailResult: "SUCCESS", attempts: 1 });
    const outbox = await outboxOf(t.store, first.paymentRequestUuid);
    expect(outbox.map((m) => `${m.purpose} ${m.channel}`).sort()).toEqual([
      "reminder email",
      "reminder text",
      "request email",
      "request text",
    ]);
    const audits = (await allRows(t.store, "audit_log", "seq")).filter(
      (r) => r.operation === "reminders.send",
    );
    expect(audits).toHaveLength(1);
    const audit = await auditRow(t.store, String(audits[0]?.request_id));
    expect(audit).toMatchObject({
      transport: "scheduler",
      outcome: "SUCCESS",
      invoiceUuid: first.invoiceUuid,
      paymentRequestUuid: first.paymentRequestUuid,
      orderNumber: expect.any(String),
      textSent: "SUCCESS",
      emailSent: "SUCCESS",
    });
    // The link was kept only while the reminder was pending.
    const stored = await t.store.sql.get<{ url: string | null }>(
      `select payment_url as url from reminders where invoice_uuid = ?`,
      [first.invoiceUuid],
    );
    expect(stored?.url).toBeNull();
  });

  it("keeps the link working until the reminder and a whole lifetime after it", async () => {
    const t = await setupOn(kind);
    const sent = await t.send({ reminderDate: t.inHours(24 * 30) });
    const request = await paymentRequestRow(t.store, sent.paymentRequestUuid);
    expect(request?.expiresAt).toBe(START + 24 * 30 * HOUR + TEST_PAYMENT_URLS.ttlMs);
  });

  it("schedules nothing for a reminderDate already past, and nothing twice for one date", async () => {
    const t = await setupOn(kind);
    const past = await t.send({ reminderDate: "2025-03-28T11:34:46.520Z" });
    expect(await remindersOf(t.store, past.invoiceUuid)).toEqual([]);

    const date = t.inHours(2);
    const first = await t.send({ reminderDate: date });
    t.clock.advance(3 * HOUR);
    expect((await t.runDue()).sent).toBe(1);
    // The same invoice, the same date again: that reminder was sent; there is no second one.
    await t.send({ orderNumber: (await orderNumberOf(t.store, first.orderUuid)) ?? "", reminderDate: date });
    expect((await t.runDue()).sent).toBe(0);
    expect((await remindersOf(t.store, first.invoiceUuid)).map((r) => r.status)).toEqual(["SENT"]);
  });

  it("follows the invoice's latest payment request, and a new reminderDate supersedes the pending one", async () => {
    const t = await setupOn(kind);
    const first = await t.send({ reminderDate: t.inHours(10), sendAsEmail: false });
    const orderNumber = (await orderNumberOf(t.store, first.orderUuid)) ?? "";
    const second = await t.send({ orderNumber, sendAsText: false, sendAsEmail: true });
    let [pending] = await remindersOf(t.store, first.invoiceUuid);
    expect(pending).toMatchObject({ status: "PENDING", paymentRequestUuid: second.paymentRequestUuid });

    const third = await t.send({ orderNumber, reminderDate: t.inHours(20) });
    const rows = await remindersOf(t.store, first.invoiceUuid);
    expect(rows.map((r) => r.status)).toEqual(["PENDING", "SUPERSEDED"]);
    [pending] = rows;
    expect(pending?.paymentRequestUuid).toBe(third.paymentRequestUuid);

    t.clock.advance(21 * HOUR);
    expect((await t.runDue()).sent).toBe(1);
    expect(t.sent.texts.at(-1)?.body).toContain(third.paymentUrl);
  });

  it("does not send the reminder of an invoice paid or cancelled before it is due", async () => {
    const t = await setupOn(kind);
    const paid = await t.send({ reminderDate: t.inHours(5) });
    const voided = await t.send({ reminderDate: t.inHours(5) });
    const late = await t.send({ reminderDate: t.inHours(5) });
    const department = DEMO_IDS.departments.sunrise;
    await recordInvoicePayment(t.store, t, {
      departmentUuid: department,
      invoiceUuid: paid.invoiceUuid,
      change: { paidDate: new Date(t.clock.now()).toISOString() },
    });
    await voidInvoice(t.store, t, { departmentUuid: department, invoiceUuid: voided.invoiceUuid });
    expect((await remindersOf(t.store, paid.invoiceUuid))[0]).toMatchObject({
      status: "SKIPPED",
      reason: "the invoice was paid",
    });
    expect((await remindersOf(t.store, voided.invoiceUuid))[0]?.reason).toBe("the invoice was cancelled");

    t.clock.advance(6 * HOUR);
    // Paid after it was claimed but before it went out (as another process might): skipped too.
    await t.store.transaction((tx) =>
      tx.run("update invoices set status = 'PAID' where uuid = ?", [late.invoiceUuid]),
    );
    expect(await t.runDue()).toEqual({ sent: 0, skipped: 1, uncertain: 0, released: 0 });
    expect(t.sent.texts).toHaveLength(3);
  });

  it("sends no text to a customer who did not opt in to texts, and emails them", async () => {
    const t = await setupOn(kind);
    const quiet = await t.send({
      customerUuid: DEMO_IDS.customers.sunriseNoOptIn,
      reminderDate: t.inHours(1),
    });
    t.clock.advance(HOUR);
    expect((await t.runDue()).sent).toBe(1);
    expect(t.sent.texts).toHaveLength(0);
    expect(t.sent.emails).toHaveLength(2);
    expect((await remindersOf(t.store, quiet.invoiceUuid))[0]).toMatchObject({
      textResult: "FAILURE",
      emailResult: "SUCCESS",
    });
    const outbox = await outboxOf(t.store, quiet.paymentRequestUuid);
    expect(outbox.filter((m) => m.purpose === "reminder").map((m) => m.channel)).toEqual(["email"]);
  });

  it("takes back a claim whose process died before sending, and never repeats one that died while sending", async () => {
    const t = await setupOn(kind);
    const claimed = await t.send({ reminderDate: t.inHours(1) });
    const sending = await t.send({ reminderDate: t.inHours(1) });
    t.clock.advance(HOUR);
    const dead = deadOwner(kind);
    for (const [response, status] of [
      [claimed, "CLAIMED"],
      [sending, "SENDING"],
    ] as const) {
      await t.store.transaction((tx) =>
        tx.run(
          "update reminders set status = ?, owner_id = ?, claimed_at = ?, attempts = 1 where invoice_uuid = ?",
          [status, dead, t.clock.now(), response.invoiceUuid],
        ),
      );
    }
    expect(await t.runDue()).toEqual({ sent: 1, skipped: 0, uncertain: 1, released: 1 });
    expect(t.sent.texts.filter((m) => m.body.includes(claimed.paymentUrl))).toHaveLength(2);
    expect(t.sent.texts.filter((m) => m.body.includes(sending.paymentUrl))).toHaveLength(1);
    expect((await remindersOf(t.store, claimed.invoiceUuid))[0]).toMatchObject({
      status: "SENT",
      attempts: 2,
    });
    expect((await remindersOf(t.store, sending.invoiceUuid))[0]?.status).toBe("UNCERTAIN");
    const uncertain = (await allRows(t.store, "audit_log", "seq")).filter(
      (r) => r.operation === "reminders.send" && r.invoice_uuid === sending.invoiceUuid,
    );
    expect(uncertain).toHaveLength(1);
    expect(JSON.parse(String(uncertain[0]?.warning_codes))).toEqual([159008]);
    expect(await t.runDue()).toEqual({ sent: 0, skipped: 0, uncertain: 0, released: 0 });
  });
});

/**
 * Two instances on one PostgreSQL database, in this process. (Two SQLite connections in one thread would wait on
 * each other's lock synchronously; two `payreq` processes race on one SQLite file in apps/server's tests.)
 */
describe("reminders on two instances", () => {
  it("sends each due reminder once when two instances run at the same moment", async () => {
    const [a, b] = await openTestStorePair("postgres");
    const t = await setupOn("postgres", a);
    for (let i = 0; i < 12; i++) await t.send({ reminderDate: t.inHours(1) });
    t.clock.advance(HOUR);
    const other = recordingNotifier();
    const second = { ...t.deps, store: b, notifier: other.notifier, ids: t.ids };
    const [one, two] = await Promise.all([t.runDue(), sendDueReminders(second, { transport: "scheduler" })]);
    expect(one.sent + two.sent).toBe(12);
    expect(t.sent.texts.length - 12 + other.texts.length).toBe(12);
    const bodies = [...t.sent.texts.slice(12), ...other.texts].map((m) => m.body);
    expect(new Set(bodies).size).toBe(12);
  });
});

const orderNumberOf = async (store: Store, orderUuid: string) =>
  (
    await store.sql.get<{ n: string }>("select order_number as n from dealer_orders where uuid = ?", [
      orderUuid,
    ])
  )?.n;

/** An owner id no process holds: a process id that has exited (SQLite), a lock number nobody took (PostgreSQL). */
const deadOwner = (kind: TestStoreKind) => {
  if (kind === "postgres") return 2 ** 31 - 7;
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
};
