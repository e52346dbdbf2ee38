import { type SqliteStore, verifyAuditChain } from "@payreq/core";
import { startPostgresServer } from "@payreq/core/testing/postgres-server";
import { startSmsProvider } from "@payreq/core/testing/providers";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it, onTestFinished } from "vitest";
import { seededDatabase } from "../test/seeded-database.ts";
import { startServerProcess } from "../test/server-process.ts";

/**
 * The crash harness: the real server under load, killed with SIGKILL at a random moment, again and again.
 * After every kill the database must pass integrity_check and the audit chain must verify; every call the
 * client saw answered 200 must have its payment request, outbox messages and audit row; every call that got no
 * answer must complete when retried with its key, with one payment request and at most one message per channel.
 * PAYREQ_CRASH_KILLS sets the number of kills (5 by default; the long run in the closing notes used 100). On
 * PostgreSQL the server is a durable one of its own (fsync on), as in production.
 */
const KILLS = Number(process.env.PAYREQ_CRASH_KILLS ?? 5);
const WORKERS = 8;

type Call = { key: string; body: Record<string, unknown> };
type Acknowledged = Call & {
  response: { requestId: string; paymentRequestUuid: string; textSent?: string; emailSent?: string };
};

/** A retry of a call whose process was killed; 409 while the database has yet to see that process gone. */
const retryUntilDone = async (send: () => Promise<Response>) => {
  for (let attempt = 0; ; attempt++) {
    const res = await send();
    if (res.status !== 409 || attempt >= 50) return res;
    await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe.each(TEST_STORES)("crash safety on %s", { timeout: 60_000 + KILLS * 15_000 }, (kind) => {
  it(`keeps every acknowledged call and completes every interrupted one across ${KILLS} kill -9s`, async () => {
    let target: Record<string, string> | undefined;
    if (kind === "postgres") {
      const server = await startPostgresServer({ durable: true });
      onTestFinished(() => server.destroy());
      target = { PAYREQ_DATABASE_URL: server.urlOf("postgres") };
    }
    const seeded = await seededDatabase(kind, target);
    onTestFinished(() => seeded.store.close());
    const { auth } = seeded;
    const dept = seeded.demo.ids.departments.sunrise;
    const customers = [seeded.demo.ids.customers.sunriseFull, seeded.demo.ids.customers.sunrisePhoneOnly];
    // Texts go to a real HTTP provider on loopback, which counts what it is handed: kills must never double a text.
    const sms = await startSmsProvider("ACcrash", "crash-token");
    onTestFinished(() => sms.close());
    const providerEnv = {
      PAYREQ_SMS_URL: sms.url,
      PAYREQ_SMS_ACCOUNT_SID: "ACcrash",
      PAYREQ_SMS_AUTH_TOKEN: "crash-token",
      PAYREQ_SMS_FROM: "+13125550000",
    };

    const acknowledged: Acknowledged[] = [];
    let interrupted: Call[] = [];
    let sequence = 0;
    const failures: string[] = [];
    const totals = { kills: 0, acknowledged: 0, retried: 0, checks: 0 };

    const post = (url: string, call: Call) =>
      fetch(`${url}/payment/aggregator/v1/departments/${dept}/payment-requests`, {
        method: "POST",
        headers: { Authorization: auth, "Content-Type": "application/json", "Idempotency-Key": call.key },
        body: JSON.stringify(call.body),
      });

    for (let round = 0; round < KILLS; round++) {
      const server = await startServerProcess({
        ...seeded.env,
        PAYREQ_DELIVERY_TIMEOUT: "2s",
        ...providerEnv,
      });
      // A failed expectation must not leave the server running.
      onTestFinished(() => server.stop("SIGKILL").then(() => undefined));

      // Interrupted calls of the previous round are retried with their keys first: they must complete.
      for (const call of interrupted) {
        const res = await retryUntilDone(() => post(server.url, call));
        expect(res.status, JSON.stringify(call)).toBe(200);
        acknowledged.push({ ...call, response: (await res.json()) as Acknowledged["response"] });
        totals.retried++;
      }
      interrupted = [];

      let killed = false;
      const load = Array.from({ length: WORKERS }, async () => {
        while (!killed) {
          const n = sequence++;
          const call: Call = {
            key: `crash-${n}`,
            body: {
              amount: 10 + (n % 50),
              orderNumber: `RO-CRASH-${Math.floor(n / 2)}`,
              orderType: "RO",
              customerUuid: customers[Math.floor(n / 2) % 2],
              sendAsText: true,
              sendAsEmail: n % 3 === 0,
            },
          };
          let res: Response;
          let body: Acknowledged["response"];
          try {
            res = await post(server.url, call);
            body = (await res.json()) as Acknowledged["response"];
          } catch {
            // Killed before the answer arrived: the outcome is unknown to the client.
            interrupted.push(call);
            continue;
          }
          if (res.status === 200) acknowledged.push({ ...call, response: body });
          else failures.push(`${call.key}: ${res.status} ${JSON.stringify(body)}`);
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 600));
      killed = true;
      await server.stop("SIGKILL");
      totals.kills++;
      await Promise.all(load);
      expect(failures).toEqual([]);

      const { sql } = seeded.store;
      if (seeded.store.dialect === "sqlite") {
        expect((seeded.store as SqliteStore).sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      }
      expect((await verifyAuditChain(sql)).ok).toBe(true);
      for (const call of acknowledged) {
        const { response } = call;
        expect(
          await sql.get("select uuid from payment_requests where uuid = ?", [response.paymentRequestUuid]),
          call.key,
        ).toBeDefined();
        expect(
          await sql.get("select http_status from audit_log where request_id = ?", [response.requestId]),
          call.key,
        ).toBeDefined();
        for (const channel of ["text", "email"] as const) {
          const sent = (channel === "text" ? response.textSent : response.emailSent) === "SUCCESS";
          const delivered = await sql.get<{ n: number }>(
            "select count(*) as n from outbox where payment_request_uuid = ? and channel = ? and status = 'DELIVERED'",
            [response.paymentRequestUuid, channel],
          );
          expect(delivered?.n, `${call.key} ${channel}`).toBe(sent ? 1 : 0);
        }
        totals.checks++;
      }
      const perChannel = await sql.get<{ most: number | null }>(
        "select max(n) as most from (select count(*) as n from outbox group by payment_request_uuid, channel) as counts",
      );
      expect(perChannel?.most ?? 0).toBeLessThanOrEqual(1);
    }
    totals.acknowledged = acknowledged.length;
    const textsPerLink = new Map<string, number>();
    for (const request of sms.requests) {
      const link = /\/pay\/[A-Za-z0-9_-]{64}/.exec(request.form.get("Body") ?? "")?.[0] ?? "?";
      textsPerLink.set(link, (textsPerLink.get(link) ?? 0) + 1);
    }
    expect([...textsPerLink.values()].filter((n) => n > 1)).toEqual([]);
    expect(sms.requests.length).toBeGreaterThan(0);
    console.log(
      `crash harness on ${kind}: ${totals.kills} kills, ${totals.acknowledged} acknowledged calls, ${totals.retried} interrupted calls retried, ${totals.checks} acknowledged-call checks, ${sms.requests.length} texts handed to the provider, none twice`,
    );
    expect(totals.acknowledged).toBeGreaterThan(0);
  });
});
