import { WARNINGS } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { startSmsProvider, startSmtpServer } from "../../../test/fake-providers.ts";
import { outboxOf, sunriseBody } from "../../../test/helpers.ts";
import { sendPaymentRequest } from "../../send/send-payment-request.ts";
import { createTestCore, testMeta } from "../../testing.ts";
import { createNotifier, type NotifierSettings } from "./create-notifier.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const setup = async (settings: NotifierSettings, deliveryTimeoutMs = 2000) => {
  const t = await createTestCore({ deliveryTimeoutMs });
  const notifier = createNotifier(settings, t.ids);
  cleanups.push(() => notifier.close());
  const deps = { ...t.deps, notifier };
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const send = (body: Record<string, unknown>) =>
    sendPaymentRequest(deps, sender, t.demo.ids.departments.sunrise, body, testMeta()) as Promise<{
      status: number;
      body: {
        paymentUrl: string;
        paymentRequestUuid: string;
        textSent?: string;
        emailSent?: string;
        warnings: { warningCode: number }[];
      };
    }>;
  const addCustomer = (uuid: string, phone: string | null, email: string | null) =>
    t.store.transaction((tx) =>
      tx.run(
        "insert into customers (uuid, dealer_uuid, first_name, last_name, phone, email, text_opt_in, created_at) values (?, ?, 'Ann', 'Lee', ?, ?, 1, 0)",
        [uuid, t.demo.ids.dealers.sunrise, phone, email],
      ),
    );
  return { ...t, send, addCustomer };
};

describe("email over SMTP", () => {
  it("delivers the payment request to a real SMTP server: recipient, subject, link, both bodies", async () => {
    const smtp = await startSmtpServer({ user: "mailer", password: "mail-secret" });
    cleanups.push(smtp.close);
    const t = await setup({
      smtp: {
        url: `smtp://mailer:mail-secret@127.0.0.1:${smtp.port}`,
        from: "payments@sunrise.test",
        timeoutMs: 2000,
      },
    });
    const result = await t.send(
      sunriseBody({
        sendAsText: false,
        attachInvoice: true,
        esignInvoice: true,
        description: "Brakes <front>",
      }),
    );
    expect(result.status).toBe(200);
    expect(result.body.emailSent).toBe("SUCCESS");
    expect(smtp.received).toHaveLength(1);
    const [{ envelopeTo, mail }] = smtp.received as [(typeof smtp.received)[number]];
    expect(envelopeTo).toEqual(["jane.sunrise@example.com"]);
    expect(mail.from?.value[0]).toMatchObject({ address: "payments@sunrise.test", name: "Sunrise Motors" });
    expect(mail.subject).toMatch(/^Sunrise Motors: payment request for RO RO-/);
    expect(mail.text).toContain(result.body.paymentUrl);
    expect(mail.text).toContain("$125.50");
    expect(mail.text).toContain(`Your invoice: ${result.body.paymentUrl}/invoice`);
    expect(mail.text).toContain("sign the invoice online");
    expect(mail.html).toContain(`href="${result.body.paymentUrl}"`);
    expect(mail.html).toContain("Brakes &lt;front&gt;");
    const [row] = await outboxOf(t.store, result.body.paymentRequestUuid);
    expect(row).toMatchObject({
      channel: "email",
      status: "DELIVERED",
      provider: "smtp",
      recipient: "j***@example.com",
    });
    expect(row?.providerRef).toBe(mail.messageId);
  });

  it("answers FAILURE with a warning when the server refuses the recipient, and the call still succeeds", async () => {
    const smtp = await startSmtpServer({ rejectRecipient: true });
    cleanups.push(smtp.close);
    const t = await setup({
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: "payments@sunrise.test", timeoutMs: 2000 },
    });
    const result = await t.send(sunriseBody({ sendAsText: false }));
    expect(result.status).toBe(200);
    expect(result.body.emailSent).toBe("FAILURE");
    expect(result.body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.EMAIL_DELIVERY_FAILED.code]);
    const [row] = await outboxOf(t.store, result.body.paymentRequestUuid);
    expect(row).toMatchObject({ status: "FAILED", provider: "smtp" });
    expect(row?.error).not.toContain("jane.sunrise@example.com");
  });

  it("answers FAILURE when no SMTP server listens", async () => {
    const t = await setup(
      { smtp: { url: "smtp://127.0.0.1:1", from: "payments@sunrise.test", timeoutMs: 500 } },
      1000,
    );
    const result = await t.send(sunriseBody({ sendAsText: false }));
    expect(result.status).toBe(200);
    expect(result.body.emailSent).toBe("FAILURE");
  });
});

