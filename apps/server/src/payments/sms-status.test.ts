import { TEST_STORES } from "@payreq/core/testing/stores";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks.js";
import { describe, expect, it, onTestFinished } from "vitest";
import { startGatedSmsProvider } from "../../test/gated-sms-provider.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { startServerProcess } from "../../test/server-process.ts";

const PUBLIC_URL = "https://payreq.example.test";
const CALLBACK = `${PUBLIC_URL}/payment/webhooks/sms/status`;

describe.each(TEST_STORES)("the SMS provider's status callbacks on %s", { timeout: 60_000 }, (kind) => {
  it("asks for them, and records a verified delivered or undelivered once; forged, replayed and unknown change nothing", async () => {
    const seeded = await seededDatabase(kind);
    onTestFinished(() => seeded.store.close());
    const provider = await startGatedSmsProvider();
    onTestFinished(() => provider.close());
    const server = await startServerProcess({
      ...seeded.env,
      ...provider.env,
      PAYREQ_PUBLIC_URL: PUBLIC_URL,
    });
    onTestFinished(() => server.stop("SIGKILL").then(() => undefined));
    const send = async () => {
      const response = await fetch(
        `${server.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
        {
          method: "POST",
          headers: { Authorization: seeded.auth, "Content-Type": "application/json" },
          body: JSON.stringify({
            amount: 40,
            orderNumber: `RO-SMS-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
            orderType: "RO",
            customerUuid: seeded.demo.ids.customers.sunriseFull,
            sendAsText: true,
          }),
        },
      );
      expect(response.status).toBe(200);
    };
    await send();
    await send();
    expect(provider.texts.map((t) => t.form.StatusCallback)).toEqual([CALLBACK, CALLBACK]);
    const [first, second] = provider.texts.map((t) => t.sid);

    const callback = (params: Record<string, string>, signature?: string) =>
      fetch(`${server.url}/payment/webhooks/sms/status`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Twilio-Signature": signature ?? getExpectedTwilioSignature("gated-sms-token", CALLBACK, params),
        },
        body: new URLSearchParams(params),
      });
    const delivered = { MessageSid: first ?? "", MessageStatus: "delivered", AccountSid: "AC1" };
    const answer = await callback(delivered);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ outcome: "recorded" });
    // The same callback again (Twilio retries; anyone may replay it): nothing more.
    expect(await (await callback(delivered)).json()).toMatchObject({ outcome: "unchanged" });
    // Forged: signed with another token, or the signature of other parameters.
    const forged = { MessageSid: second ?? "", MessageStatus: "failed", AccountSid: "AC1" };
    const byOther = await callback(forged, getExpectedTwilioSignature("not-the-token", CALLBACK, forged));
    expect(byOther.status).toBe(403);
    expect(await byOther.json()).toMatchObject({ errors: [{ errorCode: 109036 }] });
    expect(
      (await callback(forged, getExpectedTwilioSignature("gated-sms-token", CALLBACK, delivered))).status,
    ).toBe(403);
    expect((await callback(forged, "")).status).toBe(403);
    const undelivered = { MessageSid: second ?? "", MessageStatus: "undelivered", ErrorCode: "30005" };
    expect(await (await callback(undelivered)).json()).toMatchObject({ outcome: "recorded" });
    expect(
      await (await callback({ MessageSid: "SM_not_ours", MessageStatus: "delivered" })).json(),
    ).toMatchObject({ outcome: "unknown-message" });

    const rows = await seeded.store.sql.all<{ providerRef: string; status: string; providerStatus: string }>(
      `select provider_ref as "providerRef", status, provider_status as "providerStatus" from outbox
       where channel = 'text' order by provider_ref`,
    );
    expect(rows).toEqual([
      { providerRef: first, status: "DELIVERED", providerStatus: "delivered" },
      { providerRef: second, status: "FAILED", providerStatus: "undelivered" },
    ]);
    const events = await seeded.store.sql.all<{ type: string }>(
      "select type from webhook_events where type like 'message.%' order by created_at, id",
    );
    // message.sent for each hand-over, then the callbacks' message.sent (delivered) and message.failed.
    expect(events.map((e) => e.type)).toEqual([
      "message.sent",
      "message.sent",
      "message.sent",
      "message.failed",
    ]);
    const audit = await seeded.store.sql.all<{ http_status: number }>(
      "select http_status from audit_log where operation = 'sms.status' order by seq",
    );
    expect(audit.map((a) => a.http_status)).toEqual([200, 200, 403, 403, 403, 200, 200]);
  });
});
