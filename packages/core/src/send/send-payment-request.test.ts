import { ERRORS, WARNINGS } from "@payreq/contracts";
import { describe, expect, it } from "vitest";
import {
  allRows,
  auditRow,
  count,
  invoicesOf,
  markInvoice,
  ordersNumbered,
  outboxOf,
  paymentRequestRow,
  sunriseBody,
  tableNames,
} from "../../test/helpers.ts";
import { openTestStore, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { maskPaymentTokens } from "../domain/redact.ts";
import { readPaymentToken } from "../platform/embedded/payment-token.ts";
import type { Notifier } from "../ports/notifier.ts";
import { createTestCore, testMeta } from "../testing.ts";
import { sendPaymentRequest } from "./send-payment-request.ts";

const setupOn = async (kind: TestStoreKind, options: Parameters<typeof createTestCore>[0] = {}) => {
  const t = await createTestCore({ ...options, store: await openTestStore(kind) });
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const harborSender = await t.principalOf(t.demo.credentials.harborSender);
  const dept = t.demo.ids.departments.sunrise;
  const send = (body: unknown, meta = testMeta(), department: string = dept, principal = sender) =>
    sendPaymentRequest(t.deps, principal, department, body, meta);
  return { ...t, sender, harborSender, dept, send };
};

const ok = <T extends { status: number }>(result: T) => {
  expect(result.status).toBe(200);
  return result as T & { status: 200; body: import("@payreq/contracts").SendPaymentRequestResponse };
};

const errorCodes = (result: { body: unknown }) =>
  ((result.body as { errors: { errorCode: number }[] }).errors ?? []).map((e) => e.errorCode);

describe.each(TEST_STORES)("on %s", (kind) => {
  const setup = (options: Parameters<typeof setupOn>[1] = {}) => setupOn(kind, options);

  describe("step 1: the order", () => {
    it("creates an order for a new (orderType, orderNumber) and reuses it for the same number", async () => {
      const t = await setup();
      const body = sunriseBody();
      const first = ok(await t.send(body));
      expect(first.body.orderCreated).toBe(true);
      const second = ok(await t.send({ ...body, amount: body.amount }));
      expect(second.body.orderCreated).toBe(false);
      expect(second.body.orderUuid).toBe(first.body.orderUuid);
      expect(await ordersNumbered(t.store, body.orderNumber)).toHaveLength(1);
    });

    it("treats the same number with another orderType as another order", async () => {
      const t = await setup();
      const body = sunriseBody();
      const ro = ok(await t.send(body));
      const po = ok(await t.send({ ...body, orderType: "PO" }));
      expect(po.body.orderCreated).toBe(true);
      expect(po.body.orderUuid).not.toBe(ro.body.orderUuid);
    });

    it("uses the order named by orderUuid without orderNumber or customerUuid", async () => {
      const t = await setup();
      const first = ok(await t.send(sunriseBody()));
      const again = ok(await t.send({ amount: 125.5, orderUuid: first.body.orderUuid, sendAsEmail: true }));
      expect(again.body.orderUuid).toBe(first.body.orderUuid);
      expect(again.body.orderCreated).toBe(false);
      expect(again.body.emailSent).toBe("SUCCESS");
    });

    it("refuses an orderUuid of another department exactly like a random one, and writes nothing", async () => {
      const t = await setup();
      const harborOrder = ok(
        await t.send(
          sunriseBody({ customerUuid: t.demo.ids.customers.harborFull }),
          testMeta(),
          t.demo.ids.departments.harbor,
          t.harborSender,
        ),
      );
      const before = [
        await count(t.store, "dealer_orders"),
        await count(t.store, "invoices"),
        await count(t.store, "payment_requests"),
      ];
      const foreign = await t.send({ amount: 10, orderUuid: harborOrder.body.orderUuid });
      const random = await t.send({ amount: 10, orderUuid: "no-such-order" });
      expect(foreign.status).toBe(400);
      expect(foreign.body).toEqual(random.body);
      expect(errorCodes(foreign)).toEqual([ERRORS.ORDER_NOT_FOUND.code]);
      expect([
        await count(t.store, "dealer_orders"),
        await count(t.store, "invoices"),
        await count(t.store, "payment_requests"),
      ]).toEqual(before);
    });

    it("refuses orderNumber or orderType that differ from the order named by orderUuid", async () => {
      const t = await setup();
      const first = ok(await t.send(sunriseBody()));
      const wrongNumber = await t.send({
        amount: 1,
        orderUuid: first.body.orderUuid,
        orderNumber: "RO-other",
        orderType: "RO",
      });
      const wrongType = await t.send({ amount: 1, orderUuid: first.body.orderUuid, orderType: "PO" });
      expect(errorCodes(wrongNumber)).toEqual([ERRORS.ORDER_MISMATCH.code]);
      expect(errorCodes(wrongType)).toEqual([ERRORS.ORDER_MISMATCH.code]);
    });

    it("refuses a customer of another dealer like an unknown one", async () => {
      const t = await setup();
      const foreign = await t.send(sunriseBody({ customerUuid: t.demo.ids.customers.harborFull }));
      const random = await t.send(sunriseBody({ customerUuid: "nobody" }));
      expect(foreign.status).toBe(400);
      expect(errorCodes(foreign)).toEqual([ERRORS.CUSTOMER_NOT_FOUND.code]);
      expect(foreign.body).toEqual(random.body);
      expect(await count(t.store, "dealer_orders")).toBe(0);
    });

    it("refuses a customerUuid that is not the existing order's customer", async () => {
      const t = await setup();
      const body = sunriseBody();
      const first = ok(await t.send(body));
      const other = await t.send({ ...body, customerUuid: t.demo.ids.customers.sunriseEmailOnly });
      expect(errorCodes(other)).toEqual([ERRORS.CUSTOMER_MISMATCH.code]);
      const byUuid = await t.send({
        amount: 1,
        orderUuid: first.body.orderUuid,
        customerUuid: t.demo.ids.customers.sunrisePhoneOnly,
      });
      expect(errorCodes(byUuid)).toEqual([ERRORS.CUSTOMER_MISMATCH.code]);
    });

    it("checks dealerUuid against the department's dealer", async () => {
      const t = await setup();
      ok(await t.send(sunriseBody({ dealerUuid: t.demo.ids.dealers.sunrise })));
      const wrong = await t.send(sunriseBody({ dealerUuid: t.demo.ids.dealers.harbor }));
      expect(wrong.status).toBe(400);
      expect(errorCodes(wrong)).toEqual([ERRORS.INVALID_DEALER_TOKEN.code]);
    });

    it("accepts this department's associate and refuses another department's like an unknown one", async () => {
      const t = await setup();
      const { sunrise, harbor } = t.demo.ids.associates;
      ok(
        await t.send(
          sunriseBody({
            dealerAssociateUuid: sunrise.uuid,
            dealerAssociateUserUuid: sunrise.userUuid,
            dealerAssociateDepartmentUuid: t.dept,
          }),
        ),
      );
      const byUser = ok(await t.send(sunriseBody({ dealerAssociateUserUuid: sunrise.userUuid })));
      expect(byUser.body.orderCreated).toBe(true);
      for (const bad of [
        { dealerAssociateUuid: harbor.uuid },
        { dealerAssociateUuid: "nobody" },
        { dealerAssociateUserUuid: harbor.userUuid },
        { dealerAssociateUuid: sunrise.uuid, dealerAssociateUserUuid: harbor.userUuid },
        { dealerAssociateDepartmentUuid: t.demo.ids.departments.harbor },
      ]) {
        const result = await t.send(sunriseBody(bad));
        expect(errorCodes(result), JSON.stringify(bad)).toEqual([ERRORS.DEALER_ASSOCIATE_NOT_FOUND.code]);
      }
    });
  });

  describe("step 2: the open invoice", () => {
    it("reuses the open invoice on a second call and creates a second payment request", async () => {
      const t = await setup();
      const body = sunriseBody();
      const first = ok(await t.send(body));
      const second = ok(await t.send(body));
      expect(first.body.invoiceCreated).toBe(true);
      expect(second.body.invoiceCreated).toBe(false);
      expect(second.body.invoiceUuid).toBe(first.body.invoiceUuid);
      expect(second.body.paymentRequestUuid).not.toBe(first.body.paymentRequestUuid);
      expect(second.body.paymentUrl).not.toBe(first.body.paymentUrl);
      expect(second.body.warnings).toEqual([]);
      expect(await invoicesOf(t.store, first.body.orderUuid)).toHaveLength(1);
    });

    it("updates a reused invoice's amount with warning 159010 saying from what to what", async () => {
      const t = await setup();
      const body = sunriseBody({ amount: 100 });
      const first = ok(await t.send(body));
      const second = ok(await t.send({ ...body, amount: 80.25, description: "Discount applied" }));
      expect(second.body.invoiceUuid).toBe(first.body.invoiceUuid);
      const warning = second.body.warnings.find(
        (w) => w.warningCode === WARNINGS.OPEN_INVOICE_AMOUNT_UPDATED.code,
      );
      expect(warning?.warningMessage).toContain("$100.00");
      expect(warning?.warningMessage).toContain("$80.25");
      const [invoice] = await invoicesOf(t.store, first.body.orderUuid);
      expect(invoice?.amountCents).toBe(8025);
      expect(invoice?.description).toBe("Discount applied");
    });

    it("keeps invoice fields the second request leaves out", async () => {
      const t = await setup();
      const body = sunriseBody({ fileName: "ro-1.pdf", invoiceAttributes: { vin: "1HGCM82633A004352" } });
      const first = ok(await t.send(body));
      const { fileName: _f, invoiceAttributes: _a, ...rest } = body as Record<string, unknown>;
      ok(await t.send(rest));
      const [invoice] = await invoicesOf(t.store, first.body.orderUuid);
      expect(invoice?.fileName).toBe("ro-1.pdf");
      expect(invoice?.invoiceAttributes).toEqual({ vin: "1HGCM82633A004352" });
    });

    it.each(["PAID", "VOID"] as const)(
      "creates a new invoice when the order's invoice is %s",
      async (status) => {
        const t = await setup();
        const body = sunriseBody();
        const first = ok(await t.send(body));
        await markInvoice(t.store, first.body.invoiceUuid, status);
        const second = ok(await t.send(body));
        expect(second.body.invoiceCreated).toBe(true);
        expect(second.body.invoiceUuid).not.toBe(first.body.invoiceUuid);
        expect((await invoicesOf(t.store, first.body.orderUuid)).map((i) => i.status).sort()).toEqual(
          ["OPEN", status].sort(),
        );
      },
    );
  });

  describe("step 3: the payment request", () => {
    it("builds an unguessable URL on the configured base, stores only its hash, and sets the expiry", async () => {
      const before = Date.now();
      const t = await setup({ paymentUrls: { baseUrl: "https://pay.example.test/p/", ttlMs: 3_600_000 } });
      const result = ok(await t.send(sunriseBody()));
      const match = /^https:\/\/pay\.example\.test\/p\/([A-Za-z0-9_-]+)$/.exec(result.body.paymentUrl);
      expect(match).not.toBeNull();
      const token = match?.[1] ?? "";
      expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
      const row = await paymentRequestRow(t.store, result.body.paymentRequestUuid);
      const parsed = readPaymentToken(token);
      expect(parsed?.paymentRequestUuid).toBe(result.body.paymentRequestUuid);
      expect(parsed?.matches(row?.tokenHash ?? "")).toBe(true);
      expect(
        readPaymentToken(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)?.matches(
          row?.tokenHash ?? "",
        ),
      ).toBe(false);
      expect(JSON.stringify(row)).not.toContain(token);
      expect(row?.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(row?.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    });

    it("stores the flags, esignInvoice as esign required", async () => {
      const t = await setup();
      const result = ok(
        await t.send(sunriseBody({ esignInvoice: true, attachInvoice: true, sendAsEmail: false })),
      );
      const row = await paymentRequestRow(t.store, result.body.paymentRequestUuid);
      expect(row).toMatchObject({
        esignRequired: true,
        attachInvoice: true,
        sendAsText: true,
        sendAsEmail: false,
      });
      expect(result.body.emailSent).toBeUndefined();
      expect(result.body.textSent).toBe("SUCCESS");
    });

    it("leaves no order or invoice behind when step 3 fails", async () => {
      // Ids are drawn for the order, the invoice, then the payment request: the third fails inside step 3.
      let drawn = 0;
      const t = await setup({
        ids: {
          next: () => {
            if (++drawn === 3) throw new Error("disk on fire");
            return `id-${drawn}`;
          },
        },
      });
      const meta = testMeta();
      const result = await t.send(sunriseBody(), meta);
      expect(result.status).toBe(500);
      expect(errorCodes(result)).toEqual([ERRORS.INTERNAL_SERVER_EXCEPTION.code]);
      expect(JSON.stringify(result.body)).not.toContain("disk on fire");
      expect(await count(t.store, "dealer_orders")).toBe(0);
      expect(await count(t.store, "invoices")).toBe(0);
      expect(await auditRow(t.store, meta.requestId)).toMatchObject({
        httpStatus: 500,
        outcome: "FAILED",
        orderUuid: null,
      });
    });
  });

  describe("delivery", () => {
    it("sends text and email to a reachable customer and records both in the outbox, masked", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody()));
      expect(result.body).toMatchObject({ textSent: "SUCCESS", emailSent: "SUCCESS", warnings: [] });
      const messages = await outboxOf(t.store, result.body.paymentRequestUuid);
      expect(messages.map((m) => m.channel).sort()).toEqual(["email", "text"]);
      for (const m of messages) {
        expect(m.body).toContain(maskPaymentTokens(result.body.paymentUrl));
        expect(m.body).not.toContain(result.body.paymentUrl);
        expect(m.status).toBe("DELIVERED");
        expect(m.recipient).not.toContain("5550101");
        expect(m.recipient).not.toContain("jane.sunrise");
      }
      const text = messages.find((m) => m.channel === "text");
      expect(text?.body).toContain("(we also sent it to your email)");
      expect(await paymentRequestRow(t.store, result.body.paymentRequestUuid)).toMatchObject({
        textResult: "SUCCESS",
        emailResult: "SUCCESS",
      });
    });

    it("uses the without-email template for a customer with no email", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody({ customerUuid: t.demo.ids.customers.sunrisePhoneOnly })));
      expect(result.body.textSent).toBe("SUCCESS");
      expect(result.body.emailSent).toBe("FAILURE");
      expect(result.body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.EMAIL_NO_ADDRESS.code]);
      const [text] = await outboxOf(t.store, result.body.paymentRequestUuid);
      expect(text?.body).toContain("$125.50");
      expect(text?.body).not.toContain("email");
    });

    it("uses the warranty template for amount 0", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody({ amount: 0, sendAsEmail: false })));
      const [text] = await outboxOf(t.store, result.body.paymentRequestUuid);
      expect(text?.body).toContain("warranty invoice");
      expect(text?.body).toContain("No payment is due");
      expect(text?.body).toContain(maskPaymentTokens(result.body.paymentUrl));
    });

    it("does not text a customer who has not opted in: FAILURE and a warning", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody({ customerUuid: t.demo.ids.customers.sunriseNoOptIn })));
      expect(result.body.textSent).toBe("FAILURE");
      expect(result.body.emailSent).toBe("SUCCESS");
      expect(result.body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.TEXT_NOT_OPTED_IN.code]);
      expect((await outboxOf(t.store, result.body.paymentRequestUuid)).map((m) => m.channel)).toEqual([
        "email",
      ]);
    });

    it("gives FAILURE with a warning for a customer without a phone", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody({ customerUuid: t.demo.ids.customers.sunriseEmailOnly })));
      expect(result.body.textSent).toBe("FAILURE");
      expect(result.body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.TEXT_NO_PHONE.code]);
    });

    it("reports neither channel when neither is asked for", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody({ sendAsText: false, sendAsEmail: false })));
      expect("textSent" in result.body).toBe(false);
      expect("emailSent" in result.body).toBe(false);
      expect(await outboxOf(t.store, result.body.paymentRequestUuid)).toEqual([]);
    });

    it("turns a throwing provider into FAILURE plus a warning, and the call still succeeds", async () => {
      const notifier: Notifier = {
        sendText: async () => {
          throw new Error("provider said 500 for +13125550101");
        },
        sendEmail: async () => ({ provider: "test", providerRef: "m-1" }),
      };
      const t = await setup({ notifier });
      const result = ok(await t.send(sunriseBody()));
      expect(result.body.textSent).toBe("FAILURE");
      expect(result.body.emailSent).toBe("SUCCESS");
      const warning = result.body.warnings.find((w) => w.warningCode === WARNINGS.TEXT_DELIVERY_FAILED.code);
      expect(warning).toBeDefined();
      expect(JSON.stringify(result.body)).not.toContain("5550101");
      const text = (await outboxOf(t.store, result.body.paymentRequestUuid)).find(
        (m) => m.channel === "text",
      );
      expect(text).toMatchObject({ status: "FAILED" });
      expect(text?.error).toContain("provider said 500");
    });

    it("gives up on a provider that hangs past its timeout, without waiting for it", async () => {
      let aborted = false;
      const notifier: Notifier = {
        sendText: async () => ({ provider: "test" }),
        sendEmail: (_message, signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener("abort", () => {
              aborted = true;
              reject(new Error("aborted"));
            });
          }),
      };
      const t = await setup({ notifier, deliveryTimeoutMs: 50 });
      const result = ok(await t.send(sunriseBody()));
      expect(result.body.emailSent).toBe("FAILURE");
      expect(result.body.textSent).toBe("SUCCESS");
      expect(result.body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.EMAIL_DELIVERY_TIMEOUT.code]);
      expect(aborted).toBe(true);
    });

    it("sends text and email concurrently", async () => {
      const started: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const notifier: Notifier = {
        sendText: async () => {
          started.push("text");
          if (started.length === 2) release();
          await gate;
          return { provider: "test" };
        },
        sendEmail: async () => {
          started.push("email");
          if (started.length === 2) release();
          await gate;
          return { provider: "test" };
        },
      };
      const t = await setup({ notifier, deliveryTimeoutMs: 5000 });
      const result = ok(await t.send(sunriseBody()));
      expect(started.sort()).toEqual(["email", "text"]);
      expect(result.body).toMatchObject({ textSent: "SUCCESS", emailSent: "SUCCESS" });
    });
  });

  describe("authorization and validation", () => {
    it("refuses a credential without the scope for this department with 403 100014", async () => {
      const t = await setup();
      const result = await t.send(sunriseBody(), testMeta(), t.dept, t.harborSender);
      expect(result.status).toBe(403);
      expect(errorCodes(result)).toEqual([ERRORS.INVALID_SCOPE_DEPARTMENT.code]);
      expect(await count(t.store, "dealer_orders")).toBe(0);
    });

    it("answers 404 100013 for an unknown department when the scope covers every department", async () => {
      const t = await setup();
      await t.credentials.add("global-sender", "a-long-enough-password");
      await t.credentials.grant("global-sender", "payment.send.payment.request", "*");
      const principal = await t.credentials.verify("global-sender", "a-long-enough-password");
      const result = await t.send(sunriseBody(), testMeta(), "no-such-department", principal!);
      expect(result.status).toBe(404);
      expect(errorCodes(result)).toEqual([ERRORS.INVALID_DEPARTMENT_TOKEN.code]);
    });

    it("validates the path and the body with 400 100006 naming the field", async () => {
      const t = await setup();
      const badPath = await t.send(sunriseBody(), testMeta(), "bad/department");
      expect(badPath.status).toBe(400);
      expect(JSON.stringify(badPath.body)).toContain("departmentUuid");
      const typo = await t.send(sunriseBody({ sendAsTxt: true }));
      expect(typo.status).toBe(400);
      expect(errorCodes(typo)).toEqual([ERRORS.INVALID_REQUEST_DATA.code]);
      expect(JSON.stringify(typo.body)).toContain("sendAsTxt");
      expect(await count(t.store, "dealer_orders")).toBe(0);
    });

    it("treats null optional fields as absent", async () => {
      const t = await setup();
      const result = ok(await t.send(sunriseBody({ description: null, dealerUuid: null, orderUuid: null })));
      expect(result.body.orderCreated).toBe(true);
      const nullAmount = await t.send(sunriseBody({ amount: null }));
      expect(nullAmount.status).toBe(400);
      expect(JSON.stringify(nullAmount.body)).toContain("amount is required");
    });
  });

  describe("audit record", () => {
    it("writes one row for a success with what was touched and the timeline", async () => {
      const t = await setup();
      const meta = testMeta({ idempotencyKey: "key-1" });
      const result = ok(await t.send(sunriseBody(), meta));
      const row = await auditRow(t.store, meta.requestId);
      expect(row).toMatchObject({
        outcome: "SUCCESS",
        httpStatus: 200,
        username: "sunrise-sender",
        departmentUuid: t.dept,
        orderUuid: result.body.orderUuid,
        orderCreated: true,
        invoiceUuid: result.body.invoiceUuid,
        invoiceCreated: true,
        paymentRequestUuid: result.body.paymentRequestUuid,
        textSent: "SUCCESS",
        emailSent: "SUCCESS",
        idempotencyKey: "key-1",
        errorCodes: [],
      });
      expect(row?.timeline.map((s: { step: string }) => s.step)).toEqual([
        "department",
        "order",
        "invoice",
        "payment-request",
        "delivery",
      ]);
      expect(JSON.stringify(row?.responseBody)).not.toContain(result.body.paymentUrl);
    });

    it.each([
      ["validation", (t: Awaited<ReturnType<typeof setup>>) => t.send({ amount: "ten" }), 400],
      [
        "scope",
        (t: Awaited<ReturnType<typeof setup>>) => t.send(sunriseBody(), testMeta(), t.dept, t.harborSender),
        403,
      ],
      [
        "unknown order",
        (t: Awaited<ReturnType<typeof setup>>) => t.send({ amount: 1, orderUuid: "nope" }),
        400,
      ],
    ])("writes one row for a %s failure", async (_name, call, status) => {
      const t = await setup();
      const before = await count(t.store, "audit_log");
      const result = await call(t);
      expect(result.status).toBe(status);
      expect(await count(t.store, "audit_log")).toBe(before + 1);
      const rows = await t.store.sql.all<{ http_status: number; outcome: string; error_codes: string }>(
        "select * from audit_log order by seq desc limit 1",
      );
      expect(rows[0]?.http_status).toBe(status);
      expect(rows[0]?.outcome).toBe("REJECTED");
      expect(JSON.parse(rows[0]?.error_codes ?? "[]")).toEqual(errorCodes(result));
    });

    it("names the order and customer of a call refused by a step, and of a replay, for searching", async () => {
      const t = await setup();
      const refusedMeta = testMeta();
      const refused = await t.send(
        sunriseBody({ orderNumber: "RO-REFUSED", customerUuid: "nobody" }),
        refusedMeta,
      );
      expect(errorCodes(refused)).toEqual([ERRORS.CUSTOMER_NOT_FOUND.code]);
      expect(await auditRow(t.store, refusedMeta.requestId)).toMatchObject({
        orderNumber: "RO-REFUSED",
        customerUuid: "nobody",
        orderUuid: null,
      });
      const body = sunriseBody({ orderNumber: "RO-REPLAYED" });
      ok(await t.send(body, testMeta({ idempotencyKey: "named-key" })));
      const replayMeta = testMeta({ idempotencyKey: "named-key" });
      expect((await t.send(body, replayMeta)).replayed).toBe(true);
      expect(await auditRow(t.store, replayMeta.requestId)).toMatchObject({ orderNumber: "RO-REPLAYED" });
    });

    it("names the order and customer of a valid body refused for its key or its path", async () => {
      const t = await setup();
      const badKey = testMeta({ idempotencyKey: "k".repeat(300) });
      const keyRefused = await t.send(sunriseBody({ orderNumber: "RO-BAD-KEY" }), badKey);
      expect(keyRefused.status).toBe(400);
      expect(errorCodes(keyRefused)).toEqual([ERRORS.INVALID_IDEMPOTENCY_KEY.code]);
      expect(await auditRow(t.store, badKey.requestId)).toMatchObject({
        orderNumber: "RO-BAD-KEY",
        customerUuid: t.demo.ids.customers.sunriseFull,
        orderUuid: null,
      });

      const badPath = testMeta();
      const pathRefused = await t.send(sunriseBody({ orderNumber: "RO-BAD-PATH" }), badPath, "not a uuid!");
      expect(pathRefused.status).toBe(400);
      expect(await auditRow(t.store, badPath.requestId)).toMatchObject({ orderNumber: "RO-BAD-PATH" });

      // An invalid body names nothing, even with a valid key and path.
      const badBody = testMeta();
      const bodyRefused = await t.send(
        { ...sunriseBody({ orderNumber: "RO-BAD-BODY" }), amount: "x" },
        badBody,
      );
      expect(bodyRefused.status).toBe(400);
      expect(await auditRow(t.store, badBody.requestId)).toMatchObject({
        orderNumber: null,
        customerUuid: null,
      });
      expect(await ordersNumbered(t.store, "RO-BAD-KEY")).toHaveLength(0);
    });

    it("stores no working payment link outside the idempotency table", async () => {
      const t = await setup();
      const result = ok(
        await t.send(sunriseBody({ attachInvoice: true }), testMeta({ idempotencyKey: "link-check" })),
      );
      const token = result.body.paymentUrl.split("/").at(-1) ?? "";
      const tables = (await tableNames(t.store)).filter((name) => name !== "idempotency_keys");
      expect(tables).toContain("audit_log");
      for (const table of tables) {
        expect(JSON.stringify(await allRows(t.store, table)), table).not.toContain(token);
      }
    });

    it("masks contact details in free text and never stores a password", async () => {
      const t = await setup();
      const meta = testMeta();
      ok(
        await t.send(
          sunriseBody({ description: "call jane at +1 312 555 0101 or jane.doe@example.com" }),
          meta,
        ),
      );
      const raw = JSON.stringify(await allRows(t.store, "audit_log"));
      expect(raw).not.toContain("555 0101");
      expect(raw).not.toContain("jane.doe@example.com");
      expect(raw).toContain("j***@example.com");
      expect(raw).not.toContain(t.demo.credentials.sunriseSender.password);
    });
  });

  describe("concurrency", () => {
    it("creates one order and one open invoice for concurrent calls with a new order number", async () => {
      const t = await setup();
      const body = sunriseBody();
      const results = await Promise.all(Array.from({ length: 8 }, () => t.send(body)));
      for (const r of results) expect(r.status).toBe(200);
      const orders = await ordersNumbered(t.store, body.orderNumber);
      expect(orders).toHaveLength(1);
      expect(await invoicesOf(t.store, orders[0]!.uuid)).toHaveLength(1);
      expect(results.filter((r) => (r.body as { orderCreated: boolean }).orderCreated)).toHaveLength(1);
      expect(await count(t.store, "payment_requests")).toBe(8);
    });
  });
});
