import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCore, listOutbox, maskPaymentTokens, openSqliteStore, sendPaymentRequest } from "@payreq/core";
import { createTestCore, TEST_PAYMENT_URLS } from "@payreq/core/testing";
import { startSmsProvider, startSmtpServer } from "@payreq/core/testing/providers";
import { describe, expect, it, onTestFinished } from "vitest";
import { freshDatabase, payreq } from "../test/cli.ts";
import { startServerProcess } from "../test/server-process.ts";
import { ConfigError, readConfig } from "./config.ts";

const ACCOUNT = "AC00000000000000000000000000000001";
const TOKEN = "sms-token-for-tests";

describe("pointing the service at an SMTP server and an SMS provider", { timeout: 60_000 }, () => {
  it("sends the email over SMTP and the text through the SMS API from a real server process", async () => {
    const smtp = await startSmtpServer({ user: "mailer", password: "mail-secret" });
    const sms = await startSmsProvider(ACCOUNT, TOKEN);
    onTestFinished(() => Promise.all([smtp.close(), sms.close()]).then(() => undefined));
    const path = join(mkdtempSync(join(tmpdir(), "payreq-delivery-")), "payreq.db");
    const seeded = await createTestCore({ store: openSqliteStore(path) });
    const { sunriseSender } = seeded.demo.credentials;
    await seeded.store.close();
    const server = await startServerProcess({
      PAYREQ_DATABASE: path,
      PAYREQ_SMTP_URL: `smtp://mailer:mail-secret@127.0.0.1:${smtp.port}`,
      PAYREQ_EMAIL_FROM: "payments@sunrise.test",
      PAYREQ_SMS_URL: sms.url,
      PAYREQ_SMS_ACCOUNT_SID: ACCOUNT,
      PAYREQ_SMS_AUTH_TOKEN: TOKEN,
      PAYREQ_SMS_FROM: "+13125550000",
    });
    onTestFinished(() => server.stop().then(() => undefined));

    const res = await fetch(
      `${server.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
      {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${sunriseSender.username}:${sunriseSender.password}`).toString("base64")}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({
          amount: 42,
          orderNumber: "RO-DELIVERY-1",
          orderType: "RO",
          customerUuid: seeded.demo.ids.customers.sunriseFull,
          sendAsText: true,
          sendAsEmail: true,
        }),
      },
    );
    const body = (await res.json()) as { paymentUrl: string; textSent: string; emailSent: string };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ textSent: "SUCCESS", emailSent: "SUCCESS" });
    expect(smtp.received[0]?.mail.text).toContain(body.paymentUrl);
    expect(sms.requests[0]?.form.get("Body")).toContain(body.paymentUrl);
    expect(server.logs.join("\n")).not.toContain(TOKEN);
    expect(server.logs.join("\n")).not.toContain("mail-secret");

    await server.stop();
    const outbox = JSON.parse(
      (await payreq(["outbox", "list", "--json"], { PAYREQ_DATABASE: path })).stdout,
    ) as {
      channel: string;
      provider: string;
      status: string;
    }[];
    expect(outbox.map((m) => [m.channel, m.provider, m.status]).sort()).toEqual([
      ["email", "smtp", "DELIVERED"],
      ["text", "sms", "DELIVERED"],
    ]);
  });
});

describe("provider configuration", () => {
  it.each([
    [{ PAYREQ_SMTP_URL: "smtp://127.0.0.1:25" }, "PAYREQ_EMAIL_FROM"],
    [{ PAYREQ_SMTP_URL: "http://mail.example.com" }, "PAYREQ_SMTP_URL"],
    [{ PAYREQ_SMS_ACCOUNT_SID: "AC1", PAYREQ_SMS_FROM: "+13125550000" }, "PAYREQ_SMS_AUTH_TOKEN"],
    [
      { PAYREQ_SMS_ACCOUNT_SID: "AC1", PAYREQ_SMS_AUTH_TOKEN: "t", PAYREQ_SMS_FROM: "3125550000" },
      "PAYREQ_SMS_FROM",
    ],
    [
      {
        PAYREQ_BACKEND: "upstream",
        PAYREQ_UPSTREAM_URL: "http://agg:super-secret-token@127.0.0.1:3000",
        PAYREQ_UPSTREAM_USERNAME: "a",
        PAYREQ_UPSTREAM_PASSWORD: "b",
      },
      "PAYREQ_UPSTREAM_URL",
    ],
    [{ PAYREQ_BACKEND: "upstream" }, "PAYREQ_UPSTREAM_URL"],
  ])("refuses %j naming %s, never printing a secret", (env, name) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(name);
    try {
      readConfig({ ...env, PAYREQ_SMS_AUTH_TOKEN: "super-secret-token" });
    } catch (error) {
      expect(String(error)).not.toContain("super-secret-token");
    }
  });

  it("uses the outbox for both channels when nothing is configured", () => {
    const config = readConfig({});
    expect(config.smtp).toBeUndefined();
    expect(config.sms).toBeUndefined();
  });
});

