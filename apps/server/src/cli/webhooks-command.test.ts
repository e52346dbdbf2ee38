import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret } from "@payreq/contracts";
import { createHttpWebhookSender, createWebhookDispatcher, sendPaymentRequest } from "@payreq/core";
import { testMeta } from "@payreq/core/testing";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { describe, expect, it, onTestFinished } from "vitest";
import { payreq } from "../../test/cli.ts";
import { seededDatabase } from "../../test/seeded-database.ts";

describe.each(TEST_STORES)("payreq webhooks on %s", { timeout: 60_000 }, (kind) => {
  it("adds, lists, shows, disables, enables, rotates, lists deliveries, replays and removes; audits each change", async () => {
    const seeded = await seededDatabase(kind);
    onTestFinished(() => seeded.store.close());
    const receiver = await startWebhookReceiver();
    onTestFinished(() => receiver.close());
    const department = seeded.demo.ids.departments.sunrise;
    const run = async (args: string[], env: Record<string, string> = seeded.env) => {
      const result = await payreq(["webhooks", ...args], env);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    const json = async <T>(args: string[]) => JSON.parse(await run([...args, "--json"])) as T;

    // Without the allow setting a loopback http:// destination is refused, clearly.
    const refused = await payreq(
      ["webhooks", "add", "--department", department, "--url", receiver.url],
      seeded.env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^payreq: .*https/m);
    const env = { ...seeded.env, PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1" };
    const runAllowed = (args: string[]) => run(args, env);

    const added = JSON.parse(
      await runAllowed([
        "add",
        "--department",
        department,
        "--url",
        receiver.url,
        "--events",
        "payment_request.created",
        "--json",
      ]),
    ) as WebhookEndpointWithSecret;
    expect(added).toMatchObject({
      departmentUuid: department,
      events: ["payment_request.created"],
      enabled: true,
    });
    expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    const human = await runAllowed(["add", "--department", department, "--url", `${receiver.url}/other`]);
    expect(human).toMatch(/signing secret \(shown once\): whsec_/);

    const listed = await json<WebhookEndpoint[]>(["list", "--department", department]);
    expect(listed.map((e) => e.url).sort()).toEqual([receiver.url, `${receiver.url}/other`].sort());
    expect(JSON.stringify(listed)).not.toContain("whsec_");
    const other = listed.find((e) => e.url.endsWith("/other"));
    expect(await json<{ removed: string }>(["remove", other?.id ?? ""])).toMatchObject({
      removed: other?.id,
    });
    expect((await json<WebhookEndpoint>(["disable", added.id])).enabled).toBe(false);
    expect((await json<WebhookEndpoint>(["show", added.id])).enabled).toBe(false);
    expect((await json<WebhookEndpoint>(["enable", added.id])).enabled).toBe(true);
    const rotated = await json<WebhookEndpointWithSecret & { previousSecretExpiresAt: string }>([
      "rotate-secret",
      added.id,
    ]);
    expect(rotated.secret).not.toBe(added.secret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    // One event, one attempt answered 500 with no retry left: a failed delivery to replay.
    const sender = await seeded.principalOf(seeded.demo.credentials.sunriseSender);
    await sendPaymentRequest(
      seeded.deps,
      sender,
      department,
      {
        amount: 42,
        orderNumber: "RO-CLI-HOOK",
        orderType: "RO",
        customerUuid: seeded.demo.ids.customers.sunriseFull,
        sendAsText: true,
      },
      testMeta(),
    );
    const webhookSender = createHttpWebhookSender({ allowPrivate: true });
    onTestFinished(() => webhookSender.close());
    const dispatcher = createWebhookDispatcher(
      { ...seeded.deps, sender: webhookSender },
      { scheduleMs: [], timeoutMs: 2000, concurrency: 4, perEndpoint: 3 },
    );
    receiver.useSecret(rotated.secret);
    receiver.answerNext({ status: 500 });
    const dispatch = async () => {
      for (let turn = await dispatcher.runOnce(); turn.fannedOut + turn.claimed > 0; ) {
        await dispatcher.idle();
        turn = await dispatcher.runOnce();
      }
      await dispatcher.idle();
    };
    await dispatch();
    const failed = await json<WebhookDelivery[]>([
      "deliveries",
      "--endpoint",
      added.id,
      "--status",
      "failed",
    ]);
    expect(failed).toMatchObject([{ eventType: "payment_request.created", status: "failed" }]);
    expect(failed[0]?.attempts.map((a) => a.statusCode)).toEqual([500]);
    expect(await runAllowed(["deliveries", "--status", "failed"])).toContain(failed[0]?.id);

    expect(await json<{ replayed: string[] }>(["replay", failed[0]?.id ?? ""])).toEqual({
      replayed: [failed[0]?.id],
    });
    await dispatch();
    expect(receiver.received).toHaveLength(2);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(receiver.received[1]?.verified?.type).toBe("payment_request.created");
    // Delivered now: a replay since an hour ago queues it once more.
    expect(await json<{ replayed: string[] }>(["replay", "--endpoint", added.id, "--since", "1h"])).toEqual({
      replayed: [failed[0]?.id],
    });

    const missing = await payreq(["webhooks", "show", "not-an-endpoint"], env);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, "payreq: no webhook endpoint not-an-endpoint"]);
    expect(await json<{ removed: string }>(["remove", added.id])).toMatchObject({ removed: added.id });
    expect(await json<WebhookEndpoint[]>(["list"])).toEqual([]);

    const audited = await seeded.store.sql.all<{ operation: string; transport: string; response: string }>(
      "select operation, transport, response_body as response from audit_log where operation like 'webhooks.%' order by seq",
    );
    expect(audited.map((a) => a.operation)).toEqual([
      "webhooks.create",
      "webhooks.create",
      "webhooks.create",
      "webhooks.remove",
      "webhooks.disable",
      "webhooks.enable",
      "webhooks.rotate-secret",
      "webhooks.replay",
      "webhooks.replay",
      "webhooks.remove",
    ]);
    expect(audited.every((a) => a.transport === "cli")).toBe(true);
    expect(audited.map((a) => a.response).join()).not.toMatch(/whsec_[A-Za-z0-9]/);
    expect(audited.map((a) => a.response).join()).toContain(added.id);
  });
});
