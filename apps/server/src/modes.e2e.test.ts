import { ERRORS, WARNINGS } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { basic } from "../test/harness.ts";
import { createModeHarness, type Mode } from "../test/two-modes.ts";

type Body = { errors: { errorCode: number }[]; warnings: { warningCode: number }[]; [key: string]: unknown };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const harness = async (mode: Mode) => {
  const h = await createModeHarness(mode);
  closers.push(h.close);
  return h;
};

describe.each(["embedded", "upstream"] as const)("the published endpoint, %s mode", (mode) => {
  it("creates the order, the invoice and the payment request and delivers both channels", async () => {
    const h = await harness(mode);
    const res = await h.post(h.body());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body).toMatchObject({
      errors: [],
      warnings: [],
      textSent: "SUCCESS",
      emailSent: "SUCCESS",
      orderCreated: true,
      invoiceCreated: true,
    });
    expect(String(body.paymentUrl)).toMatch(/\/[A-Za-z0-9_-]{64}$/);
    expect(Object.keys(body).sort()).toEqual(
      [
        "emailSent",
        "errors",
        "invoiceCreated",
        "invoiceUuid",
        "orderCreated",
        "orderUuid",
        "paymentRequestUuid",
        "paymentUrl",
        "requestId",
        "textSent",
        "warnings",
      ].sort(),
    );
    expect(
      await h.count(
        "select count(*) as n from payment_requests where uuid = ?",
        String(body.paymentRequestUuid),
      ),
    ).toBe(1);
  });

  it("reuses the order and its open invoice, and warns when the amount changes", async () => {
    const h = await harness(mode);
    const first = h.body({ amount: 100 });
    const a = (await (await h.post(first)).json()) as Body;
    const b = (await (await h.post({ ...first, amount: 90 })).json()) as Body;
    expect(b).toMatchObject({
      orderUuid: a.orderUuid,
      invoiceUuid: a.invoiceUuid,
      orderCreated: false,
      invoiceCreated: false,
    });
    expect(b.paymentRequestUuid).not.toBe(a.paymentRequestUuid);
    expect(b.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.OPEN_INVOICE_AMOUNT_UPDATED.code]);
  });

  it("refuses an unknown customer and another department's order with the same codes", async () => {
    const h = await harness(mode);
    const unknown = await h.post(h.body({ customerUuid: "nobody" }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Body).errors[0]?.errorCode).toBe(ERRORS.CUSTOMER_NOT_FOUND.code);
    const foreign = await h.post({ amount: 1, orderUuid: "not-an-order-here" });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as Body).errors[0]?.errorCode).toBe(ERRORS.ORDER_NOT_FOUND.code);
    expect(await h.count("select count(*) as n from dealer_orders")).toBe(0);
  });

  it("reports a customer who has not opted in to texts", async () => {
    const h = await harness(mode);
    const body = (await (
      await h.post(h.body({ customerUuid: h.core.demo.ids.customers.sunriseNoOptIn }))
    ).json()) as Body;
    expect(body).toMatchObject({ textSent: "FAILURE", emailSent: "SUCCESS" });
    expect(body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.TEXT_NOT_OPTED_IN.code]);
  });

  it("answers 404 for an unknown department", async () => {
    const h = await harness(mode);
    await h.core.credentials.add("everywhere", "everywhere-password");
    await h.core.credentials.grant("everywhere", "payment.send.payment.request", "*");
    const res = await h.post(h.body(), {}, "no-such-department", basic("everywhere", "everywhere-password"));
    expect(res.status).toBe(404);
    expect(((await res.json()) as Body).errors[0]?.errorCode).toBe(ERRORS.INVALID_DEPARTMENT_TOKEN.code);
  });

  it("replays an Idempotency-Key retry without a second payment request or message", async () => {
    const h = await harness(mode);
    const body = h.body();
    const first = await h.post(body, { "Idempotency-Key": "mode-key-1" });
    const again = await h.post(body, { "Idempotency-Key": "mode-key-1" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await h.count("select count(*) as n from payment_requests")).toBe(1);
    expect(await h.count("select count(*) as n from outbox")).toBe(2);
  });

  it("refuses a malformed body before any step", async () => {
    const h = await harness(mode);
    const res = await h.post(h.body({ amount: 10.005 }));
    expect(res.status).toBe(400);
    expect(await h.count("select count(*) as n from dealer_orders")).toBe(0);
  });
});