describe("payreq templates and payreq outbox", { timeout: 30_000 }, () => {
  it("refuses a template without the pay link, saves one with it, and the next text uses it", async () => {
    const env = await freshDatabase();
    const t = await createTestCore({ store: openSqliteStore(env.PAYREQ_DATABASE ?? "") });
    const dealer = t.demo.ids.dealers.sunrise;
    const sunrise = t.demo.credentials.sunriseSender;
    await t.store.close();

    const refused = await payreq(
      ["templates", "set", dealer, "text-without-email"],
      env,
      "{dealer}: please pay {amount}",
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("_payurl");
    const misspelt = await payreq(
      ["templates", "set", dealer, "text-without-email"],
      env,
      "Hi {nme}: _payurl",
    );
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain("unknown placeholder {nme}");
    const missingFile = await payreq(
      ["templates", "set", dealer, "email-html", "--file", "/no/such/file.html"],
      env,
    );
    expect(missingFile.code).toBe(2);
    const saved = await payreq(
      ["templates", "set", dealer, "text-without-email"],
      env,
      "Hi {customer}! {dealer} asks {amount}: _payurl",
    );
    expect(saved.code).toBe(0);
    const listed = JSON.parse((await payreq(["templates", "list", dealer, "--json"], env)).stdout) as {
      kind: string;
      own: boolean;
    }[];
    expect(listed.find((l) => l.kind === "text-without-email")?.own).toBe(true);
    expect(listed.filter((l) => l.own)).toHaveLength(1);

    const core = createCore({
      store: openSqliteStore(env.PAYREQ_DATABASE ?? ""),
      paymentUrls: TEST_PAYMENT_URLS,
    });
    const principal = await core.credentials.verify(sunrise.username, sunrise.password);
    const sent = await sendPaymentRequest(
      core.deps,
      principal!,
      t.demo.ids.departments.sunrise,
      {
        amount: 12,
        orderNumber: "RO-TPL-1",
        orderType: "RO",
        customerUuid: t.demo.ids.customers.sunrisePhoneOnly,
        sendAsText: true,
      },
      {
        requestId: "req-template-1",
        transport: "cli",
        operation: "payment-requests.send",
        receivedAt: Date.now(),
      },
    );
    const [text] = await listOutbox(core.store.sql, { channel: "text" });
    expect(text?.body).toBe(
      `Hi Pat! Sunrise Motors asks $12.00: ${maskPaymentTokens((sent.body as { paymentUrl: string }).paymentUrl)}`,
    );
    await core.store.close();
  });

  it("lists the outbox as a table and as JSON, with filters", async () => {
    const env = await freshDatabase();
    const t = await createTestCore({ store: openSqliteStore(env.PAYREQ_DATABASE ?? "") });
    const sender = await t.principalOf(t.demo.credentials.sunriseSender);
    await sendPaymentRequest(
      t.deps,
      sender,
      t.demo.ids.departments.sunrise,
      {
        amount: 10,
        orderNumber: "RO-OUT-1",
        orderType: "RO",
        customerUuid: t.demo.ids.customers.sunriseFull,
        sendAsText: true,
        sendAsEmail: true,
      },
      {
        requestId: "req-outbox-1",
        transport: "cli",
        operation: "payment-requests.send",
        receivedAt: Date.now(),
      },
    );
    await t.store.close();
    const table = await payreq(["outbox", "list"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME \(UTC\)\s+CHANNEL\s+PURPOSE\s+RECIPIENT/);
    expect(table.stdout).toContain("********01");
    expect(table.stdout).not.toContain("+13125550101");
    const texts = JSON.parse(
      (await payreq(["outbox", "list", "--channel", "text", "--json"], env)).stdout,
    ) as { channel: string }[];
    expect(texts.map((m) => m.channel)).toEqual(["text"]);
    expect((await payreq(["outbox", "list", "--channel", "fax"], env)).code).toBe(2);
  });
});
