import { TEST_STORES } from "@payreq/core/testing/stores";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { describe, expect, it, onTestFinished } from "vitest";
import { payreq } from "../../test/cli.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { startServerProcess } from "../../test/server-process.ts";

const CALLS = 60;

/**
 * At least once across a crash: `payreq serve` killed with SIGKILL while deliveries are pending and in flight,
 * then started again. Every event reaches the receiver, none more than twice, each time with its own
 * webhook-id and a valid signature.
 */
describe.each(TEST_STORES)("webhooks across a kill -9 on %s", { timeout: 90_000 }, (kind) => {
  it(`delivers every event of ${CALLS} calls at least once and at most twice`, async () => {
    const seeded = await seededDatabase(kind);
    onTestFinished(() => seeded.store.close());
    const receiver = await startWebhookReceiver({ delayMs: 40 });
    onTestFinished(() => receiver.close());
    const env = {
      ...seeded.env,
      PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1",
      PAYREQ_WEBHOOK_RETRY_SCHEDULE: "1s,1s,1s,1s",
      PAYREQ_WEBHOOK_TIMEOUT: "5s",
    };
    const added = await payreq(
      [
        "webhooks",
        "add",
        "--department",
        seeded.demo.ids.departments.sunrise,
        "--url",
        receiver.url,
        "--json",
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    receiver.useSecret((JSON.parse(added.stdout) as { secret: string }).secret);

    const first = await startServerProcess(env);
    onTestFinished(() => first.stop("SIGKILL").then(() => undefined));
    const post = (url: string, i: number) =>
      fetch(
        `${url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
        {
          method: "POST",
          headers: { Authorization: seeded.auth, "Content-Type": "application/json" },
          body: JSON.stringify({
            amount: 10 + i,
            orderNumber: `RO-KILL-${kind}-${i}`,
            orderType: "RO",
            customerUuid: seeded.demo.ids.customers.sunriseFull,
            sendAsText: true,
            sendAsEmail: true,
          }),
        },
      );
    for (let i = 0; i < CALLS; i++) expect((await post(first.url, i)).status).toBe(200);
    // Killed while the dispatcher is at work: some delivered, some in flight, most pending.
    await receiver.waitFor(20);
    await first.stop("SIGKILL");
    const seenAtKill = receiver.received.length;

    const second = await startServerProcess(env);
    onTestFinished(() => second.stop("SIGKILL").then(() => undefined));
    const events = (await seeded.store.sql.all<{ id: string }>("select id from webhook_events")).map(
      (e) => e.id,
    );
    expect(events).toHaveLength(CALLS * 3);
    await receiver.waitForDistinct(events.length);
    await second.stop();

    const times = new Map<string, number>();
    for (const delivery of receiver.received) {
      const id = delivery.headers["webhook-id"] ?? "";
      times.set(id, (times.get(id) ?? 0) + 1);
    }
    expect([...times.keys()].sort()).toEqual([...events].sort());
    expect(Math.max(...times.values())).toBeLessThanOrEqual(2);
    expect(receiver.received.every((r) => r.verified !== undefined)).toBe(true);
    const twice = [...times.values()].filter((n) => n === 2).length;
    console.log(
      `webhooks kill -9 on ${kind}: ${events.length} events, ${seenAtKill} received before the kill, ${receiver.received.length} in all, ${twice} twice`,
    );
    const pending = await seeded.store.sql.get<{ n: number }>(
      "select count(*) as n from webhook_deliveries where status <> 'delivered'",
    );
    expect(Number(pending?.n)).toBe(0);
  });
});
