import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";

type Sent = { paymentUrl: string; invoiceUuid: string; orderUuid: string; invoiceCreated: boolean };
type Envelope = { errors: { errorCode: number; errorDescription: string }[] };
type InvoiceAnswer = Envelope & {
  invoice: { invoiceStatus: string; paidDate?: string; paidAmount?: number; refundedAmount?: number };
};

const tokenOf = (paymentUrl: string) => paymentUrl.split("/").at(-1) ?? "";

const setup = async (kind: (typeof TEST_STORES)[number]) => {
  let now = Date.parse("2026-12-02T12:00:00.000Z");
  const t = await createTestApp({ store: kind, clock: { now: () => now } });
  const { aggregator } = t.demo.credentials;
  const platform = basic(aggregator.username, aggregator.password);
  const invoicePath = (invoiceUuid: string, action: "payment" | "void", department = t.dept) =>
    `/payment/v4/departments/${department}/invoices/${invoiceUuid}/${action}`;
  const pay = async (invoiceUuid: string, body: unknown, auth = platform) => {
    const res = await t.app.request(invoicePath(invoiceUuid, "payment"), {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as InvoiceAnswer };
  };
  const cancel = async (invoiceUuid: string) => {
    const res = await t.app.request(invoicePath(invoiceUuid, "void"), {
      method: "POST",
      headers: { Authorization: platform },
    });
    return { status: res.status, body: (await res.json()) as InvoiceAnswer };
  };
  const send = async (overrides: Record<string, unknown> = {}) =>
    (await (await t.post(t.body(overrides))).json()) as Sent;
  const iso = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  return { ...t, pay, cancel, send, iso, platform, advance: (ms: number) => (now += ms) };
};

const codes = (answer: { body: Envelope }) => answer.body.errors.map((e) => e.errorCode);

describe.each(TEST_STORES)("recording payments on %s", (kind) => {
  it("marks the invoice paid: the page says so, a repeat answers the same, and the order's next request opens a new invoice", async () => {
    const t = await setup(kind);
    const first = await t.send({ amount: 125.5 });
    const paidDate = t.iso(-60_000);
    const paid = await t.pay(first.invoiceUuid, { paidDate });
    expect(paid.status).toBe(200);
    expect(paid.body.invoice).toMatchObject({ invoiceStatus: "PAID", paidDate, paidAmount: 125.5 });
    expect((await t.pay(first.invoiceUuid, { paidDate, amount: 125.5 })).status).toBe(200);

    const page = await (await t.app.request(`/pay/${tokenOf(first.paymentUrl)}`)).text();
    expect(page).toContain("has been paid");
    expect(page).not.toContain("Amount due");

    const orderNumber = (
      await t.store.sql.get<{ n: string }>("select order_number as n from dealer_orders where uuid = ?", [
        first.orderUuid,
      ])
    )?.n;
    const next = await t.send({ orderNumber, amount: 40 });
    expect(next.orderUuid).toBe(first.orderUuid);
    expect(next.invoiceCreated).toBe(true);
    expect(next.invoiceUuid).not.toBe(first.invoiceUuid);

    const audited = (await t.auditRows()).filter((row) => row.operation === "v4.invoices.payment");
    expect(audited.map((row) => row.http_status)).toEqual([200, 200]);
  });

  it("records refunds as the total refunded, never above the amount paid, never going down", async () => {
    const t = await setup(kind);
    const sent = await t.send({ amount: 100 });
    expect(codes(await t.pay(sent.invoiceUuid, { refundedAmount: 10 }))).toEqual([109029]);
    await t.pay(sent.invoiceUuid, { paidDate: t.iso(), amount: 80 });
    const refund = await t.pay(sent.invoiceUuid, { refundedAmount: 30 });
    expect(refund.body.invoice).toMatchObject({ invoiceStatus: "PAID", paidAmount: 80, refundedAmount: 30 });
    const tooMuch = await t.pay(sent.invoiceUuid, { refundedAmount: 80.01 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.errors[0]?.errorDescription).toContain("above the amount paid ($80.00)");
    expect((await t.pay(sent.invoiceUuid, { refundedAmount: 20 })).status).toBe(400);
    const negative = await t.pay(sent.invoiceUuid, { refundedAmount: -5 });
    expect([negative.status, codes(negative)]).toEqual([400, [100006]]);
    expect((await t.pay(sent.invoiceUuid, { refundedAmount: 80 })).body.invoice.refundedAmount).toBe(80);
    const page = await (await t.app.request(`/pay/${tokenOf(sent.paymentUrl)}`)).text();
    expect(page).toContain("Refunded: $80.00");
  });

  it("refuses what cannot be a payment, each with its catalog code", async () => {
    const t = await setup(kind);
    const sent = await t.send({ amount: 100 });
    const future = await t.pay(sent.invoiceUuid, { paidDate: t.iso(3_600_000) });
    expect([future.status, codes(future)]).toEqual([400, [100006]]);
    expect(future.body.errors[0]?.errorDescription).toContain("in the future");
    expect(codes(await t.pay(sent.invoiceUuid, { paidDate: t.iso(), amount: 100.01 }))).toEqual([100006]);
    expect(codes(await t.pay(sent.invoiceUuid, {}))).toEqual([100006]);
    expect(codes(await t.pay(sent.invoiceUuid, { paidDate: "yesterday" }))).toEqual([100006]);
    expect(codes(await t.pay(sent.invoiceUuid, { paidDate: t.iso(), tip: 5 }))).toEqual([100006]);
    expect(codes(await t.pay("01a20bfd-f99f-7313-a51d-000000000000", { paidDate: t.iso() }))).toEqual([
      109016,
    ]);

    await t.pay(sent.invoiceUuid, { paidDate: t.iso(-1000) });
    const again = await t.pay(sent.invoiceUuid, { paidDate: t.iso() });
    expect([again.status, codes(again)]).toEqual([409, [109028]]);
    expect(codes(await t.cancel(sent.invoiceUuid))).toEqual([109028]);

    const other = await t.send({ amount: 50 });
    const voided = await t.cancel(other.invoiceUuid);
    expect([voided.status, voided.body.invoice.invoiceStatus]).toEqual([200, "VOID"]);
    expect((await t.cancel(other.invoiceUuid)).status).toBe(200);
    const paidCancelled = await t.pay(other.invoiceUuid, { paidDate: t.iso() });
    expect([paidCancelled.status, codes(paidCancelled)]).toEqual([409, [109027]]);
    expect(await (await t.app.request(`/pay/${tokenOf(other.paymentUrl)}`)).text()).toContain(
      "has been cancelled",
    );
  });

  it("needs payment.invoice.write for the invoice's department", async () => {
    const t = await setup(kind);
    const sent = await t.send();
    expect(codes(await t.pay(sent.invoiceUuid, { paidDate: t.iso() }, t.sender))).toEqual([100014]);
    expect(codes(await t.pay(sent.invoiceUuid, { paidDate: t.iso() }, basic("aggregator", "wrong")))).toEqual(
      [100003],
    );
    const get = await t.app.request(`/payment/v4/departments/${t.dept}/invoices/${sent.invoiceUuid}`, {
      headers: { Authorization: t.platform },
    });
    expect(((await get.json()) as InvoiceAnswer).invoice.invoiceStatus).toBe("OPEN");
  });
});