describe("text over a Twilio-compatible SMS API", () => {
  const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
  const TOKEN = "sms-auth-token-secret";

  const withProvider = async (deliveryTimeoutMs = 2000) => {
    const provider = await startSmsProvider(ACCOUNT, TOKEN);
    cleanups.push(provider.close);
    const t = await setup(
      { sms: { baseUrl: provider.url, accountSid: ACCOUNT, authToken: TOKEN, from: "+13125550000" } },
      deliveryTimeoutMs,
    );
    return { ...t, provider };
  };

  it("posts the form fields with Basic auth and records the provider's message id, length and segments", async () => {
    const t = await withProvider();
    const result = await t.send(sunriseBody({ sendAsEmail: false }));
    expect(result.body.textSent).toBe("SUCCESS");
    const [request] = t.provider.requests;
    expect(request?.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString("base64")}`);
    expect(request?.contentType).toBe("application/x-www-form-urlencoded");
    expect(request?.form.get("To")).toBe("+13125550101");
    expect(request?.form.get("From")).toBe("+13125550000");
    expect(request?.form.get("Body")).toContain(result.body.paymentUrl);
    const [row] = await outboxOf(t.store, result.body.paymentRequestUuid);
    expect(row).toMatchObject({
      channel: "text",
      status: "DELIVERED",
      provider: "sms",
      providerRef: "SM00000000000000000000000000000001",
    });
    const length = request?.form.get("Body")?.length ?? 0;
    expect(row?.length).toBe(length);
    expect(row?.segments).toBe(length <= 160 ? 1 : Math.ceil(length / 153));
  });

  it("normalises a formatted number to E.164 and refuses one that is not, without calling the provider", async () => {
    const t = await withProvider();
    await t.addCustomer("formatted", "+1 (312) 555-0199", null);
    await t.addCustomer("not-e164", "312-555-0199", null);
    const ok = await t.send(sunriseBody({ customerUuid: "formatted", sendAsEmail: false }));
    expect(ok.body.textSent).toBe("SUCCESS");
    expect(t.provider.requests.at(-1)?.form.get("To")).toBe("+13125550199");
    const refused = await t.send(sunriseBody({ customerUuid: "not-e164", sendAsEmail: false }));
    expect(refused.status).toBe(200);
    expect(refused.body.textSent).toBe("FAILURE");
    expect(refused.body.warnings.map((w) => w.warningCode)).toEqual([WARNINGS.TEXT_INVALID_PHONE.code]);
    expect(t.provider.requests).toHaveLength(1);
    expect(await outboxOf(t.store, refused.body.paymentRequestUuid)).toMatchObject([
      { status: "FAILED", provider: "none" },
    ]);
  });

  it.each([
    ["a 4xx", "reject-400" as const, WARNINGS.TEXT_DELIVERY_FAILED.code, "400 (code 21211)"],
    ["a 5xx", "fail-500" as const, WARNINGS.TEXT_DELIVERY_FAILED.code, "500 (code 20500)"],
    ["a timeout", "hang" as const, WARNINGS.TEXT_DELIVERY_TIMEOUT.code, "no answer within 300 ms"],
  ])(
    "turns %s from the provider into FAILURE plus a warning while the call returns 200",
    async (_name, mode, warning, error) => {
      const t = await withProvider(300);
      t.provider.setMode(mode);
      const result = await t.send(sunriseBody({ sendAsEmail: false }));
      expect(result.status).toBe(200);
      expect(result.body.textSent).toBe("FAILURE");
      expect(result.body.warnings.map((w) => w.warningCode)).toEqual([warning]);
      const [row] = await outboxOf(t.store, result.body.paymentRequestUuid);
      expect(row).toMatchObject({ channel: "text", status: "FAILED", provider: "sms" });
      expect(row?.error).toContain(error);
    },
  );

  it("counts segments of a long text", async () => {
    const t = await withProvider();
    const result = await t.send(
      sunriseBody({ sendAsEmail: false, orderNumber: `RO-${"9".repeat(60)}`, orderType: "R".repeat(60) }),
    );
    const [row] = await outboxOf(t.store, result.body.paymentRequestUuid);
    expect(row?.length).toBeGreaterThan(306);
    expect(row?.segments).toBe(3);
  });
});
